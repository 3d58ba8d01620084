"""The verifier printed in docs/notifications.md, run as written inside a real HTTP receiver
on 127.0.0.1 (pytest-httpserver): it accepts what the channel really sends, and refuses
every tampered request (issue 17, finding 10)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.datastructures import Headers

from kentqa_domain.errors import ChannelError
from kentqa_domain.notifications import Notification
from kentqa_webhook import open_webhook

DOC = Path(__file__).resolve().parents[3] / "docs" / "notifications.md"
NOTICE = Notification(
    kind="review_overdue",
    subject="child:C-7:looked_after",
    due_on=dt.date(2026, 5, 4),
    audience="iro",
    message="Child C-7's looked-after review was due on 2026-05-04.",
    team_id="T1",
    refs={"child_ref": "C-7"},
)


def documented_verifier() -> Callable[..., bool]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Webhooks: verifying a delivery", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    return namespace["verify_kentqa"]  # type: ignore[no-any-return]


class VerifyingReceiver:
    """POST /hook: 204 if the documented verifier accepts the request, 401 otherwise.
    ``clock``, when set, is the receiver's time (seconds since the epoch) to replay a request
    at a chosen moment; otherwise the real clock."""

    def __init__(self, server: HTTPServer, secret: bytes) -> None:
        self.verify = documented_verifier()
        self.secret = secret
        self.clock: float | None = None
        self.seen: list[tuple[Headers, bytes, int]] = []
        server.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        self.url = server.url_for("/hook")

    def handle(self, request: Request) -> Response:
        body = request.get_data()
        ok = self.verify(
            self.secret, request.headers, body, now=time.time() if self.clock is None else self.clock
        )
        status = 204 if ok else 401
        self.seen.append((Headers(request.headers), body, status))
        return Response("" if ok else "bad signature", status=status)


@pytest.fixture
def verifying(httpserver: HTTPServer, secret: str) -> VerifyingReceiver:
    return VerifyingReceiver(httpserver, secret.encode())


def _genuine(verifying: VerifyingReceiver) -> tuple[dict[str, str], bytes]:
    channel = open_webhook(verifying.url)
    channel.send(NOTICE)  # raises unless the receiver answered 2xx
    channel.close()
    headers, body, status = verifying.seen[-1]
    assert status == 204
    keep = ("Content-Type", "Idempotency-Key", "X-KentQA-Timestamp", "X-KentQA-Signature", "X-KentQA-Kind")
    return {k: headers[k] for k in keep}, body


def test_the_documented_verifier_accepts_real_deliveries(verifying: VerifyingReceiver) -> None:
    for _ in range(3):
        _genuine(verifying)
    assert [status for *_, status in verifying.seen] == [204, 204, 204]


def _tampered(headers: dict[str, str], body: bytes) -> dict[str, tuple[dict[str, str], bytes]]:
    stamp = int(headers["X-KentQA-Timestamp"])
    return {
        "a byte of the body": (headers, body.replace(b"C-7", b"C-8")),
        "the idempotency key": ({**headers, "Idempotency-Key": headers["Idempotency-Key"] + "x"}, body),
        "the timestamp": ({**headers, "X-KentQA-Timestamp": str(stamp - 1)}, body),
        "the signature": ({**headers, "X-KentQA-Signature": "v1=" + "0" * 64}, body),
        "an unsigned body": ({k: v for k, v in headers.items() if k != "X-KentQA-Signature"}, body),
        "no timestamp": ({k: v for k, v in headers.items() if k != "X-KentQA-Timestamp"}, body),
        "the old body-only signature": ({**headers, "X-KentQA-Signature": "sha256=" + "0" * 64}, body),
    }


def test_the_documented_verifier_refuses_tampered_requests(verifying: VerifyingReceiver) -> None:
    headers, body = _genuine(verifying)
    for what, (h, b) in _tampered(headers, body).items():
        reply = httpx.post(verifying.url, headers=h, content=b)
        assert reply.status_code == 401, what
    reply = httpx.post(verifying.url, headers=headers, content=body)
    assert reply.status_code == 204  # the untouched request, within five minutes (a repeat)


def test_the_documented_verifier_refuses_a_replay_after_five_minutes(verifying: VerifyingReceiver) -> None:
    headers, body = _genuine(verifying)
    sent = int(headers["X-KentQA-Timestamp"])  # relative to the stamp: a slow machine cannot make it pass
    verifying.clock = sent + 301
    assert httpx.post(verifying.url, headers=headers, content=body).status_code == 401
    verifying.clock = sent - 301  # or a timestamp from the future
    assert httpx.post(verifying.url, headers=headers, content=body).status_code == 401
    verifying.clock = sent + 299  # within five minutes: still accepted
    assert httpx.post(verifying.url, headers=headers, content=body).status_code == 204


def test_a_receiver_with_another_secret_refuses_everything(httpserver: HTTPServer, secret: str) -> None:
    other = VerifyingReceiver(httpserver, b"another secret of thirty-two bytes!")
    with pytest.raises(ChannelError, match="HTTP 401: bad signature"):
        open_webhook(other.url).send(NOTICE)
