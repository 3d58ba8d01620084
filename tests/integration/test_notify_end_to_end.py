"""As a new user would: the example council, a real SMTP server and a real HTTP receiver on
127.0.0.1, and ``kentqa notify`` run by hand. What is due arrives once on each channel; an
SMTP outage loses nothing and duplicates nothing acknowledged (SPEC section 6, issue 7)."""

from __future__ import annotations

import datetime as dt
import email
import json
import socket
from collections import Counter
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import kentqa_domain as kq
from kentqa_domain.storage import redact
from tests.cli_run import kentqa
from tests.integration.test_cli import EXAMPLE

SECRET = "end-to-end-secret-of-at-least-32-bytes"


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return ("127.0.0.1", 0)


class Mailbox:
    def __init__(self) -> None:
        self.keys: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.keys.append(email.message_from_bytes(envelope.content, policy=default)["X-KentQA-Key"])
        return "250 OK"


@pytest.fixture
def smtp_port() -> int:
    """A free port on 127.0.0.1 (the socket is closed again before the server binds it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def start_smtp(port: int, mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def expected_keys(db: str, as_of: dt.date) -> set[str]:
    with kq.connect(db, policy=kq.Policy()) as qa:
        return {n.key for n in qa.notifications(as_of=as_of)}


def test_new_user_delivers_once_and_survives_an_smtp_outage(
    tmp_path: Path, httpserver: HTTPServer, smtp_port: int
) -> None:
    db = f"sqlite:///{tmp_path / 'council.db'}"
    assert kentqa("record", str(EXAMPLE), db=db).returncode == 0
    posted: list[str] = []

    def receive(request: Request) -> Response:
        posted.append(request.headers["Idempotency-Key"])
        return Response("", status=204)

    httpserver.expect_request("/kentqa", method="POST").respond_with_handler(receive)
    smtp = f"smtp://127.0.0.1:{smtp_port}?from=qa@kent.example&to=tm@kent.example&timeout=2&starttls=0"
    hook = httpserver.url_for("/kentqa")
    env = {"KENTQA_WEBHOOK_SECRET": SECRET, "KENTQA_WEBHOOK_ALLOW_HTTP": "1"}
    mailbox = Mailbox()

    def notify(day: dt.date) -> Any:
        return kentqa(
            "notify", "--as-of", day.isoformat(), "--notify", smtp, "--notify", hook, "--json", db=db, env=env
        )

    first_day, second_day = dt.date(2026, 6, 1), dt.date(2027, 2, 1)
    first_keys, second_keys = expected_keys(db, first_day), expected_keys(db, second_day)
    assert first_keys and second_keys - first_keys, "the example should have something due on both days"

    controller = start_smtp(smtp_port, mailbox)
    first = notify(first_day)
    controller.stop()
    assert first.returncode == 0, first.stderr
    assert Counter(mailbox.keys) == Counter(posted) == Counter(dict.fromkeys(first_keys, 1))

    outage = notify(second_day)  # nothing listens on the SMTP port now
    assert outage.returncode == 4
    assert f"kentqa: channel {smtp} failed: ChannelUnavailable" in outage.stderr
    report = json.loads(outage.stdout)
    assert {c["channel"]: c["ok"] for c in report["channels"]} == {smtp: False, redact(hook): True}
    assert Counter(posted) == Counter(dict.fromkeys(first_keys | second_keys, 1))
    assert Counter(mailbox.keys) == Counter(dict.fromkeys(first_keys, 1))

    controller = start_smtp(smtp_port, mailbox)
    try:
        back = notify(second_day)
        again = notify(second_day)
    finally:
        controller.stop()
    assert back.returncode == 0 and again.returncode == 0, back.stderr + again.stderr
    assert Counter(mailbox.keys) == Counter(posted) == Counter(dict.fromkeys(first_keys | second_keys, 1))
