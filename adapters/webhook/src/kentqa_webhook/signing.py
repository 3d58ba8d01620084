"""The body and its signature: what a receiver checks (issue 17, finding 10).

Every POST carries ``X-KentQA-Timestamp`` (Unix seconds when it was signed) and
``X-KentQA-Signature: v1=<hex>``, the HMAC-SHA256 keyed by the shared secret of::

    timestamp + "\\n" + Idempotency-Key + "\\n" + body

so a receiver knows the body, the idempotency key and the time are the sender's, and can
refuse a captured request replayed later (``TOLERANCE``). The key can hold no newline (it is
an HTTP header value), so the three parts cannot be shifted into one another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import quote

from kentqa_domain.notifications import Notification

SECRET_ENV = "KENTQA_WEBHOOK_SECRET"  # noqa: S105 - the name of the variable, not a secret
#: Set to 1 to allow http:// receivers (a test receiver on 127.0.0.1, a trusted network).
ALLOW_HTTP_ENV = "KENTQA_WEBHOOK_ALLOW_HTTP"
#: The shortest secret accepted: 256 bits, as much as the HMAC-SHA256 key can use.
MIN_SECRET_BYTES = 32
#: How far a receiver should let the timestamp be from its own clock, in seconds.
TOLERANCE = 300
VERSION = "v1"


#: ASCII characters sent as they are in the ``Idempotency-Key`` header (printable, not ``%``).
_KEY_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")


def header_key(key: str) -> str:
    """The ``Idempotency-Key`` header for a notification key: the key itself when it is
    printable ASCII without ``%`` (every key of ASCII ids), else percent-encoded UTF-8
    (RFC 3986), since a header value is ASCII (issue 17: a non-ASCII team id crashed the run).
    The signature covers the header as sent; ``urllib.parse.unquote`` gives the key back."""
    return quote(key, safe=_KEY_SAFE)


def body_of(notification: Notification) -> bytes:
    """The JSON body: the notification's JSON object, keys sorted, compact, UTF-8."""
    return json.dumps(
        notification.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def signed_bytes(timestamp: str, key: str, body: bytes) -> bytes:
    """What the signature covers: ``timestamp \\n key \\n body``."""
    return b"\n".join((timestamp.encode("ascii"), key.encode("utf-8"), body))


def signature(secret: bytes, timestamp: str, key: str, body: bytes) -> str:
    """``v1=<hex HMAC-SHA256 of timestamp \\n key \\n body, keyed by the secret>``."""
    return f"{VERSION}=" + hmac.new(secret, signed_bytes(timestamp, key, body), hashlib.sha256).hexdigest()


def verify(
    secret: bytes,
    body: bytes,
    *,
    timestamp: str,
    key: str,
    header: str,
    now: float | None = None,
    tolerance: int = TOLERANCE,
) -> bool:
    """What a receiver does: the timestamp is recent, and the signature over it, the key and
    the body matches (compared in constant time)."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, key, body), header)
