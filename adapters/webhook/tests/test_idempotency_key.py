"""A non-ASCII notification key does not crash a webhook delivery (issue 17, low finding):
ids may hold any letter (``Équipe-Nord``), but an HTTP header value is ASCII, so httpx raised
``UnicodeEncodeError`` and ``kentqa notify`` stopped with an internal error. The header is now
the key percent-encoded (UTF-8), signed as sent."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.notifications import Notification
from kentqa_webhook import open_webhook, verify
from kentqa_webhook.signing import header_key

Receiver = Any


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=60))
def test_the_header_is_ascii_and_gives_the_key_back(key: str) -> None:
    header = header_key(key)
    assert header.isascii()
    assert all(0x20 < ord(c) < 0x7F for c in header)
    assert unquote(header) == key


@given(st.text(alphabet=[c for c in string.printable if c not in "% \t\n\r\x0b\x0c"], min_size=1))
def test_an_ascii_key_is_sent_as_it_is(key: str) -> None:
    assert header_key(key) == key


def test_a_notification_about_a_non_ascii_id_is_delivered_and_verifies(
    receiver: Receiver, secret: str
) -> None:
    notice = Notification(
        kind="escalation_response_overdue",
        subject="escalation:É-9:team_manager",
        due_on=dt.date(2026, 3, 9),
        audience="service_manager",
        message="Escalation É-9 awaits a response at the team_manager stage, due 2026-03-09.",
        team_id="Équipe-Nord",
        refs={"escalation_id": "É-9"},
    )
    channel = open_webhook(receiver.url)
    channel.send(notice)
    channel.close()
    (request,) = receiver.requests
    (body,) = receiver.bodies
    key = request.headers["Idempotency-Key"]
    assert key == "escalation_response_overdue:escalation:%C3%89-9:team_manager:2026-03-09"
    assert unquote(key) == notice.key
    assert verify(
        secret.encode(),
        body,
        timestamp=request.headers["X-KentQA-Timestamp"],
        key=key,
        header=request.headers["X-KentQA-Signature"],
    )
