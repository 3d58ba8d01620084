"""A minimal notification channel plugin for kentqa-domain, written to be copied.

``kentqa notify --notify file:///var/spool/kentqa/notifications.jsonl`` appends one JSON
line per notification to the file. Three parts make a channel plugin:

1. a channel: an object with ``send(notification)`` that returns only once the
   notification is safely handed over and raises otherwise (``ChannelUnavailable`` for a
   failure worth retrying soon);
2. a factory turning a URL into a channel, raising ``ValueError`` naming what is wrong;
3. the ``kentqa_register_notifiers`` hook registering the factory for a URL scheme, and an
   entry point in the ``kentqa`` group (see pyproject.toml).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kentqa_domain import hookimpl
from kentqa_domain.errors import ChannelUnavailable
from kentqa_domain.notifications import Notification

__all__ = ["FileChannel", "kentqa_register_notifiers", "open_file"]


class FileChannel:
    """Appends each notification as one JSON line and flushes it to disk before returning."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, notification: Notification) -> None:
        line = json.dumps(notification.to_json(), sort_keys=True, ensure_ascii=False) + "\n"
        try:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())  # accepted means on disk
        except OSError as exc:
            raise ChannelUnavailable(f"cannot append to {self.path}: {exc}") from None


def open_file(url: str) -> FileChannel:
    """``file:///absolute/path.jsonl``: the folder must exist; the file is created if needed."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.query:
        raise ValueError(f"use file:///ABSOLUTE/PATH with no host or options, not {url!r}")
    path = Path(unquote(parts.path))
    if not path.is_absolute() or path.name == "":
        raise ValueError(
            f"file channel needs an absolute file path, e.g. file:///tmp/kentqa.jsonl; got {url!r}"
        )
    if not path.parent.is_dir():
        raise ValueError(f"the folder for {path.name} does not exist: {path.parent}")
    return FileChannel(path)


@hookimpl
def kentqa_register_notifiers(register: Callable[[str, Any], None]) -> None:
    """Register :func:`open_file` for ``file://`` URLs."""
    register("file", open_file)
