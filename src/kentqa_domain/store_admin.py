"""What eventsourcing's recorders do not offer, per back end: a key table, deleting rows, scrubbing.

Erasure (crypto-shredding, see ``docs/security.md``) needs to *delete* key rows and old
checkpoints and then make sure their bytes are gone from the database files. eventsourcing's
recorders only insert and select, so this module holds the little SQL needed, for the
three back ends eventsourcing gives us: ``popo`` (memory), ``sqlite`` and ``postgres``.

The key table ``kentqa_keys(name TEXT PRIMARY KEY, material BLOB)`` holds key material by
name (see :mod:`kentqa_domain.keyring`); it lives in the same database as the events.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.persistence import AggregateRecorder, IntegrityError

from .errors import StorageError

KEY_TABLE = "kentqa_keys"


class StoreAdmin:
    """The operations for one back end. Subclasses implement them; see :func:`admin_for`."""

    def get_key(self, name: str) -> bytes | None:
        raise NotImplementedError

    def change_keys(self, *, insert: Mapping[str, bytes] = {}, delete: Iterable[str] = ()) -> bool:
        """Delete then insert, in one transaction. False (and nothing changed) if an insert collides."""
        raise NotImplementedError

    def delete_checkpoints(self, *, keep_version: int | None, keep_stream: Any = None) -> int:
        """Delete every checkpoint row but the one at ``keep_version`` (and every row of
        ``keep_stream``: the checkpoint generations' index); returns how many went."""
        raise NotImplementedError

    def scrub(self) -> None:
        """Make deleted rows' bytes unreadable in the database files (free pages, write-ahead log)."""

    def delete_streams(self, recorder: Any, originator_ids: Iterable[Any]) -> None:
        """Delete whole streams from another application's events table (e.g. the delivery record)."""


class MemoryAdmin(StoreAdmin):
    """``memory://``: a dict; deleted means gone with the Python object."""

    def __init__(self, checkpoints: AggregateRecorder) -> None:
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._checkpoints = checkpoints

    def get_key(self, name: str) -> bytes | None:
        return self._keys.get(name)

    def change_keys(self, *, insert: Mapping[str, bytes] = {}, delete: Iterable[str] = ()) -> bool:
        with self._lock:
            remaining = {k: v for k, v in self._keys.items() if k not in set(delete)}
            if any(name in remaining for name in insert):
                return False
            remaining.update(insert)
            self._keys = remaining
            return True

    def delete_checkpoints(self, *, keep_version: int | None, keep_stream: Any = None) -> int:
        rec: Any = self._checkpoints
        with rec._database_lock:
            kept = [
                s
                for s in rec._stored_events
                if s.originator_version == keep_version or (keep_stream is not None and s.originator_id == keep_stream)
            ]
            gone = len(rec._stored_events) - len(kept)
            rec._stored_events = kept
            index: defaultdict[str, dict[int, int]] = defaultdict(dict)
            for i, s in enumerate(kept):
                index[str(s.originator_id)][s.originator_version] = i
            rec._stored_events_index = index
        return gone


class SQLAdmin(StoreAdmin):
    """SQLite and PostgreSQL: plain SQL through the recorder's own datastore (its pool and locks)."""

    placeholder = "?"
    blob_type = "BLOB"

    def __init__(self, checkpoints: AggregateRecorder) -> None:
        rec: Any = checkpoints
        self.datastore = rec.datastore
        self.checkpoint_table = self.qualify(rec.events_table_name)
        self.key_table = self.qualify(KEY_TABLE)
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
        for attempt in range(3):
            try:
                with self.datastore.transaction(commit=True) as c:
                    c.execute(statement)
            except IntegrityError:  # PostgreSQL: two processes creating the table at once
                if attempt == 2:
                    raise
            else:
                return

    def get_key(self, name: str) -> bytes | None:
        from .state.sql import ambient_cursor

        p = self.placeholder
        cursor = ambient_cursor()  # inside a batch's write transaction: read in it
        with contextlib.nullcontext(cursor) if cursor is not None else self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT material FROM {self.key_table} WHERE name={p}", (name,))
            row = c.fetchone()
        if row is None:
            return None
        return bytes(row["material"] if not isinstance(row, tuple) else row[0])

    def change_keys(self, *, insert: Mapping[str, bytes] = {}, delete: Iterable[str] = ()) -> bool:
        p = self.placeholder
        self._before_delete()
        try:
            with self.datastore.transaction(commit=True) as c:
                self._prepare(c)
                for name in delete:
                    c.execute(f"DELETE FROM {self.key_table} WHERE name={p}", (name,))
                for name, material in insert.items():
                    c.execute(f"INSERT INTO {self.key_table} (name, material) VALUES ({p}, {p})", (name, material))
        except IntegrityError:
            return False
        return True

    def delete_checkpoints(self, *, keep_version: int | None, keep_stream: Any = None) -> int:
        p = self.placeholder
        where, params = [], []
        if keep_version is not None:
            where.append(f"originator_version<>{p}")
            params.append(keep_version)
        if keep_stream is not None:
            where.append(f"originator_id<>{p}")
            params.append(self._originator(keep_stream))
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        with self.datastore.transaction(commit=True) as c:
            self._prepare(c)
            c.execute(f"DELETE FROM {self.checkpoint_table}{condition}", tuple(params))
            return int(getattr(c, "rowcount", -1))

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
            raw.execute("VACUUM")
            busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise StorageError(
                    "could not empty the SQLite write-ahead log: another process kept reading "
                    "past the lock timeout; run `kentqa scrub` when the store is quiet"
                )
        finally:
            pool.put_connection(conn)


class PostgresAdmin(SQLAdmin):
    """PostgreSQL: ``VACUUM FULL`` rewrites the key and checkpoint tables without dead rows."""

    placeholder = "%s"
    blob_type = "BYTEA"

    def qualify(self, table: str) -> str:
        return f'"{self.datastore.schema}"."{table}"'

    def _originator(self, originator_id: Any) -> Any:
        return originator_id  # a uuid column

    def scrub(self) -> None:
        with self.datastore.get_connection() as conn:
            conn.autocommit = True
            for table in (self.key_table, self.checkpoint_table, *sorted(self.touched)):
                conn.execute(f"VACUUM FULL {table}")


def admin_for(checkpoints: AggregateRecorder) -> StoreAdmin:
    """The :class:`StoreAdmin` for the back end of ``checkpoints`` (eventsourcing's recorder)."""
    module = type(checkpoints).__module__
    if module.startswith("eventsourcing.popo"):
        return MemoryAdmin(checkpoints)
    if module.startswith("eventsourcing.sqlite"):
        return SQLiteAdmin(checkpoints)
    if module.startswith("eventsourcing.postgres"):
        return PostgresAdmin(checkpoints)
    raise NotImplementedError(f"no key table for the back end {module}: erasure needs one")
