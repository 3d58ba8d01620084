"""The webhook channel against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
from importlib.metadata import entry_points
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.errors import ChannelError, ChannelUnavailable, PluginError
from kentqa_domain.notifications import Notification
from kentqa_domain.notifications.channels import open_channels
from kentqa_domain.plugins import make_plugin_manager
from kentqa_webhook import WebhookChannel, body_of, open_webhook, signature, verify

Receiver = Any

NOTICE = Notification(
    kind="escalation_response_overdue",
    subject="escalation:E-9:team_manager",
    due_on=dt.date(2026, 3, 9),
    audience="service_manager",
    message="Escalation E-9 (child C-1) awaits a response at the team_manager stage, due 2026-03-09.",
    team_id="T1",
    refs={"escalation_id": "E-9", "child_ref": "C-1"},
)


def test_kentqa_register_notifiers_entry_point_gives_http_and_https(secret: str) -> None:
    assert {ep.name: ep.value for ep in entry_points(group="kentqa")}.get("webhook") == "kentqa_webhook"
    opened = open_channels(make_plugin_manager(), ["http://127.0.0.1:9/hook", "https://127.0.0.1:9/hook"])
    assert [c.plugin for c in opened] == ["webhook", "webhook"]
    assert all(isinstance(c.channel, WebhookChannel) for c in opened)


def test_without_the_secret_the_channel_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KENTQA_WEBHOOK_SECRET", raising=False)
    with pytest.raises(PluginError, match=r"http://127.0.0.1:9/hook \(webhook\): set KENTQA_WEBHOOK_SECRET"):
        open_channels(make_plugin_manager(), ["http://127.0.0.1:9/hook"])


def test_a_signed_json_post_arrives_with_the_idempotency_key(receiver: Receiver, secret: str) -> None:
    channel = open_webhook(receiver.url)
    channel.send(NOTICE)
    channel.close()
    (request,) = receiver.requests
    (body,) = receiver.bodies
    assert json.loads(body) == {
        "key": "escalation_response_overdue:escalation:E-9:team_manager:2026-03-09",
        "kind": "escalation_response_overdue",
        "subject": "escalation:E-9:team_manager",
        "due_on": "2026-03-09",
        "audience": "service_manager",
        "team_id": "T1",
        "message": NOTICE.message,
        "refs": {"child_ref": "C-1", "escalation_id": "E-9"},
    }
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == NOTICE.key
    assert request.headers["X-KentQA-Kind"] == "escalation_response_overdue"
    # the receiver's check, written out: HMAC-SHA256 of the exact body bytes, keyed by the secret
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert request.headers["X-KentQA-Signature"] == expected


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, ChannelUnavailable),
        (503, ChannelUnavailable),
        (429, ChannelUnavailable),
        (408, ChannelUnavailable),
    ],
)
def test_server_trouble_is_worth_retrying(
    receiver: Receiver, secret: str, status: int, error: type[Exception]
) -> None:
    receiver.status = status
    with pytest.raises(error, match=rf"answered HTTP {status}: status {status}"):
        open_webhook(receiver.url).send(NOTICE)


@pytest.mark.parametrize("status", [400, 401, 404, 302])
def test_other_replies_are_errors_and_redirects_are_not_followed(
    receiver: Receiver, secret: str, status: int
) -> None:
    receiver.status = status
    with pytest.raises(ChannelError, match=rf"HTTP {status}") as caught:
        open_webhook(receiver.url).send(NOTICE)
    assert not isinstance(caught.value, ChannelUnavailable)
    assert len(receiver.requests) == 1


def test_nobody_listening_is_unavailable(secret: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(
        ChannelUnavailable, match=rf"webhook http://127.0.0.1:{port}/hook unreachable: ConnectError"
    ):
        open_webhook(f"http://127.0.0.1:{port}/hook").send(NOTICE)


@pytest.mark.parametrize("url", ["http:///hook", "ftp://h/x"])
def test_a_url_without_a_host_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="http\\(s\\)://host"):
        open_webhook(url, env={"KENTQA_WEBHOOK_SECRET": "s"})


@given(st.binary(min_size=1, max_size=40), st.text(max_size=60))
def test_verify_accepts_our_signature_and_rejects_a_changed_body(key: bytes, message: str) -> None:
    n = Notification(
        kind="qa_overdue",
        subject="child:C1:looked_after",
        due_on=dt.date(2026, 1, 1),
        audience="iro",
        message=message.strip() or "m",
    )
    body = body_of(n)
    assert verify(key, body, signature(key, body))
    assert not verify(key, body + b" ", signature(key, body))
    assert not verify(key + b"x", body, signature(key, body))
