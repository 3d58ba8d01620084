"""The state tables' names, their SQL dialect and the transactions they are read and written in (SPEC 9.4).

:class:`TablesBase` is what every part of :class:`~kentqa_domain.state.sql.StateTables` stands
on: the tables' qualified names, the dialect (placeholders, column types, rows), the read,
snapshot and write transactions (a thread's reads go through its write transaction's cursor),
the log reads each back end gives (its ``StorageBackend.state_tables``: decision 1010), and ``select``.
Identity keys and digests are unsigned 64-bit, stored shifted (``signed``/``unsigned``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing import persistence as es

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


class TablesBase:
    """The state tables of one store: names, dialect, transactions. Subclasses give each back end's dialect."""

    placeholder = "?"
    blob = "BLOB"
    bigint = "INTEGER"
    date_type = "TEXT"
    boolean = "INTEGER"
    #: the events table's column of log positions, and how it names a stream
    position_column = "notification_id"

    def stream_key(self, stream: UUID) -> Any:
        """A stream id as the events table holds it."""
        return stream

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

    def select(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read query written with ``?`` placeholders."""
        with self.reading() as c:
            c.execute(self.sql(statement), tuple(self.row_value(p) for p in params))
            return [self.row(r) for r in c.fetchall()]


def _rowcount(c: Any) -> int:
    count: int | None = getattr(c, "rowcount", None)
    if count is None:
        inner = getattr(c, "sqlite_cursor", None)
        count = getattr(inner, "rowcount", -1)
    return int(count)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
