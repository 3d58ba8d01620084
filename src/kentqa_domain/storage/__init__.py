"""What a storage plugin gives the application: eventsourcing settings for a URL (SPEC section 6).

A storage back end is chosen by URL scheme. A plugin registers an *opener* for its schemes
through the ``kentqa_register_storage`` hook; the opener turns a URL into a :class:`Storage`
whose ``settings`` configure an eventsourcing persistence module (``PERSISTENCE_MODULE`` and
its keys). The application then uses eventsourcing's own recorders: the event table, the
notification log and the checkpoint table all come from that module.

What eventsourcing does not do is the back end's too, through the :class:`StorageBackend`
the opener puts in ``Storage.backend`` (decision 1010): the admin operations (key table,
deletes, scrubbing), a page reader for the notification log, and the reading of its
exceptions (busy, unreachable, refused...). The core asks it and knows no driver.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.persistence import ApplicationRecorder

from ..errors import StorageError
from ..safe_text import redact as _redact
from .admin import StoreAdmin
from .faults import Fault
from .log_pages import PageReader, page_reader

if TYPE_CHECKING:
    from ..state.sql import StateTables


class StorageBackend:
    """What a storage plugin supplies beyond eventsourcing's settings. Subclass it and override
    what the back end has; the defaults serve any eventsourcing persistence module where they can.

    - :meth:`admin`: the :class:`~kentqa_domain.storage.admin.StoreAdmin` (key table, deleting
      streams, scrubbing) over the recorder's database. Required to open a store: the default
      raises :class:`~kentqa_domain.errors.StorageError` saying so.
      :class:`~kentqa_domain.storage.admin.SQLAdmin` does most of it for an SQL database.
    - :meth:`page_reader`: reads the notification log a page at a time; the default goes
      through eventsourcing's ``select_notifications`` (:func:`kentqa_domain.storage.log_pages.page_reader`).
    - :meth:`state_tables`: the state's tables in the same database as the events (SQLite's
      and PostgreSQL's are :class:`~kentqa_domain.state.sql.StateTables` subclasses). Required.
    - :meth:`classify`: what one exception means (:class:`~kentqa_domain.storage.faults.Fault`:
      busy, unreachable, refused, missing, damaged or failed, with advice); ``None`` leaves it to
      the core, which treats eventsourcing's ``PersistenceError`` and ``OSError`` as failures
      and any other exception as a programming error, raised unchanged. A driver exception that
      eventsourcing does not wrap is a storage failure only if ``classify`` says so.
    """

    def admin(self, recorder: Any) -> StoreAdmin:
        """The admin operations over the database of eventsourcing's ``recorder`` of the events."""
        raise StorageError(
            f"the storage plugin gives no admin operations for {type(recorder).__module__} "
            "(a key table is needed: its Storage.backend must implement admin(recorder))"
        )

    def page_reader(self, recorder: ApplicationRecorder) -> PageReader:
        """``read(start, limit)`` over the notification log of ``recorder``."""
        return page_reader(recorder)

    def state_tables(self, datastore: Any, cipher: Any) -> StateTables:
        """The state's tables (SPEC 9.4) in eventsourcing's ``datastore`` of the events: the
        dialect and the write transaction that stores events and state together. Required to
        open a store: the default raises :class:`~kentqa_domain.errors.StorageError`."""
        raise StorageError(
            f"the storage plugin gives no state tables for {type(datastore).__module__} "
            "(its Storage.backend must implement state_tables(datastore, cipher))"
        )

    def classify(self, exc: BaseException) -> Fault | None:
        """What ``exc`` means, or ``None`` if this back end does not know it."""
        return None


#: The backend of a :class:`Storage` whose opener gives none: the defaults only.
DEFAULT_BACKEND = StorageBackend()


@attrs.frozen
class Storage:
    """A resolved storage back end.

    ``settings``: environment keys for eventsourcing (e.g. ``PERSISTENCE_MODULE``,
    ``SQLITE_DBNAME``, ``POSTGRES_HOST``). ``display``: the URL with any password hidden,
    safe to print. ``files``: database files on disk, if any (for tests and tools).
    ``backend``: what the back end does beyond eventsourcing (:class:`StorageBackend`).
    """

    settings: Mapping[str, str]
    display: str
    files: tuple[str, ...] = ()
    backend: StorageBackend = attrs.field(default=DEFAULT_BACKEND, eq=False, repr=False)


#: Turns a URL into a :class:`Storage`; raises ``ValueError`` naming what is wrong with the URL.
Opener = Callable[[str], Storage]


def redact(url: str) -> str:
    """The URL safe to print: its password replaced by ``***`` (even one with an unencoded
    ``#``, ``/`` or ``?``) and, for ``http(s)://``, its path and query (where webhook tokens
    live) replaced by a fingerprint. See :func:`kentqa_domain.safe_text.redact`."""
    return _redact(url)
