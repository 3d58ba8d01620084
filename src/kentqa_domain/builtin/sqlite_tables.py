"""SQLite's state tables (SPEC 9.4, decision 1010): its dialect and its batch transaction,
``BEGIN IMMEDIATE`` on eventsourcing's writer connection, inserting the events with
eventsourcing's own statements so that the state is written in the same transaction as the
events (decision 0900). The built-in SQLite back end gives these (``SQLITE.state_tables``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing import persistence as es
from eventsourcing.sqlite import SQLiteCursor

from ..state.sql import StateTables
from ..state.sql_base import IN_CHUNK, _ambient, _chunks


class SQLiteTables(StateTables):
    """SQLite's state tables: rowid positions, streams as eventsourcing's hex text."""

    position_column = "rowid"

    def stream_key(self, stream: UUID) -> Any:
        return stream.hex

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
