"""PostgreSQL storage for kentqa-domain: ``kq.connect("postgresql://user:pw@host:5432/db")``.

Registers the ``postgresql`` and ``postgres`` URL schemes through the
``kentqa_register_storage`` hook; the application then uses eventsourcing's own
PostgreSQL recorders (``eventsourcing.postgres``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kentqa_domain.hookspecs import hookimpl
from kentqa_domain.storage import Storage, redact
from kentqa_postgres.url import SCHEMES, parse_url

__all__ = ["kentqa_register_storage", "open_postgres", "parse_url"]


def open_postgres(url: str) -> Storage:
    """The :class:`Storage` for a ``postgresql://`` URL; ``ValueError`` names what is wrong."""
    return Storage(settings=parse_url(url), display=redact(url))


@hookimpl
def kentqa_register_storage(register: Callable[[str, Any], None]) -> None:
    """Register :func:`open_postgres` for the ``postgresql`` and ``postgres`` schemes."""
    for scheme in SCHEMES:
        register(scheme, open_postgres)
