"""Fixtures: a real HTTP server on 127.0.0.1 (pytest-httpserver) that records every POST."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.datastructures import Headers

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
        self.text = ""
        self.requests: list[Request] = []
        self.bodies: list[bytes] = []
        server.expect_request("/hook", method="POST").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        self.bodies.append(request.get_data())
        headers = {"Location": "/elsewhere"} if 300 <= self.status < 400 else {}
        return Response(self.text or f"status {self.status}", status=self.status, headers=headers)

    @property
    def url(self) -> str:
        return self.server.url_for("/hook")


@pytest.fixture
def receiver(httpserver: HTTPServer) -> Receiver:
    return Receiver(httpserver)


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared secret in the environment, and http:// allowed (the receiver is on 127.0.0.1)."""
    monkeypatch.setenv("KENTQA_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("KENTQA_WEBHOOK_ALLOW_HTTP", "1")
    return SECRET


@pytest.fixture
def httpserver_tls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[HTTPServer, list[tuple[Headers, bytes]]]]:
    """An https receiver on 127.0.0.1, its certificate from a throwaway CA the client trusts
    (through SSL_CERT_FILE); it answers 204 and keeps (headers, body) of every POST."""
    import trustme

    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    seen: list[tuple[Headers, bytes]] = []

    def handle(request: Request) -> Response:
        seen.append((Headers(request.headers), request.get_data()))
        return Response("", status=204)

    server.expect_request("/hook", method="POST").respond_with_handler(handle)
    server.start()
    yield server, seen
    server.clear()
    if server.is_running():
        server.stop()
