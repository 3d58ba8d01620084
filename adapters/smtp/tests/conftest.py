"""Fixtures: a real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import contextlib
import email
import socket
import ssl
import threading
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
    """Start, stop and start again on the same port (for outage tests).

    ``tls``: offer (and require) STARTTLS with this context. ``implicit_tls``: speak TLS from
    the first byte (``smtps://``). ``auth_over_plain``: accept AUTH on a clear-text connection
    (a careless or hostile server: what the client must never rely on).
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        require_auth: bool = False,
        tls: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        auth_over_plain: bool = False,
    ) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.require_auth = require_auth
        self.tls = tls
        self.implicit_tls = implicit_tls
        self.auth_over_plain = auth_over_plain
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.require_auth:
            kwargs = {
                "authenticator": self.inbox.authenticate,
                # aiosmtpd counts only STARTTLS as TLS; under implicit TLS the whole session is
                "auth_require_tls": self.tls is not None and not self.auth_over_plain,
                "auth_required": True,
            }
        if self.tls is not None:
            kwargs |= {"tls_context": self.tls, "require_starttls": True}
        if self.implicit_tls is not None:
            kwargs |= {"ssl_context": self.implicit_tls}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(
        self, *, scheme: str = "smtp", credentials: str = "", port: int | None = None, **options: str
    ) -> str:
        """The channel URL; a server without STARTTLS gets ``starttls=0`` unless told otherwise."""
        if scheme == "smtp" and self.tls is None and "starttls" not in options:
            options["starttls"] = "0"
        query = "&".join(
            f"{k}={v}" for k, v in {"from": "qa-bot@kent.example", "to": "tm@kent.example", **options}.items()
        )
        login = f"{credentials}@" if credentials else ""
        return f"{scheme}://{login}127.0.0.1:{port or self.port}?{query}"


class WireTap:
    """A TCP relay on 127.0.0.1 in front of a server, keeping every byte the client sends:
    what an eavesdropper on the network between them would capture."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.captured = bytearray()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, keep: bool) -> None:
        try:
            while data := source.recv(65536):
                if keep:
                    self.captured += data
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        for s in self.sockets:
            s.close()


@pytest.fixture
def start_smtp() -> Iterator[Callable[..., SmtpServer]]:
    """Start real SMTP servers on 127.0.0.1: ``start_smtp(port=None, require_auth=False, ...)``."""
    started: list[SmtpServer] = []

    def start(port: int | None = None, **options: Any) -> SmtpServer:
        server = SmtpServer(port, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def wiretap() -> Iterator[Callable[[int], WireTap]]:
    """``wiretap(port)``: a capturing relay in front of the server on ``port``."""
    taps: list[WireTap] = []

    def tap(port: int) -> WireTap:
        taps.append(WireTap(port))
        return taps[-1]

    yield tap
    for t in taps:
        t.close()


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
    return server_context(ca)


@pytest.fixture
def tls_untrusted() -> ssl.SSLContext:
    """A server TLS context for 127.0.0.1 signed by a CA the client does not trust (a
    man in the middle with a certificate of its own)."""
    import trustme

    return server_context(trustme.CA())


def server_context(ca: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context
