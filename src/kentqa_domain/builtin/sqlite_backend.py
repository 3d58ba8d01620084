"""The SQLite back end of ``sqlite://`` and ``memory://``: what eventsourcing does not do.

Its :class:`SQLiteBackend` is the :class:`~kentqa_domain.storage.StorageBackend` the built-in
openers give (decision 1010): the admin operations (:class:`SQLiteAdmin`: ``secure_delete``,
``VACUUM``, the write-ahead log emptied), the page reader (one SELECT into plain tuples,
decision 0801) and the reading of SQLite's errors (a file locked past the timeout, a file
that cannot be opened or is not a database).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ..errors import ScrubIncomplete
from ..state.sql import StateTables
from ..storage import StorageBackend
from ..storage.admin import SQLAdmin, StoreAdmin
from ..storage.faults import Fault, FaultKind, failed
from ..storage.log_pages import PageReader, page_reader
from .sqlite_tables import SQLiteTables


class SQLiteAdmin(SQLAdmin):
    """SQLite: ``secure_delete`` zeroes deleted content; ``scrub`` VACUUMs and empties the WAL."""

    def _table_exists_sql(self) -> str:
        return "SELECT name FROM sqlite_master WHERE type='table' AND name=?"

    def _prepare(self, cursor: Any) -> None:
        # secure_delete is per connection: set it in every transaction that deletes.
        cursor.execute("PRAGMA secure_delete=ON")

    def scrub(self) -> None:
        pool = self.datastore.pool
        conn = pool.get_connection(is_writer=True)
        try:
            raw = conn._sqlite_conn if hasattr(conn, "_sqlite_conn") else conn.c
            raw.execute("PRAGMA secure_delete=ON")
            try:
                raw.execute("VACUUM")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                raise ScrubIncomplete(
                    f"could not VACUUM the SQLite file ({exc}): another process kept it busy past the "
                    "lock timeout, so erased bytes may still be in the files; "
                    "run `kentqa scrub` again when the store is quiet"
                ) from exc
            busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise ScrubIncomplete(
                    "could not empty the SQLite write-ahead log: another process kept reading "
                    "past the lock timeout, so erased bytes may still be in the files; "
                    "run `kentqa scrub` again when the store is quiet"
                )
        finally:
            pool.put_connection(conn)


def sqlite_fault(exc: BaseException) -> Fault | None:
    """What an SQLite failure means, from its message (eventsourcing wraps ``sqlite3``'s
    errors in its own, keeping the text); ``None`` if it is not one SQLite explains."""
    lowered = " ".join(str(exc).split()).lower()
    if "database is locked" in lowered or "database table is locked" in lowered:
        return Fault(
            FaultKind.BUSY,
            "the SQLite file stayed locked by another process past the lock timeout "
            "(raise it with ?timeout=SECONDS in the sqlite URL, or write less at once)",
        )
    if "unable to open database file" in lowered:
        return Fault(
            FaultKind.MISSING, "cannot open the SQLite file (does its folder exist and is it writable?)"
        )
    if "file is not a database" in lowered or "malformed" in lowered:
        return Fault(FaultKind.DAMAGED, "the SQLite file is not a kentqa database or is damaged")
    return None


class SQLiteBackend(StorageBackend):
    """The built-in back end over eventsourcing's ``eventsourcing.sqlite`` module."""

    def admin(self, recorder: Any) -> StoreAdmin:
        if not type(recorder).__module__.startswith("eventsourcing.sqlite"):
            return super().admin(recorder)  # raises: not an SQLite database
        return SQLiteAdmin(recorder)

    def page_reader(self, recorder: ApplicationRecorder) -> PageReader:
        """One SELECT per page into plain tuples, the stream id as eventsourcing's hex text."""
        if not isinstance(recorder, SQLiteApplicationRecorder):
            return page_reader(recorder)
        columns = "rowid, originator_id, originator_version, topic, state"
        table = recorder.events_table_name  # eventsourcing's own table name, not input
        statement = f"SELECT {columns} FROM {table} WHERE rowid>=? ORDER BY rowid LIMIT ?"
        datastore = recorder.datastore

        def read_sqlite(start: int, limit: int) -> Sequence[Any]:
            with datastore.transaction(commit=False) as cursor:
                cursor.execute(statement, (start, limit))
                rows: Sequence[Any] = cursor.fetchall()
                return rows

        return read_sqlite

    def state_tables(self, datastore: Any, cipher: Any) -> StateTables:
        if not type(datastore).__module__.startswith("eventsourcing.sqlite"):
            return super().state_tables(datastore, cipher)  # raises: not an SQLite database
        return SQLiteTables(datastore, cipher)

    def classify(self, exc: BaseException) -> Fault | None:
        """:func:`sqlite_fault`, and any other ``sqlite3.Error`` a failure of the back end."""
        fault = sqlite_fault(exc)
        if fault is None and isinstance(exc, sqlite3.Error):
            return failed(exc)
        return fault


#: The one instance the built-in openers give (it holds nothing).
SQLITE = SQLiteBackend()
