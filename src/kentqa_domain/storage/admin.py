"""What eventsourcing's recorders do not offer, per back end: a key table, deleting rows, scrubbing.

Erasure (crypto-shredding, see ``docs/security.md``) needs to *delete* key rows and then
make sure their bytes, and those of the documents it emptied, are gone from the database
files. eventsourcing's recorders only insert and select, so each storage back end supplies
these operations: its :class:`~kentqa_domain.storage.StorageBackend`'s ``admin(recorder)``
gives a :class:`StoreAdmin` (decision 1010). This module holds the contract and
:class:`SQLAdmin`, the SQL every SQL back end shares (through the recorder's datastore);
the SQLite one is ``kentqa_domain.builtin.sqlite_backend.SQLiteAdmin``, the PostgreSQL one
``kentqa_postgres.backend.PostgresAdmin`` (in ``adapters/postgres``).

The key table ``kentqa_keys(name TEXT PRIMARY KEY, material BLOB)`` holds key material by
name (see :mod:`kentqa_domain.privacy.keyring`); it lives in the same database as the events.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.persistence import IntegrityError

from ..errors import StoreBusy
from ..state.sql_base import ambient_cursor
from .faults import contention

KEY_TABLE = "kentqa_keys"


class StoreAdmin:
    """The operations for one back end, which its storage plugin supplies
    (:meth:`kentqa_domain.storage.StorageBackend.admin`). ``get_key``, ``change_keys`` and
    ``all_keys`` are required; ``scrub``, ``delete_streams`` and ``drop_legacy_checkpoints``
    do nothing by default (a back end with no files to scrub, no other streams, no first
    release)."""

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
    """Plain SQL through the recorder's own datastore (its pool and locks), for a back end whose
    eventsourcing datastore has ``transaction(commit=...)`` giving a DB-API cursor. A back end
    subclasses it and sets ``placeholder``, ``blob_type``, ``qualify`` and
    ``_table_exists_sql`` (and ``scrub``, ``_prepare``, ``_before_delete`` if it needs them)."""

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
        """A SELECT with one placeholder, the table name, giving a row if the table exists."""
        raise NotImplementedError(f"{type(self).__name__} does not say how to find a table")

    def _before_delete(self) -> None:
        """Hook: per-connection settings that must be made outside a transaction."""

    def _prepare(self, cursor: Any) -> None:
        """Hook: per-transaction settings."""
