"""Fixtures: a real HTTP server on 127.0.0.1 (pytest-httpserver) that records every POST."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SECRET = "test-secret-\N{POUND SIGN}-not-for-production"


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Loopback only."""
    return ("127.0.0.1", 0)


class Receiver:
    """Answers POST /hook with ``status`` (changeable) and keeps every request it saw."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.status = 200
        self.requests: list[Request] = []
        self.bodies: list[bytes] = []
        server.expect_request("/hook", method="POST").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        self.bodies.append(request.get_data())
        headers = {"Location": "/elsewhere"} if 300 <= self.status < 400 else {}
        return Response(f"status {self.status}", status=self.status, headers=headers)

    @property
    def url(self) -> str:
        return self.server.url_for("/hook")


@pytest.fixture
def receiver(httpserver: HTTPServer) -> Receiver:
    return Receiver(httpserver)


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KENTQA_WEBHOOK_SECRET", SECRET)
    return SECRET
