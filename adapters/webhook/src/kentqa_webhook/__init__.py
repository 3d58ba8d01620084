"""Webhook notifications for kentqa-domain: ``kentqa notify --notify https://receiver.example.org/hook``.

Registers the ``http`` and ``https`` URL schemes through the ``kentqa_register_notifiers``
hook. Each notification is POSTed as JSON, its timestamp, idempotency key and body signed
with ``KENTQA_WEBHOOK_SECRET``; ``http://`` needs ``KENTQA_WEBHOOK_ALLOW_HTTP=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from kentqa_domain.hookspecs import hookimpl
from kentqa_domain.safe_text import misplaced_password

from .channel import WebhookChannel
from .signing import (
    ALLOW_HTTP_ENV,
    MIN_SECRET_BYTES,
    SECRET_ENV,
    TOLERANCE,
    body_of,
    signature,
    signed_bytes,
    verify,
)

__all__ = [
    "ALLOW_HTTP_ENV",
    "MIN_SECRET_BYTES",
    "SECRET_ENV",
    "TOLERANCE",
    "WebhookChannel",
    "body_of",
    "kentqa_register_notifiers",
    "open_webhook",
    "signature",
    "signed_bytes",
    "verify",
]


def open_webhook(url: str, env: Mapping[str, str] | None = None) -> WebhookChannel:
    """The channel for an ``https://`` URL (``http://`` only with ``KENTQA_WEBHOOK_ALLOW_HTTP=1``),
    signing with ``$KENTQA_WEBHOOK_SECRET`` (at least 32 bytes).

    ``ValueError`` when the URL has no host, is ``http://`` without the permission, or the
    secret is missing or short: a receiver could not tell our notifications from anyone else's,
    and anyone on the path could read them. No message shows the URL's path or the secret.
    """
    env = os.environ if env is None else env
    if misplaced_password(url):
        raise ValueError("a webhook URL password must percent-encode '/', '?' and '#' (%2F, %3F, %23)")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("a webhook URL is https://host[:port]/path")
    if scheme == "http" and env.get(ALLOW_HTTP_ENV, "").strip() != "1":
        raise ValueError(
            f"a webhook URL must be https:// (notifications name children); set {ALLOW_HTTP_ENV}=1 "
            "to allow http:// to a receiver on this host or a trusted network"
        )
    secret = env.get(SECRET_ENV, "").encode("utf-8", "surrogateescape")
    if not secret:
        raise ValueError(f"set {SECRET_ENV} to the secret shared with the receiver (it signs every POST)")
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(
            f"{SECRET_ENV} must be at least {MIN_SECRET_BYTES} bytes, not {len(secret)}: make one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return WebhookChannel(url, secret)


@hookimpl
def kentqa_register_notifiers(register: Callable[[str, Any], None]) -> None:
    """Register :func:`open_webhook` for ``http`` and ``https``."""
    register("http", open_webhook)
    register("https", open_webhook)
