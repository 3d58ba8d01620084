"""Webhook notifications for kentqa-domain: ``kentqa notify --notify https://receiver.example.org/hook``.

Registers the ``http`` and ``https`` URL schemes through the ``kentqa_register_notifiers``
hook. Each notification is POSTed as JSON, signed with ``KENTQA_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from kentqa_domain.hookspecs import hookimpl

from .channel import WebhookChannel
from .signing import SECRET_ENV, body_of, signature, verify

__all__ = [
    "SECRET_ENV",
    "WebhookChannel",
    "body_of",
    "kentqa_register_notifiers",
    "open_webhook",
    "signature",
    "verify",
]


def open_webhook(url: str, env: Mapping[str, str] | None = None) -> WebhookChannel:
    """The channel for an ``http://`` or ``https://`` URL, signing with ``$KENTQA_WEBHOOK_SECRET``.

    ``ValueError`` when the URL has no host or the secret is not set: a receiver could not
    tell our notifications from anyone else's.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"a webhook URL is http(s)://host[:port]/path, not {url!r}")
    secret = (os.environ if env is None else env).get(SECRET_ENV, "")
    if not secret:
        raise ValueError(f"set {SECRET_ENV} to the secret shared with the receiver (it signs every POST)")
    return WebhookChannel(url, secret.encode())


@hookimpl
def kentqa_register_notifiers(register: Callable[[str, Any], None]) -> None:
    """Register :func:`open_webhook` for ``http`` and ``https``."""
    register("http", open_webhook)
    register("https", open_webhook)
