"""The body and its signature: what a receiver checks (``X-KentQA-Signature``)."""

from __future__ import annotations

import hashlib
import hmac
import json

from kentqa_domain.notifications import Notification

SECRET_ENV = "KENTQA_WEBHOOK_SECRET"  # noqa: S105 - the name of the variable, not a secret


def body_of(notification: Notification) -> bytes:
    """The JSON body: the notification's JSON object, keys sorted, compact, UTF-8."""
    return json.dumps(
        notification.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def signature(secret: bytes, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body keyed by the secret>``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(signature(secret, body), header)
