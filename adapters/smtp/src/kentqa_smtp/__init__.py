"""E-mail notifications for kentqa-domain: ``kentqa notify --notify smtp://host:port?from=...&to=...``.

Registers the ``smtp`` (STARTTLS by default) and ``smtps`` (implicit TLS) URL schemes through
the ``kentqa_register_notifiers`` hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kentqa_domain.hookspecs import hookimpl

from .channel import SmtpChannel
from .message import build_message
from .url import SmtpSettings, parse_url

__all__ = [
    "SmtpChannel",
    "SmtpSettings",
    "build_message",
    "kentqa_register_notifiers",
    "open_smtp",
    "parse_url",
]


def open_smtp(url: str) -> SmtpChannel:
    """The channel for an ``smtp://`` or ``smtps://`` URL; ``ValueError`` names what is wrong with it."""
    return SmtpChannel(parse_url(url))


@hookimpl
def kentqa_register_notifiers(register: Callable[[str, Any], None]) -> None:
    """Register :func:`open_smtp` for the ``smtp`` and ``smtps`` schemes."""
    register("smtp", open_smtp)
    register("smtps", open_smtp)
