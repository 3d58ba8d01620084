"""Reading the notification log a page at a time, as plain rows.

Catching up and ``replay`` read every stored event; eventsourcing's ``select_notifications``
builds a ``Notification`` and a ``UUID`` per row, which costs more than decoding the event
(decision 0801). On SQLite the same rows are read from the same table with one SELECT into
plain tuples, the stream id left as the hex string eventsourcing stored; other back ends go
through ``select_notifications``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

#: (position, stream id as UUID or 32-digit hex, version in the stream, topic, state)
Row = tuple[int, UUID | str, int, str, bytes]
PageReader = Callable[[int, int], Sequence[Any]]


def page_reader(recorder: ApplicationRecorder) -> PageReader:
    """``read(start, limit)``: the rows from position ``start`` on, at most ``limit``."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        columns = "rowid, originator_id, originator_version, topic, state"
        table = recorder.events_table_name  # eventsourcing's own table name, not input
        statement = f"SELECT {columns} FROM {table} WHERE rowid>=? ORDER BY rowid LIMIT ?"  # noqa: S608
        datastore = recorder.datastore

        def read_sqlite(start: int, limit: int) -> Sequence[Any]:
            with datastore.transaction(commit=False) as cursor:
                cursor.execute(statement, (start, limit))
                rows: Sequence[Any] = cursor.fetchall()
                return rows

        return read_sqlite

    def read(start: int, limit: int) -> Sequence[Any]:
        return [
            (n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in recorder.select_notifications(start=start, limit=limit)
        ]

    return read
