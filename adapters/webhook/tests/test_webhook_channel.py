"""The webhook channel against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import time
import unicodedata
from importlib.metadata import entry_points
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.errors import ChannelError, ChannelUnavailable, PluginError
from kentqa_domain.notifications import Notification
from kentqa_domain.notifications.channels import open_channels
from kentqa_domain.plugins import make_plugin_manager
from kentqa_webhook import WebhookChannel, body_of, open_webhook, signature, signed_bytes, verify

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
    with pytest.raises(
        PluginError, match=r"https://127.0.0.1:9/\*\*\*#\w{8} \(webhook\): set KENTQA_WEBHOOK_SECRET"
    ):
        open_channels(make_plugin_manager(), ["https://127.0.0.1:9/hook"])


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
    # the receiver's check, written out: HMAC-SHA256 of timestamp, key and the exact body bytes
    timestamp = request.headers["X-KentQA-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    signed = f"{timestamp}\n{NOTICE.key}\n".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
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
        ChannelUnavailable, match=rf"webhook http://127.0.0.1:{port}/\*\*\*#\w{{8}} unreachable: ConnectError"
    ):
        open_webhook(f"http://127.0.0.1:{port}/hook").send(NOTICE)


@pytest.mark.parametrize("url", ["http:///hook", "https:///hook", "ftp://h/x"])
def test_a_url_without_a_host_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="https://host"):
        open_webhook(url, env={"KENTQA_WEBHOOK_SECRET": "s" * 32, "KENTQA_WEBHOOK_ALLOW_HTTP": "1"})


@given(
    st.binary(min_size=32, max_size=64),
    st.text(max_size=60),
    st.integers(1_000_000_000, 4_000_000_000),
)
def test_verify_accepts_our_signature_and_rejects_any_change(key: bytes, message: str, now: int) -> None:
    n = Notification(
        kind="qa_overdue",
        subject="child:C1:looked_after",
        due_on=dt.date(2026, 1, 1),
        audience="iro",
        message=message.strip() or "m",
    )
    body, ts = body_of(n), str(now)
    header = signature(key, ts, n.key, body)
    assert verify(key, body, timestamp=ts, key=n.key, header=header, now=now + 299)
    assert not verify(key, body + b" ", timestamp=ts, key=n.key, header=header, now=now)
    assert not verify(key + b"x", body, timestamp=ts, key=n.key, header=header, now=now)
    assert not verify(key, body, timestamp=str(now + 1), key=n.key, header=header, now=now)
    assert not verify(key, body, timestamp=ts, key=n.key + "x", header=header, now=now)
    assert not verify(key, body, timestamp=ts, key=n.key, header=header, now=now + 301)  # replayed late
    assert not verify(key, body, timestamp=ts, key=n.key, header=header, now=now - 301)


@given(st.text(min_size=1, max_size=12), st.binary(max_size=30), st.binary(max_size=30))
def test_the_signed_parts_cannot_be_shifted_into_one_another(key: str, tail: bytes, body: bytes) -> None:
    """The key is a header value (no newline): moving bytes between key and body changes what is signed."""
    key = key.replace("\n", "")
    if not key:
        return
    assert signed_bytes("1767225600", key, body) != signed_bytes(
        "1767225600", key[:-1], key[-1:].encode() + body
    )


@pytest.mark.parametrize("length", [0, 1, 16, 31])
def test_a_short_secret_is_refused_without_being_shown(length: int) -> None:
    env = {"KENTQA_WEBHOOK_SECRET": "Z" * length}
    with pytest.raises(ValueError, match=r"KENTQA_WEBHOOK_SECRET") as caught:
        open_webhook("https://qa-hub.example.org/hook", env=env)
    assert "Z" not in str(caught.value)
    if length:
        assert f"at least 32 bytes, not {length}" in str(caught.value)


def test_a_32_byte_secret_is_enough() -> None:
    channel = open_webhook("https://qa-hub.example.org/hook", env={"KENTQA_WEBHOOK_SECRET": "k" * 32})
    assert channel.secret == b"k" * 32
    channel.close()


@pytest.mark.parametrize("allow", [None, "", "0", "yes"])
def test_http_is_refused_unless_explicitly_allowed(allow: str | None) -> None:
    env = {"KENTQA_WEBHOOK_SECRET": "k" * 32}
    if allow is not None:
        env["KENTQA_WEBHOOK_ALLOW_HTTP"] = allow
    with pytest.raises(ValueError, match=r"must be https://.*KENTQA_WEBHOOK_ALLOW_HTTP=1"):
        open_webhook("http://qa-hub.example.org/hook?token=t0k3n", env=env)
    open_webhook("http://qa-hub.example.org/hook", env={**env, "KENTQA_WEBHOOK_ALLOW_HTTP": "1"}).close()


def test_a_token_in_the_url_is_never_shown_nor_stored_as_the_channel_name(secret: str) -> None:
    url = "https://hooks.example.org/services/T0/B0/t0k3nSECRET?sig=qu3rySECRET"
    (opened,) = open_channels(make_plugin_manager(), [url])
    assert "SECRET" not in opened.name and "SECRET" not in opened.channel.display
    with pytest.raises(PluginError) as caught:
        open_channels(
            make_plugin_manager(),
            [url.replace("https://", "http://u:pa/ss@")],
        )
    assert "SECRET" not in str(caught.value) and "pa/ss" not in str(caught.value)


@pytest.mark.parametrize(
    "reply",
    ["denied\r\n\x07\x1b]0;pwned\x07\x1b[2J", "ok\u202egnp.exe", "\x9b31mred"],
)
def test_the_receivers_reply_is_echoed_without_control_characters(
    receiver: Receiver, secret: str, reply: str
) -> None:
    receiver.status, receiver.text = 400, reply
    with pytest.raises(ChannelError) as caught:
        open_webhook(receiver.url).send(NOTICE)
    message = str(caught.value)
    assert not any(unicodedata.category(c) in {"Cc", "Cf"} for c in message), repr(message)
    assert "HTTP 400: " in message


def test_https_with_a_verified_certificate(httpserver_tls: Any, secret: str) -> None:
    server, requests = httpserver_tls
    channel = open_webhook(server.url_for("/hook"))
    channel.send(NOTICE)
    channel.close()
    ((headers, body),) = requests
    assert verify(
        secret.encode(),
        body,
        timestamp=headers["X-KentQA-Timestamp"],
        key=headers["Idempotency-Key"],
        header=headers["X-KentQA-Signature"],
    )
