"""Built-in storage: ``memory://`` (in-process) and ``sqlite:///PATH`` (a file; the default).

Both are eventsourcing's SQLite module; their back end is :mod:`.sqlite_backend`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..hookspecs import hookimpl
from ..storage import Storage
from .sqlite_backend import SQLITE

DEFAULT_URL = "sqlite:///./kentqa.db"


def open_memory(url: str) -> Storage:
    """``memory://``: an SQLite database in memory, private to this connection; gone when it
    closes. The same code as a file serves it, state tables included (decision 0900)."""
    if url.rstrip("/") != "memory:":
        raise ValueError(f"memory storage takes no path or options: use 'memory://', not {url!r}")
    name = f"file:kentqa-{uuid.uuid4().hex}?mode=memory&cache=shared"
    return Storage(
        settings={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": name,
            "SQLITE_LOCK_TIMEOUT": "30",
        },
        display="memory://",
        backend=SQLITE,
    )


def open_sqlite(url: str) -> Storage:
    """``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (three or four slashes).

    Options: ``?timeout=SECONDS`` (how long a writer waits for the lock; default 30).
    """
    parts = urlsplit(url)
    if parts.netloc:
        raise ValueError(
            f"sqlite URL must have an empty host: sqlite:///PATH, not {url!r} (host {parts.netloc!r})"
        )
    raw_path = parts.path[1:] if parts.path.startswith("/") else parts.path
    if not raw_path or raw_path.endswith("/"):
        raise ValueError(f"sqlite URL needs a file path, e.g. sqlite:///./kentqa.db; got {url!r}")
    options = parse_qs(parts.query)
    unknown = sorted(set(options) - {"timeout"})
    if unknown:
        raise ValueError(f"unknown sqlite URL option(s): {', '.join(unknown)} (known: timeout)")
    timeout = options.get("timeout", ["30"])[-1]
    if not timeout.isdigit():
        raise ValueError(f"sqlite URL option timeout must be whole seconds, not {timeout!r}")
    path = Path(raw_path).expanduser().resolve()
    if not path.parent.is_dir():
        raise ValueError(f"the folder for the SQLite file does not exist: {path.parent}")
    return Storage(
        settings={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": timeout,
        },
        display=f"sqlite:///{path}",
        files=(str(path), f"{path}-wal", f"{path}-shm"),
        backend=SQLITE,
    )


@hookimpl
def kentqa_register_storage(register: Callable[[str, Any], None]) -> None:
    register("memory", open_memory)
    register("sqlite", open_sqlite)
