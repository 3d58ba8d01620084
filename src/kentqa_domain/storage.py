"""What a storage plugin gives the application: eventsourcing settings for a URL (SPEC section 6).

A storage back end is chosen by URL scheme. A plugin registers an *opener* for its schemes
through the ``kentqa_register_storage`` hook; the opener turns a URL into a :class:`Storage`
whose ``settings`` configure an eventsourcing persistence module (``PERSISTENCE_MODULE`` and
its keys). The application then uses eventsourcing's own recorders: the event table, the
notification log and the checkpoint table all come from that module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit, urlunsplit

import attrs


@attrs.frozen
class Storage:
    """A resolved storage back end.

    ``settings``: environment keys for eventsourcing (e.g. ``PERSISTENCE_MODULE``,
    ``SQLITE_DBNAME``, ``POSTGRES_HOST``). ``display``: the URL with any password hidden,
    safe to print. ``files``: database files on disk, if any (for tests and tools).
    """

    settings: Mapping[str, str]
    display: str
    files: tuple[str, ...] = ()


#: Turns a URL into a :class:`Storage`; raises ``ValueError`` naming what is wrong with the URL.
Opener = Callable[[str], Storage]


def redact(url: str) -> str:
    """The URL with its password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))
