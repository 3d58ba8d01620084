"""What eventsourcing's recorders do not offer, per back end: a key table, deleting rows, scrubbing.

Erasure (crypto-shredding, see ``docs/security.md``) needs to *delete* key rows and then
make sure their bytes, and those of the documents it emptied, are gone from the database
files. eventsourcing's recorders only insert and select, so this module holds the little SQL
needed, for the back ends the state lives in: ``sqlite`` (memory:// too) and ``postgres``.

The key table ``kentqa_keys(name TEXT PRIMARY KEY, material BLOB)`` holds key material by
name (see :mod:`kentqa_domain.privacy.keyring`); it lives in the same database as the events.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.persistence import IntegrityError

from .errors import ScrubIncomplete, StoreBusy
from .storage_faults import contention

KEY_TABLE = "kentqa_keys"


class StoreAdmin:
    """The operations for one back end. Subclasses implement them; see :func:`admin_for`."""

    def get_key(self, name: str) -> bytes | None:
        raise NotImplementedError

    def change_keys(self, *, insert: Mapping[str, bytes] = {}, delete: Iterable[str] = ()) -> bool:
        """Delete then insert, in one transaction. False (and nothing changed) if an insert collides."""
        raise NotImplementedError

    def all_keys(self) -> dict[str, bytes]:
        """Every row of the key table, name -> material (``kentqa verify``)."""
        raise NotImplementedError

    def scrub(self) -> None:
        """Make deleted rows' bytes unreadable in the database files (free pages, write-ahead log)."""

    def delete_streams(self, recorder: Any, originator_ids: Iterable[Any]) -> None:
        """Delete whole streams from another application's events table (e.g. the delivery record)."""

    def drop_legacy_checkpoints(self) -> bool:
        """Drop the first release's checkpoints (pickles of its ledger, holding children's
        references under a key forgetting did not destroy) and that key; True if there were any."""
        return False


class SQLAdmin(StoreAdmin):
    """SQLite and PostgreSQL: plain SQL through the recorder's own datastore (its pool and locks)."""

    placeholder = "?"
    blob_type = "BLOB"

    def __init__(self, recorder: Any) -> None:
        self.datastore = recorder.datastore
        self.key_table = self.qualify(KEY_TABLE)
        self.docs_table = self.qualify("kentqa_docs")
        #: other tables rows were deleted from (scrubbed too)
        self.touched: set[str] = set()
        self._create()

    def qualify(self, table: str) -> str:
        return f'"{table}"'

    def _create(self) -> None:
        statement = (
            f"CREATE TABLE IF NOT EXISTS {self.key_table} "
            f"(name TEXT PRIMARY KEY, material {self.blob_type} NOT NULL)"
        )
        try:  # PostgreSQL: two processes creating the table at once
            for attempt in contention(IntegrityError, 3, wait=False):
                with attempt, self.datastore.transaction(commit=True) as c:
                    c.execute(statement)
        except IntegrityError as exc:
            raise StoreBusy(
                f"creating the key table: other processes kept creating it at the same moment: {exc}"
            ) from exc

    def get_key(self, name: str) -> bytes | None:
        from .state.sql import ambient_cursor

        p = self.placeholder
        cursor = ambient_cursor()  # inside a batch's write transaction: read in it
        with (
            contextlib.nullcontext(cursor)
            if cursor is not None
            else self.datastore.transaction(commit=False) as c
        ):
            c.execute(f"SELECT material FROM {self.key_table} WHERE name={p}", (name,))
            row = c.fetchone()
        if row is None:
            return None
        return bytes(row["material"] if not isinstance(row, tuple) else row[0])

    def all_keys(self) -> dict[str, bytes]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT name, material FROM {self.key_table}")
            rows = c.fetchall()
        return {
            str(r["name"] if not isinstance(r, tuple) else r[0]): bytes(
                r["material"] if not isinstance(r, tuple) else r[1]
            )
            for r in rows
        }

    def change_keys(self, *, insert: Mapping[str, bytes] = {}, delete: Iterable[str] = ()) -> bool:
        p = self.placeholder
        self._before_delete()
        try:
            with self.datastore.transaction(commit=True) as c:
                self._prepare(c)
                for name in delete:
                    c.execute(f"DELETE FROM {self.key_table} WHERE name={p}", (name,))
                for name, material in insert.items():
                    c.execute(
                        f"INSERT INTO {self.key_table} (name, material) VALUES ({p}, {p})", (name, material)
                    )
        except IntegrityError:
            return False
        return True

    def delete_streams(self, recorder: Any, originator_ids: Iterable[Any]) -> None:
        table = self.qualify(recorder.events_table_name)
        p = self.placeholder
        with self.datastore.transaction(commit=True) as c:
            self._prepare(c)
            for originator_id in originator_ids:
                c.execute(f"DELETE FROM {table} WHERE originator_id={p}", (self._originator(originator_id),))
        self.touched.add(table)

    def _originator(self, originator_id: Any) -> Any:
        return originator_id.hex if hasattr(originator_id, "hex") else originator_id

    #: the first release's checkpoints table (eventsourcing's aggregate recorder, purpose "checkpoints")
    legacy_checkpoints = "stored_checkpoints"

    def drop_legacy_checkpoints(self) -> bool:
        table = self.qualify(self.legacy_checkpoints)
        with self.datastore.transaction(commit=True) as c:
            c.execute(self._table_exists_sql(), (self.legacy_checkpoints,))
            found = c.fetchone() is not None
            if found:
                c.execute(f"DROP TABLE {table}")
                c.execute(f"DELETE FROM {self.key_table} WHERE name={self.placeholder}", ("ledger",))
        if found:
            self.touched.add(table)
        return found

    def _table_exists_sql(self) -> str:
        return "SELECT name FROM sqlite_master WHERE type='table' AND name=?"

    def _before_delete(self) -> None:
        """Hook: per-connection settings that must be made outside a transaction."""

    def _prepare(self, cursor: Any) -> None:
        """Hook: per-transaction settings."""


class SQLiteAdmin(SQLAdmin):
    """SQLite: ``secure_delete`` zeroes deleted content; ``scrub`` VACUUMs and empties the WAL."""

    def _prepare(self, cursor: Any) -> None:
        cursor.execute("PRAGMA secure_delete=ON")

    def _create(self) -> None:
        # secure_delete is per connection: set it on every pooled connection we use.
        super()._create()

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


class PostgresAdmin(SQLAdmin):
    """PostgreSQL: ``VACUUM FULL`` rewrites the key and document tables without dead rows."""

    placeholder = "%s"
    blob_type = "BYTEA"

    legacy_checkpoints = "kentqa_checkpoints"

    def qualify(self, table: str) -> str:
        return f'"{self.datastore.schema}"."{table}"'

    def _table_exists_sql(self) -> str:
        return f"SELECT tablename FROM pg_tables WHERE schemaname='{self.datastore.schema}' AND tablename=%s"

    def _originator(self, originator_id: Any) -> Any:
        return originator_id  # a uuid column

    def scrub(self) -> None:
        with self.datastore.get_connection() as conn:
            conn.autocommit = True
            for table in (self.key_table, self.docs_table, *sorted(self.touched)):
                if table.endswith(f'."{self.legacy_checkpoints}"'):
                    continue  # dropped: its files went with it
                conn.execute(f"VACUUM FULL {table}")


def admin_for(recorder: Any) -> StoreAdmin:
    """The :class:`StoreAdmin` for the back end of eventsourcing's ``recorder`` of the events."""
    module = type(recorder).__module__
    if module.startswith("eventsourcing.sqlite"):
        return SQLiteAdmin(recorder)
    if module.startswith("eventsourcing.postgres"):
        return PostgresAdmin(recorder)
    raise NotImplementedError(f"no key table for the back end {module}: erasure needs one")
