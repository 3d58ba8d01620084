"""The state's tables, in the same database as the events (SQLite or PostgreSQL; SPEC 9.4).

Plain SQL through eventsourcing's own datastore (its connection pool, locks and transactions),
so that state rows are written in the same transaction as what they follow (the events, or a
projection's tracking position):

- ``kentqa_docs(owner, space, key, position, doc)``: every document of the write model
  (owner ``model``) and of each projection (owner = its name), JSON (sealed by the store's
  cipher when encryption at rest is on); ``position`` is the log position of the change that
  wrote it (index ``(owner, position)``: what changed since a process last looked); in an
  encrypted store also the log head (owner ``head``, decision 0915);
- ``kentqa_identities(key, position, digest)``: one row per event identity (idempotency;
  keyed with the store's secret in an encrypted store, decision 0913);
- ``kentqa_corrections(position, chain, fold_as, identity, digest, mark)``: every log position
  not folded as it stands because a correction or withdrawal replaced it (SPEC 9.1, decision
  0995): ``chain`` the position first recorded, ``fold_as`` on that first row the position of
  the version standing now (0: withdrawn), -1 on the others;
- ``kentqa_projections(name, version, position)``: each projection's shape version and the log
  position its rows reflect (its tracking position);
- each projection's row tables (``kentqa_drift`` ...), declared by the projection
  (:class:`Table`), documented in ``docs/read-model.md`` for analysts.

``memory://`` is an SQLite database in memory, so one code path serves every back end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

import stamina
from eventsourcing import persistence as es
from eventsourcing.persistence import IntegrityError
from eventsourcing.sqlite import SQLiteCursor

from ..readmodel.docs import DocWrite
from ..readmodel.tables import Table

DOCS = "kentqa_docs"
IDENTITIES = "kentqa_identities"
PROJECTIONS = "kentqa_projections"
CORRECTIONS = "kentqa_corrections"
#: SQLite's integers are signed 64-bit: unsigned 64-bit keys and digests are stored shifted.
_SHIFT = 1 << 63
#: Largest number of bound values in one IN (...) list.
IN_CHUNK = 500


def signed(value: int) -> int:
    return value - _SHIFT


def unsigned(value: int) -> int:
    return value + _SHIFT


#: The write transaction this thread is in (reads in it go through its cursor: SQLite in
#: memory allows no second connection meanwhile, and reads see the transaction's own writes).
_ambient = threading.local()


def ambient_cursor() -> Any:
    """The cursor of the write transaction this thread is in, if any (for the key table too)."""
    return getattr(_ambient, "cursor", None)


class StateTables:
    """The state tables of one store. Subclasses give each back end's dialect."""

    placeholder = "?"
    blob = "BLOB"
    bigint = "INTEGER"
    date_type = "TEXT"
    boolean = "INTEGER"

    def __init__(self, datastore: Any, cipher: es.Cipher | None = None) -> None:
        self.datastore = datastore
        self.cipher = cipher
        self.docs = self.qualify(DOCS)
        self.identities = self.qualify(IDENTITIES)
        self.projections = self.qualify(PROJECTIONS)
        self.corrections = self.qualify(CORRECTIONS)
        self._created: set[str] = set()

    # --- dialect --------------------------------------------------------------------------

    def qualify(self, table: str) -> str:
        return f'"{table}"'

    def sql(self, statement: str) -> str:
        """A statement written with ``?`` placeholders in this back end's style."""
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def column_type(self, kind: str) -> str:
        return {
            "TEXT": "TEXT",
            "INTEGER": self.bigint,
            "DATE": self.date_type,
            "REAL": "DOUBLE PRECISION" if self.placeholder != "?" else "REAL",
            "BOOLEAN": self.boolean,
        }[kind]

    def row_value(self, value: Any) -> Any:
        """A row value as this back end binds it (dates as ISO text in SQLite)."""
        return value

    def row(self, row: Any) -> tuple[Any, ...]:
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)

    # --- schema ---------------------------------------------------------------------------

    def create(self) -> None:
        b = self.blob
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.docs} (owner TEXT NOT NULL, space TEXT NOT NULL, "
            f"key TEXT NOT NULL, position {self.bigint} NOT NULL, doc {b} NOT NULL, "
            "PRIMARY KEY (owner, space, key))",
            f'CREATE INDEX IF NOT EXISTS "kentqa_docs_changes" ON {self.docs} (owner, position)',
            f"CREATE TABLE IF NOT EXISTS {self.identities} (key {self.bigint} PRIMARY KEY, "
            f"position {self.bigint} NOT NULL, digest {self.bigint} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.projections} (name TEXT PRIMARY KEY, "
            f"version INTEGER NOT NULL, position {self.bigint} NOT NULL, rebuilding INTEGER NOT NULL DEFAULT 0)",
            f"CREATE TABLE IF NOT EXISTS {self.corrections} (position {self.bigint} PRIMARY KEY, "
            f"chain {self.bigint} NOT NULL, fold_as {self.bigint} NOT NULL, identity {self.bigint} NOT NULL, "
            f"digest {self.bigint} NOT NULL, mark {self.bigint} NOT NULL)",
            f'CREATE INDEX IF NOT EXISTS "kentqa_corrections_identity" ON {self.corrections} (identity)',
        ]
        self._execute_schema(statements)

    def create_table(self, table: Table) -> None:
        if table.name in self._created:
            return
        columns = ", ".join(f"{c.name} {self.column_type(c.type)}" for c in table.columns)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.qualify(table.name)} (doc_key TEXT NOT NULL, {columns})"
        ]
        statements.append(
            f'CREATE INDEX IF NOT EXISTS "{table.name}_by_key" ON {self.qualify(table.name)} (doc_key)'
        )
        for n, index in enumerate(table.indexes):
            statements.append(
                f'CREATE INDEX IF NOT EXISTS "{table.name}_i{n}" ON {self.qualify(table.name)} ({", ".join(index)})'
            )
        self._execute_schema(statements)
        self._created.add(table.name)

    def create_view(self, view: Any) -> None:
        """Make (or replace) an analysts' view; ``{table}`` names in its SELECT are qualified."""
        if view.name in self._created:
            return
        select = re.sub(r"\{(kentqa_\w+)\}", lambda m: self.qualify(m.group(1)), view.select)
        name = self.qualify(view.name)
        # A view already as written is left alone: replacing it takes the write lock, and a
        # process that only reads must open a store another process is writing to.
        if not self._view_is(view.name, name, select):
            self._execute_schema(
                self._view_statements(name, select),
                still_needed=lambda: not self._view_is(view.name, name, select),
            )
        self._created.add(view.name)

    def _view_statements(self, name: str, select: str) -> list[str]:
        return [f"DROP VIEW IF EXISTS {name}", f"CREATE VIEW {name} AS {select}"]

    def _view_is(self, bare: str, name: str, select: str) -> bool:
        """Whether the store's view ``bare`` is already defined by ``select``."""
        rows = self.select("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", (bare,))
        return bool(rows) and rows[0][0] == f"CREATE VIEW {name} AS {select}"

    def _execute_schema(
        self, statements: Sequence[str], *, still_needed: Callable[[], bool] = lambda: True
    ) -> None:
        """Run schema statements in one transaction, retried (with backoff, up to 10 s) when
        another process is creating the same store at the same moment: PostgreSQL then raises
        ``IntegrityError`` for the same table; SQLite refuses to upgrade a transaction that has
        read the schema to a write ("database is locked") without waiting. Before a retry,
        ``still_needed`` asks whether the other process has already done it."""
        for attempt in stamina.retry_context(
            on=_schema_race, attempts=10, timeout=10.0, wait_initial=0.02, wait_max=1.0
        ):
            with attempt:
                if attempt.num > 1 and not still_needed():
                    return
                with self.datastore.transaction(commit=True) as c:
                    for statement in statements:
                        c.execute(statement)

    # --- transactions -----------------------------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """A cursor to read with: the thread's write transaction's, else a read transaction."""
        cursor = ambient_cursor()
        if cursor is not None:
            yield cursor
            return
        with self.datastore.transaction(commit=False) as c:
            yield c

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A read transaction for the block, every read in this thread through it: one
        snapshot of the store (answers at one position). Inside a transaction already: that one."""
        if ambient_cursor() is not None:
            yield ambient_cursor()
            return
        with self.datastore.transaction(commit=False) as c:
            self._begin_snapshot(c)
            _ambient.cursor = c
            try:
                yield c
            finally:
                _ambient.cursor = None

    def _begin_snapshot(self, c: Any) -> None:
        """Hook: make the read transaction one snapshot (SQLite's are, in WAL mode)."""

    @contextlib.contextmanager
    def rewriting(self) -> Iterator[Any]:
        """A write transaction through which this thread's reads go too (they see its writes):
        a projection's rows derived again from its documents (``Projections.derive_rows``).
        Inside a transaction already: that one."""
        if ambient_cursor() is not None:
            yield ambient_cursor()
            return
        with self.datastore.transaction(commit=True) as c:
            _ambient.cursor = c
            try:
                yield c
            finally:
                _ambient.cursor = None

    def doc_keys(
        self, c: Any, owner: str, spaces: Sequence[str] | None, after: tuple[str, str] | None, limit: int
    ) -> list[tuple[str, str]]:
        """Up to ``limit`` (space, key) of the owner's documents (not the empty ones), in order,
        after ``after``; only in ``spaces`` when given."""
        where = "owner=? AND LENGTH(doc)>0"
        params: list[Any] = [owner]
        if spaces is not None:
            where += f" AND space IN ({','.join('?' * len(spaces))})"
            params += list(spaces)
        if after is not None:
            where += " AND (space>? OR (space=? AND key>?))"
            params += [after[0], after[0], after[1]]
        c.execute(
            self.sql(f"SELECT space, key FROM {self.docs} WHERE {where} ORDER BY space, key LIMIT ?"),
            (*params, limit),
        )
        return [(space, key) for space, key in map(self.row, c.fetchall())]

    @contextlib.contextmanager
    def writing(self, recorder: Any) -> Iterator[Any]:
        """The one write transaction of a batch: it takes the store's write lock first (every
        writer of events takes the same lock), so what is read in it is what the batch is
        checked against, and nothing changes until it commits (decision 0900)."""
        raise NotImplementedError

    def insert_events(self, c: Any, recorder: Any, stored: Sequence[Any]) -> list[int]:
        """Insert stored events with eventsourcing's own statements, in this transaction."""
        raise NotImplementedError

    def stream_versions(self, c: Any, recorder: Any, streams: Sequence[UUID]) -> dict[UUID, int]:
        """The last version of each of these streams in the events table."""
        raise NotImplementedError

    def log_end(self, c: Any, recorder: Any) -> int:
        raise NotImplementedError

    def log_page(
        self, c: Any, recorder: Any, start: int, limit: int
    ) -> list[tuple[int, Any, int, str, bytes]]:
        """(position, stream id, version, topic, state) of the log from ``start``, in this transaction."""
        raise NotImplementedError

    def log_topic(self, recorder: Any, after: int, topic: str) -> list[tuple[int, bytes]]:
        """(position, state) of the log's events of ``topic`` after ``after``."""
        raise NotImplementedError

    # --- documents ------------------------------------------------------------------------

    def seal(self, data: bytes) -> bytes:
        return self.cipher.encrypt(data) if self.cipher else data

    def unseal(self, data: Any) -> bytes:
        data = bytes(data)
        return self.cipher.decrypt(data) if self.cipher and data else data

    def load_docs(self, owner: str, space: str, keys: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        with self.reading() as c:
            for chunk in _chunks(keys, IN_CHUNK):
                marks = ",".join("?" * len(chunk))
                c.execute(
                    self.sql(
                        f"SELECT key, doc FROM {self.docs} WHERE owner=? AND space=? AND key IN ({marks})"
                    ),
                    (owner, space, *chunk),
                )
                for key, doc in map(self.row, c.fetchall()):
                    if doc:  # an empty document is a deleted one (kept so that caches learn of it)
                        out[key] = self.unseal(doc)
        return out

    def scan_docs(self, owner: str, space: str, after: str | None, limit: int) -> list[tuple[str, bytes]]:
        with self.reading() as c:
            if after is None:
                c.execute(
                    self.sql(
                        f"SELECT key, doc FROM {self.docs} WHERE owner=? AND space=? ORDER BY key LIMIT ?"
                    ),
                    (owner, space, limit),
                )
            else:
                c.execute(
                    self.sql(
                        f"SELECT key, doc FROM {self.docs} WHERE owner=? AND space=? AND key>? ORDER BY key LIMIT ?"
                    ),
                    (owner, space, after, limit),
                )
            return [
                (key, self.unseal(doc)) if doc else (key, b"") for key, doc in map(self.row, c.fetchall())
            ]

    def changed_since(self, owner: str, position: int, limit: int) -> list[tuple[str, str]]:
        with self.reading() as c:
            c.execute(
                self.sql(f"SELECT space, key FROM {self.docs} WHERE owner=? AND position>? LIMIT ?"),
                (owner, position, limit),
            )
            return [(space, key) for space, key in map(self.row, c.fetchall())]

    def write_docs(self, c: Any, owner: str, position: int, writes: Iterable[DocWrite]) -> None:
        """Store changed documents at ``position``; a deleted one is kept empty (a tombstone),
        so that other processes' caches see it change (``changed_since``)."""
        upserts = [
            (owner, space, key, position, b"" if data is None else self.seal(data))
            for space, key, data in writes
        ]
        if upserts:
            c.executemany(
                self.sql(
                    f"INSERT INTO {self.docs} (owner, space, key, position, doc) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (owner, space, key) DO UPDATE SET position=excluded.position, doc=excluded.doc"
                ),
                upserts,
            )

    def delete_docs(
        self, c: Any, owner: str, *, prefix: str | None = None, position: int | None = None
    ) -> None:
        """Delete an owner's documents; with ``prefix``, those whose key starts with it, made
        empty at ``position`` (tombstones: other processes' caches see them change)."""
        if prefix is None:
            c.execute(self.sql(f"DELETE FROM {self.docs} WHERE owner=?"), (owner,))
        else:  # the keys from prefix up to prefix with its last character's successor
            end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            c.execute(
                self.sql(f"UPDATE {self.docs} SET doc=?, position=? WHERE owner=? AND key>=? AND key<?"),
                (b"", position or 0, owner, prefix, end),
            )

    def delete_identities(self, c: Any) -> None:
        c.execute(f"DELETE FROM {self.identities}")

    def position_of(self, c: Any, name: str) -> int:
        c.execute(self.sql(f"SELECT position FROM {self.projections} WHERE name=?"), (name,))
        row = c.fetchone()
        return int(self.row(row)[0]) if row is not None else 0

    def set_position(self, c: Any, name: str, position: int) -> None:
        c.execute(
            self.sql(
                f"INSERT INTO {self.projections} (name, version, position) VALUES (?, 1, ?) "
                "ON CONFLICT (name) DO UPDATE SET position=excluded.position"
            ),
            (name, position),
        )

    # --- row tables -----------------------------------------------------------------------

    def write_rows(self, c: Any, table: Table, keys: Iterable[str], rows: Sequence[Sequence[Any]]) -> None:
        """Replace the rows of ``keys`` in ``table`` by ``rows`` (each ``(doc_key, *columns)``)."""
        name = self.qualify(table.name)
        c.executemany(self.sql(f"DELETE FROM {name} WHERE doc_key=?"), [(k,) for k in keys])
        if rows:
            marks = ", ".join("?" * (len(table.columns) + 1))
            c.executemany(
                self.sql(f"INSERT INTO {name} (doc_key, {', '.join(table.column_names)}) VALUES ({marks})"),
                rows,  # dates bind as ISO text (SQLite: the adapter below; PostgreSQL: as dates)
            )

    def select(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read query written with ``?`` placeholders."""
        with self.reading() as c:
            c.execute(self.sql(statement), tuple(self.row_value(p) for p in params))
            return [self.row(r) for r in c.fetchall()]

    # --- projections' positions -------------------------------------------------------------

    def projection_versions(self) -> dict[str, tuple[int, int]]:
        """name -> (version, position) of every projection registered in this store."""
        with self.reading() as c:
            c.execute(f"SELECT name, version, position FROM {self.projections}")
            return {name: (version, position) for name, version, position in map(self.row, c.fetchall())}

    def positions(self) -> dict[str, int]:
        return {name: position for name, (_v, position) in self.projection_versions().items()}

    def reset_projection(
        self, name: str, version: int, tables: Sequence[Table], *, cursor: Any = None
    ) -> None:
        """Drop a projection's documents and rows and start it again from position 0 (in
        ``cursor``'s transaction when given)."""
        with (
            contextlib.nullcontext(cursor)
            if cursor is not None
            else self.datastore.transaction(commit=True) as c
        ):
            c.execute(self.sql(f"DELETE FROM {self.projections} WHERE name=?"), (name,))
            c.execute(self.sql(f"DELETE FROM {self.docs} WHERE owner=?"), (name,))
            for table in tables:
                c.execute(f"DELETE FROM {self.qualify(table.name)}")
            c.execute(
                self.sql(
                    f"INSERT INTO {self.projections} (name, version, position, rebuilding) VALUES (?, ?, 0, 1)"
                ),
                (name, version),
            )

    def rebuilding(self) -> set[str]:
        """The projections being rebuilt (reset, not yet caught up with the log)."""
        with self.reading() as c:
            c.execute(f"SELECT name FROM {self.projections} WHERE rebuilding=1")
            return {self.row(r)[0] for r in c.fetchall()}

    def finish_rebuilds(self, end: int) -> None:
        """Projections rebuilt up to ``end`` are rebuilding no more."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                self.sql(f"UPDATE {self.projections} SET rebuilding=0 WHERE rebuilding=1 AND position>=?"),
                (end,),
            )

    def register_projection(self, name: str, version: int) -> None:
        with contextlib.suppress(IntegrityError), self.datastore.transaction(commit=True) as c:
            c.execute(
                self.sql(
                    f"INSERT INTO {self.projections} (name, version, position) VALUES (?, ?, 0) "
                    "ON CONFLICT (name) DO NOTHING"
                ),
                (name, version),
            )

    @contextlib.contextmanager
    def advancing(
        self, moves: Mapping[str, tuple[int, int]], *, cursor: Any = None
    ) -> Iterator[tuple[Any, set[str]]]:
        """A write transaction moving projections from one position to the next (in
        ``cursor``'s transaction when given).

        ``moves``: name -> (from, to). Yields ``(cursor, moved)``: ``moved`` holds the names
        whose stored position was still ``from`` (their rows may be written in this
        transaction); the others were moved on by another process meanwhile and must not be.
        """
        with (
            contextlib.nullcontext(cursor)
            if cursor is not None
            else self.datastore.transaction(commit=True) as c
        ):
            moved: set[str] = set()
            for name, (old, new) in moves.items():
                c.execute(
                    self.sql(f"UPDATE {self.projections} SET position=? WHERE name=? AND position=?"),
                    (new, name, old),
                )
                if _rowcount(c) == 1:
                    moved.add(name)
            yield c, moved

    # --- identities ---------------------------------------------------------------------------

    def identities_of(self, c: Any, keys: Sequence[int]) -> dict[int, tuple[int, int]]:
        """key -> (position, digest) of the recorded identities among ``keys``."""
        out: dict[int, tuple[int, int]] = {}
        for chunk in _chunks(list(dict.fromkeys(keys)), IN_CHUNK):
            marks = ",".join("?" * len(chunk))
            c.execute(
                self.sql(f"SELECT key, position, digest FROM {self.identities} WHERE key IN ({marks})"),
                tuple(signed(k) for k in chunk),
            )
            for key, position, digest in map(self.row, c.fetchall()):
                out[unsigned(key)] = (position, unsigned(digest))
        return out

    def insert_identities(self, c: Any, rows: Sequence[tuple[int, int, int]]) -> None:
        c.executemany(
            self.sql(f"INSERT INTO {self.identities} (key, position, digest) VALUES (?, ?, ?)"),
            [(signed(k), p, signed(d)) for k, p, d in rows],
        )

    def set_identity(self, c: Any, key: int, position: int, digest: int) -> None:
        """Point an identity at another stored event (the replacement of a correction)."""
        c.execute(
            self.sql(
                f"INSERT INTO {self.identities} (key, position, digest) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET position=excluded.position, digest=excluded.digest"
            ),
            (signed(key), position, signed(digest)),
        )

    # --- corrections (SPEC 9.1, decision 0995) ---------------------------------------------------

    def fold_marks(self, c: Any | None, start: int, end: int) -> dict[int, int]:
        """position -> fold_as of the corrected rows between ``start`` and ``end``: the position
        of the row to fold in its place (> 0), or nothing to fold there (0 or -1)."""
        with contextlib.nullcontext(c) if c is not None else self.reading() as cursor:
            cursor.execute(
                self.sql(
                    f"SELECT position, fold_as FROM {self.corrections} WHERE position>=? AND position<=?"
                ),
                (start, end),
            )
            return {int(p): int(f) for p, f in map(self.row, cursor.fetchall())}

    def correction_of(self, c: Any, position: int) -> tuple[int, int, int, int, int] | None:
        """(chain, fold_as, mark, identity, digest) of a corrected row; None for a row no
        correction touched."""
        c.execute(
            self.sql(
                f"SELECT chain, fold_as, mark, identity, digest FROM {self.corrections} WHERE position=?"
            ),
            (position,),
        )
        row = c.fetchone()
        if row is None:
            return None
        chain, fold_as, mark, identity, digest = self.row(row)
        return int(chain), int(fold_as), int(mark), unsigned(int(identity)), unsigned(int(digest))

    def blank_docs(self, c: Any, owner: str, position: int) -> None:
        """Every document of ``owner`` made empty at ``position`` (tombstones: other processes'
        caches see them change), before the owner's state is folded again in this transaction."""
        c.execute(self.sql(f"UPDATE {self.docs} SET doc=?, position=? WHERE owner=?"), (b"", position, owner))

    def clear_rows(self, c: Any, table: Table) -> None:
        c.execute(f"DELETE FROM {self.qualify(table.name)}")

    def stand_at(self, c: Any, versions: Mapping[str, int], position: int) -> None:
        """These projections (name -> version) stand at ``position``, rebuilt."""
        c.executemany(
            self.sql(
                f"INSERT INTO {self.projections} (name, version, position, rebuilding) VALUES (?, ?, ?, 0) "
                "ON CONFLICT (name) DO UPDATE SET version=excluded.version, position=excluded.position, rebuilding=0"
            ),
            [(name, version, position) for name, version in versions.items()],
        )

    def superseded(self, c: Any, identity: int, digest: int) -> list[tuple[int, int]]:
        """(position, chain) of corrected rows with this identity and digest."""
        c.execute(
            self.sql(f"SELECT position, chain FROM {self.corrections} WHERE identity=? AND digest=?"),
            (signed(identity), signed(digest)),
        )
        return [(int(p), int(ch)) for p, ch in map(self.row, c.fetchall())]

    def mark_corrected(self, c: Any, rows: Sequence[tuple[int, int, int, int, int, int]]) -> None:
        """Insert or replace (position, chain, fold_as, identity, digest, mark) rows."""
        c.executemany(
            self.sql(
                f"INSERT INTO {self.corrections} (position, chain, fold_as, identity, digest, mark) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (position) DO UPDATE SET chain=excluded.chain, "
                "fold_as=excluded.fold_as, identity=excluded.identity, digest=excluded.digest, mark=excluded.mark"
            ),
            [(p, ch, f, signed(k), signed(d), m) for p, ch, f, k, d, m in rows],
        )


class SQLiteTables(StateTables):
    def row_value(self, value: Any) -> Any:
        iso = getattr(value, "isoformat", None)
        return iso() if iso is not None else value

    @contextlib.contextmanager
    def writing(self, recorder: Any) -> Iterator[Any]:
        pool = self.datastore.pool
        conn = pool.get_connection(is_writer=True)
        raw: sqlite3.Connection = conn._sqlite_conn
        try:
            with _sqlite_errors():
                raw.execute("BEGIN IMMEDIATE")
            cursor = SQLiteCursor(raw.cursor())
            _ambient.cursor = cursor
            try:
                yield cursor
            except BaseException:
                raw.rollback()
                raise
            finally:
                _ambient.cursor = None
            with _sqlite_errors():
                raw.commit()
        finally:
            pool.put_connection(conn)

    def insert_events(self, c: Any, recorder: Any, stored: Sequence[Any]) -> list[int]:
        with _sqlite_errors():
            return list(recorder._insert_events(c, stored))

    def stream_versions(self, c: Any, recorder: Any, streams: Sequence[UUID]) -> dict[UUID, int]:
        out: dict[UUID, int] = {}
        table = self.qualify(recorder.events_table_name)
        for chunk in _chunks(list(dict.fromkeys(streams)), IN_CHUNK):
            marks = ",".join("?" * len(chunk))
            c.execute(
                f"SELECT originator_id, MAX(originator_version) FROM {table} "
                f"WHERE originator_id IN ({marks}) GROUP BY originator_id",
                tuple(u.hex for u in chunk),
            )
            for originator, version in map(self.row, c.fetchall()):
                out[UUID(hex=originator)] = version
        return out

    def log_end(self, c: Any, recorder: Any) -> int:
        c.execute(f"SELECT MAX(rowid) FROM {self.qualify(recorder.events_table_name)}")
        row = c.fetchone()
        return int(row[0] or 0)

    def log_topic(self, recorder: Any, after: int, topic: str) -> list[tuple[int, bytes]]:
        with self.reading() as c:
            c.execute(
                f"SELECT rowid, state FROM {self.qualify(recorder.events_table_name)} WHERE rowid>? AND topic=?",
                (after, topic),
            )
            return [(int(p), bytes(s)) for p, s in map(self.row, c.fetchall())]

    def log_page(
        self, c: Any, recorder: Any, start: int, limit: int
    ) -> list[tuple[int, Any, int, str, bytes]]:
        c.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM "
            f"{self.qualify(recorder.events_table_name)} WHERE rowid>=? ORDER BY rowid LIMIT ?",
            (start, limit),
        )
        return [tuple(r) for r in c.fetchall()]


# Row tables bind dates as ISO text on SQLite (what Python's own adapter did before 3.12 deprecated it).
sqlite3.register_adapter(dt.date, dt.date.isoformat)


@contextlib.contextmanager
def _sqlite_errors() -> Iterator[None]:
    """sqlite3's errors as eventsourcing's (as its own transactions raise them)."""
    try:
        yield
    except sqlite3.IntegrityError as e:
        raise es.IntegrityError(e) from e
    except sqlite3.OperationalError as e:
        raise es.OperationalError(e) from e
    except sqlite3.DatabaseError as e:
        raise es.DatabaseError(e) from e


class PostgresTables(StateTables):
    placeholder = "%s"
    blob = "BYTEA"
    bigint = "BIGINT"
    date_type = "DATE"
    boolean = "BOOLEAN"

    def qualify(self, table: str) -> str:
        return f'"{self.datastore.schema}"."{table}"'

    def row(self, row: Any) -> tuple[Any, ...]:
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)

    def _begin_snapshot(self, c: Any) -> None:
        c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def write_rows(self, c: Any, table: Table, keys: Iterable[str], rows: Sequence[Sequence[Any]]) -> None:
        """As for every back end, in two statements: one DELETE of every key, one COPY of
        every row (a statement per key and per row made rebuilding a projection on
        PostgreSQL a round trip per row)."""
        name = self.qualify(table.name)
        c.execute(f"DELETE FROM {name} WHERE doc_key = ANY(%s)", (list(keys),))
        if rows:
            with c.copy(f"COPY {name} (doc_key, {', '.join(table.column_names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _view_statements(self, name: str, select: str) -> list[str]:
        mark = _view_mark(select).replace("'", "''")
        return [*super()._view_statements(name, select), f"COMMENT ON VIEW {name} IS '{mark}'"]

    def _view_is(self, bare: str, name: str, select: str) -> bool:
        # PostgreSQL keeps a view's definition rewritten; the comment holds what we wrote.
        rows = self.select("SELECT obj_description(to_regclass(%s), 'pg_class')", (name,))
        return bool(rows) and rows[0][0] == _view_mark(select)

    @contextlib.contextmanager
    def writing(self, recorder: Any) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as curs:
            recorder._lock_table(curs)
            _ambient.cursor = curs
            try:
                yield curs
            finally:
                _ambient.cursor = None

    def insert_events(self, c: Any, recorder: Any, stored: Sequence[Any]) -> list[int]:
        recorder._insert_stored_events(c, stored)
        return list(recorder._fetch_ids_after_insert_events(c, stored) or [])

    def stream_versions(self, c: Any, recorder: Any, streams: Sequence[UUID]) -> dict[UUID, int]:
        out: dict[UUID, int] = {}
        table = self.qualify(recorder.events_table_name)
        for chunk in _chunks(list(dict.fromkeys(streams)), IN_CHUNK):
            c.execute(
                f"SELECT originator_id, MAX(originator_version) AS v FROM {table} "
                "WHERE originator_id = ANY(%s) GROUP BY originator_id",
                (list(chunk),),
            )
            for originator, version in map(self.row, c.fetchall()):
                out[originator if isinstance(originator, UUID) else UUID(str(originator))] = version
        return out

    def log_end(self, c: Any, recorder: Any) -> int:
        c.execute(f"SELECT MAX(notification_id) AS m FROM {self.qualify(recorder.events_table_name)}")
        row = self.row(c.fetchone())
        return int(row[0] or 0)

    def log_topic(self, recorder: Any, after: int, topic: str) -> list[tuple[int, bytes]]:
        with self.reading() as c:
            c.execute(
                f"SELECT notification_id, state FROM {self.qualify(recorder.events_table_name)} "
                "WHERE notification_id>%s AND topic=%s",
                (after, topic),
            )
            return [(int(p), bytes(s)) for p, s in map(self.row, c.fetchall())]

    def log_page(
        self, c: Any, recorder: Any, start: int, limit: int
    ) -> list[tuple[int, Any, int, str, bytes]]:
        c.execute(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM "
            f"{self.qualify(recorder.events_table_name)} WHERE notification_id>=%s ORDER BY notification_id LIMIT %s",
            (start, limit),
        )
        return [(n, o, v, t, bytes(s)) for n, o, v, t, s in map(self.row, c.fetchall())]


def _view_mark(select: str) -> str:
    return "kentqa view " + hashlib.sha256(select.encode()).hexdigest()


def _rowcount(c: Any) -> int:
    count: int | None = getattr(c, "rowcount", None)
    if count is None:
        inner = getattr(c, "sqlite_cursor", None)
        count = getattr(inner, "rowcount", -1)
    return int(count)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def tables_for(datastore: Any, cipher: es.Cipher | None) -> StateTables:
    """The :class:`StateTables` for eventsourcing's datastore of a store."""
    module = type(datastore).__module__
    if module.startswith("eventsourcing.sqlite"):
        return SQLiteTables(datastore, cipher)
    if module.startswith("eventsourcing.postgres"):
        return PostgresTables(datastore, cipher)
    raise NotImplementedError(f"the state cannot live in a store of {module}: use SQLite or PostgreSQL")


def _schema_race(exc: Exception) -> bool:
    """Whether ``exc`` is another process creating the same schema at the same moment."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, es.OperationalError) and "locked" in str(exc)
