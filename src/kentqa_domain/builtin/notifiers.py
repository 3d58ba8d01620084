"""Built-in notification channel: ``log://`` (the default), one log line per notification."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ..hookspecs import hookimpl
from ..notification import Notification

LOGGER = "kentqa.notifications"


class LogChannel:
    """Writes each notification to the Python logger ``kentqa.notifications`` at INFO.

    ``kentqa notify`` shows these lines on standard error. Logging never refuses, so this
    channel always accepts.
    """

    def __init__(self) -> None:
        self.logger = logging.getLogger(LOGGER)

    def send(self, notification: Notification) -> None:
        self.logger.info(
            "to %s: %s. %s [%s]",
            notification.audience,
            notification.headline,
            notification.message,
            notification.key,
        )


def open_log(url: str) -> LogChannel:
    """``log://`` takes no host, path or options."""
    parts = urlsplit(url)
    if parts.netloc or parts.path.strip("/") or parts.query:
        raise ValueError(f"the log channel takes no host, path or options: use 'log://', not {url!r}")
    return LogChannel()


@hookimpl
def kentqa_register_notifiers(register: Callable[[str, Any], None]) -> None:
    register("log", open_log)
