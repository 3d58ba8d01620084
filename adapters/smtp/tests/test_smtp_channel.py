"""The SMTP channel against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

import pytest

from kentqa_domain.errors import ChannelError, ChannelUnavailable
from kentqa_domain.notifications import Notification
from kentqa_domain.notifications.channels import open_channels
from kentqa_domain.plugins import make_plugin_manager
from kentqa_smtp import SmtpChannel, open_smtp

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


def test_kentqa_register_notifiers_entry_point_gives_the_smtp_scheme() -> None:
    assert {ep.name: ep.value for ep in entry_points(group="kentqa")}.get("smtp") == "kentqa_smtp"
    (channel,) = open_channels(make_plugin_manager(), ["smtp://127.0.0.1:25?from=a@x.org&to=b@x.org"])
    assert channel.plugin == "smtp" and isinstance(channel.channel, SmtpChannel)


def test_one_message_arrives_with_the_kind_in_its_subject_and_the_ids_in_its_body(server: SmtpServer) -> None:
    open_smtp(server.url(to="tm@kent.example,cc@kent.example")).send(NOTICE)
    (got,) = server.inbox.received
    assert got.mail_from == "qa-bot@kent.example"
    assert got.rcpt_tos == ["tm@kent.example", "cc@kent.example"]
    msg = got.message
    assert msg["Subject"] == "[KentQA] Complaint deadline near: complaint:CMP-1:stage_1 (due 2026-03-16)"
    assert msg["From"] == "qa-bot@kent.example" and msg["To"] == "tm@kent.example, cc@kent.example"
    assert msg["X-KentQA-Key"] == "complaint_deadline_near:complaint:CMP-1:stage_1:2026-03-16"
    assert msg["X-KentQA-Audience"] == "customer_care"
    body = msg.get_content()
    assert body.startswith("Complaint CMP-1 (stage 1) must be answered by 2026-03-16.\n")
    for line in (
        "For: customer_care",
        "About: complaint:CMP-1:stage_1",
        "Due: 2026-03-16",
        "Team: T1",
        "complaint_id: CMP-1",
    ):
        assert line in body.splitlines()


def test_the_message_id_is_the_same_for_every_send_of_a_notification(server: SmtpServer) -> None:
    channel = open_smtp(server.url())
    channel.send(NOTICE)
    channel.send(NOTICE)
    first, second = server.inbox.received
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert first.message["Message-ID"].endswith("@kentqa.invalid>")


def test_login_with_percent_encoded_credentials(
    start_smtp: Callable[..., SmtpServer], tls_trusted: Any
) -> None:
    server = start_smtp(require_auth=True, tls=tls_trusted)
    open_smtp(server.url(credentials="qa-bot:s3cret%3A%2F%40")).send(NOTICE)
    assert server.inbox.logins == [("qa-bot", "s3cret:/@")]
    assert len(server.inbox.received) == 1
    with pytest.raises(ChannelError, match=r"replied 535"):
        open_smtp(server.url(credentials="qa-bot:wrong")).send(NOTICE)


def test_a_server_that_is_down_is_unavailable(unused_port: int) -> None:
    channel = open_smtp(f"smtp://127.0.0.1:{unused_port}?from=a@x.org&to=b@x.org&timeout=2&starttls=0")
    with pytest.raises(ChannelUnavailable, match=r"SMTP server 127.0.0.1:\d+ unavailable"):
        channel.send(NOTICE)


def test_a_refused_recipient_is_a_channel_error_naming_it(server: SmtpServer) -> None:
    server.inbox.refuse = {"gone@kent.example"}
    with pytest.raises(ChannelError, match=r"refused recipient\(s\): gone@kent.example: 550") as caught:
        open_smtp(server.url(to="gone@kent.example")).send(NOTICE)
    assert not isinstance(caught.value, ChannelUnavailable)


def test_one_refused_recipient_among_several_is_not_accepted(server: SmtpServer) -> None:
    """Accepted means every recipient: otherwise it stays pending for the next run."""
    server.inbox.refuse = {"gone@kent.example"}
    with pytest.raises(ChannelError, match=r"gone@kent.example"):
        open_smtp(server.url(to="tm@kent.example,gone@kent.example")).send(NOTICE)


def test_starttls_asked_of_a_server_without_it_is_an_error(server: SmtpServer) -> None:
    with pytest.raises(ChannelError, match=r"STARTTLS"):
        open_smtp(server.url(starttls="1")).send(NOTICE)


def test_starttls_verifies_the_server_and_then_logs_in(
    start_smtp: Callable[..., SmtpServer], tls_trusted: Any
) -> None:
    server = start_smtp(require_auth=True, tls=tls_trusted)
    url = server.url(starttls="1", credentials="qa-bot:s3cret%3A%2F%40")
    open_smtp(url).send(NOTICE)
    assert server.inbox.logins == [("qa-bot", "s3cret:/@")]
    assert [m.message["X-KentQA-Key"] for m in server.inbox.received] == [NOTICE.key]


def test_without_starttls_a_server_that_requires_it_refuses(
    start_smtp: Callable[..., SmtpServer], tls_trusted: Any
) -> None:
    server = start_smtp(tls=tls_trusted)
    with pytest.raises(ChannelError, match=r"replied 530"):
        open_smtp(server.url(starttls="0")).send(NOTICE)
    assert server.inbox.received == []
