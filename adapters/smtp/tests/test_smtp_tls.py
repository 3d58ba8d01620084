"""Attack tests (issue 17, finding 3): a password never crosses the network in clear text.

A capturing relay (``wiretap``) sits between the channel and a real SMTP server on
127.0.0.1 and keeps every byte the channel sends, as an eavesdropper would. Whatever the
server offers, the capture never holds the password, nor ``AUTH`` in clear text.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kentqa_domain.errors import ChannelError, ChannelUnavailable, PluginError
from kentqa_domain.notifications import Notification
from kentqa_domain.notifications.channels import open_channels
from kentqa_domain.plugins import make_plugin_manager
from kentqa_smtp import open_smtp, parse_url

SmtpServer = Any
NOTICE = Notification(
    kind="complaint_deadline_near",
    subject="complaint:CMP-1:stage_1",
    due_on=dt.date(2026, 3, 16),
    audience="customer_care",
    message="Complaint CMP-1 (stage 1) must be answered by 2026-03-16.",
    team_id="T1",
    refs={"complaint_id": "CMP-1"},
)
CREDENTIALS = "qa-bot:s3cret%3A%2F%40"  # the server accepts qa-bot / s3cret:/@
PASSWORD = b"s3cret:/@"


def assert_nothing_secret(captured: bytes) -> None:
    plain_blob = base64.b64encode(b"\0qa-bot\0" + PASSWORD)
    assert PASSWORD not in captured
    assert plain_blob not in captured
    assert base64.b64encode(PASSWORD) not in captured  # AUTH LOGIN sends it alone
    assert b"AUTH" not in captured.upper()


def test_by_default_the_login_and_the_mail_go_over_starttls(
    start_smtp: Callable[..., SmtpServer], tls_trusted: Any, wiretap: Any
) -> None:
    server = start_smtp(require_auth=True, tls=tls_trusted)
    tap = wiretap(server.port)
    url = server.url(credentials=CREDENTIALS, port=tap.port)
    assert "starttls" not in url  # nothing asked: TLS is the default
    open_smtp(url).send(NOTICE)
    assert server.inbox.logins == [("qa-bot", "s3cret:/@")]
    assert len(server.inbox.received) == 1
    assert b"STARTTLS" in tap.captured.upper()
    assert_nothing_secret(bytes(tap.captured))
    assert b"complaint:CMP-1" not in tap.captured  # the mail itself is encrypted too


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("asked", ["", "&starttls=1"])
def test_a_server_without_starttls_never_gets_the_password(
    start_smtp: Callable[..., SmtpServer], wiretap: Any, asked: str
) -> None:
    """The server (or a man in the middle that strips STARTTLS from its EHLO reply) would take
    AUTH PLAIN in clear text: the channel refuses to go on, and says how to fix it. Before the
    fix, the URL as an operator types it (no TLS option) sent AUTH PLAIN with the password."""
    server = start_smtp(require_auth=True, auth_over_plain=True)
    tap = wiretap(server.port)
    url = f"smtp://{CREDENTIALS}@127.0.0.1:{tap.port}?from=qa-bot@kent.example&to=tm@kent.example{asked}"
    with pytest.raises(ChannelError, match=r"does not offer STARTTLS: nothing was sent") as caught:
        open_smtp(url).send(NOTICE)
    assert not isinstance(caught.value, ChannelUnavailable)
    assert server.inbox.logins == [] and server.inbox.received == []
    assert_nothing_secret(bytes(tap.captured))
    assert b"complaint:CMP-1" not in tap.captured


def test_a_server_with_an_untrusted_certificate_never_gets_the_password(
    start_smtp: Callable[..., SmtpServer], tls_untrusted: Any, wiretap: Any
) -> None:
    server = start_smtp(require_auth=True, tls=tls_untrusted)
    tap = wiretap(server.port)
    with pytest.raises(ChannelUnavailable, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        open_smtp(server.url(credentials=CREDENTIALS, port=tap.port)).send(NOTICE)
    assert server.inbox.logins == []
    assert_nothing_secret(bytes(tap.captured))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd: implicit TLS is TLS
def test_smtps_speaks_tls_from_the_first_byte(
    start_smtp: Callable[..., SmtpServer], tls_trusted: Any, wiretap: Any
) -> None:
    server = start_smtp(require_auth=True, implicit_tls=tls_trusted)
    tap = wiretap(server.port)
    open_smtp(server.url(scheme="smtps", credentials=CREDENTIALS, port=tap.port)).send(NOTICE)
    assert server.inbox.logins == [("qa-bot", "s3cret:/@")]
    assert len(server.inbox.received) == 1
    assert b"EHLO" not in tap.captured.upper()  # not even the greeting is readable
    assert_nothing_secret(bytes(tap.captured))


@pytest.mark.parametrize("off", ["0", "no", "false", "off"])
def test_a_password_with_starttls_turned_off_is_refused_before_connecting(off: str) -> None:
    with pytest.raises(ValueError, match=r"a password is never sent in clear text") as caught:
        parse_url(f"smtp://qa-bot:s3cret@mail.example.org:587?from=a@x.org&to=b@x.org&starttls={off}")
    assert "s3cret" not in str(caught.value)
    with pytest.raises(
        PluginError, match=r"smtp://qa-bot:\*\*\*@mail.example.org.*never sent in clear"
    ) as err:
        open_channels(
            make_plugin_manager(),
            [f"smtp://qa-bot:s3cret@mail.example.org:587?from=a@x.org&to=b@x.org&starttls={off}"],
        )
    assert "s3cret" not in str(err.value)


def test_without_a_password_starttls_can_be_turned_off_for_a_local_relay(server: SmtpServer) -> None:
    url = server.url(starttls="0")
    open_smtp(url).send(NOTICE)
    assert len(server.inbox.received) == 1


def test_a_relay_without_starttls_is_refused_unless_turned_off(server: SmtpServer) -> None:
    url = server.url(starttls="1")
    with pytest.raises(ChannelError, match=r"does not offer STARTTLS.*add starttls=0"):
        open_smtp(url).send(NOTICE)
    assert server.inbox.received == []
