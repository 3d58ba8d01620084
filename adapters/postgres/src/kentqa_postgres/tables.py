"""PostgreSQL's state tables (SPEC 9.4, decision 1010): its dialect (``%s``, ``BYTEA``,
``COPY`` for row tables, view comments) and its batch transaction under eventsourcing's table
lock, inserting the events with eventsourcing's own statements so that the state is written
in the same transaction as the events (decision 0900). ``PostgresBackend.state_tables`` gives
these.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from kentqa_domain.readmodel.tables import Table
from kentqa_domain.state.schema import _view_mark
from kentqa_domain.state.sql import StateTables
from kentqa_domain.state.sql_base import IN_CHUNK, _ambient, _chunks


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
