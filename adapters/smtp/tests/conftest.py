"""Fixtures: a real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import socket
import ssl
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default
from typing import Any

import attrs
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@attrs.define
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class Inbox:
    """aiosmtpd handler: accepts mail, refuses the recipients in ``refuse`` with 550."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[str, str]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # as a mail client reads it: the wire's CRLF line endings become newlines
        message = email.message_from_bytes(envelope.content.replace(b"\r\n", b"\n"), policy=default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((login, password))
            return AuthResult(success=(login, password) == ("qa-bot", "s3cret:/@"), handled=False)
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """Start, stop and start again on the same port (for outage tests)."""

    def __init__(
        self, port: int | None = None, *, require_auth: bool = False, tls: ssl.SSLContext | None = None
    ) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.require_auth = require_auth
        self.tls = tls
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.require_auth:
            kwargs = {
                "authenticator": self.inbox.authenticate,
                "auth_require_tls": self.tls is not None,
                "auth_required": True,
            }
        if self.tls is not None:
            kwargs |= {"tls_context": self.tls, "require_starttls": True}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(self, **options: str) -> str:
        query = "&".join(
            f"{k}={v}" for k, v in {"from": "qa-bot@kent.example", "to": "tm@kent.example", **options}.items()
        )
        return f"smtp://127.0.0.1:{self.port}?{query}"


@pytest.fixture
def start_smtp() -> Iterator[Callable[..., SmtpServer]]:
    """Start real SMTP servers on 127.0.0.1: ``start_smtp(port=None, require_auth=False)``."""
    started: list[SmtpServer] = []

    def start(
        port: int | None = None, *, require_auth: bool = False, tls: ssl.SSLContext | None = None
    ) -> SmtpServer:
        server = SmtpServer(port, require_auth=require_auth, tls=tls).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_smtp: Callable[..., SmtpServer]) -> SmtpServer:
    return start_smtp()


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def tls_trusted(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server TLS context for 127.0.0.1 signed by a throwaway CA that the client trusts
    (through SSL_CERT_FILE, which OpenSSL's default verify paths read)."""
    import trustme

    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context
