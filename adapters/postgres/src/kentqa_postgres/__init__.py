"""PostgreSQL storage for kentqa-domain: ``kq.connect("postgresql://user:pw@host:5432/db")``.

Registers the ``postgresql`` and ``postgres`` URL schemes through the
``kentqa_register_storage`` hook; the application then uses eventsourcing's own
PostgreSQL recorders (``eventsourcing.postgres``), and this package's
:class:`~kentqa_postgres.backend.PostgresBackend` for what they do not do: the admin
operations, the reading of PostgreSQL's errors (decision 1010).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kentqa_domain.hookspecs import hookimpl
from kentqa_domain.storage import Storage, redact
from kentqa_postgres.backend import PostgresAdmin, PostgresBackend
from kentqa_postgres.url import SCHEMES, parse_url

__all__ = ["PostgresAdmin", "PostgresBackend", "kentqa_register_storage", "open_postgres", "parse_url"]


def open_postgres(url: str) -> Storage:
    """The :class:`Storage` for a ``postgresql://`` URL, with its :class:`PostgresBackend`;
    ``ValueError`` names what is wrong."""
    settings = parse_url(url)
    return Storage(settings=settings, display=redact(url), backend=PostgresBackend(settings))


@hookimpl
def kentqa_register_storage(register: Callable[[str, Any], None]) -> None:
    """Register :func:`open_postgres` for the ``postgresql`` and ``postgres`` schemes."""
    for scheme in SCHEMES:
        register(scheme, open_postgres)
