"""What a storage plugin gives the application: eventsourcing settings for a URL (SPEC section 6).

A storage back end is chosen by URL scheme. A plugin registers an *opener* for its schemes
through the ``kentqa_register_storage`` hook; the opener turns a URL into a :class:`Storage`
whose ``settings`` configure an eventsourcing persistence module (``PERSISTENCE_MODULE`` and
its keys). The application then uses eventsourcing's own recorders: the event table, the
notification log and the checkpoint table all come from that module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from .safe_text import redact as _redact


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
    """The URL safe to print: its password replaced by ``***`` (even one with an unencoded
    ``#``, ``/`` or ``?``) and, for ``http(s)://``, its path and query (where webhook tokens
    live) replaced by a fingerprint. See :func:`kentqa_domain.safe_text.redact`."""
    return _redact(url)
