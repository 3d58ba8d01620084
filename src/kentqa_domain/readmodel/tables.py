"""Row tables a projection keeps for queries and analysts (declared in the core, made per back end).

A projection lists its :class:`Table` s; the state store makes them (``CREATE TABLE IF NOT
EXISTS``) in the same database as the events, with a ``doc_key`` column naming the document
each row was derived from: when a document changes, its rows are replaced in the same
transaction as the projection's position. ``docs/read-model.md`` documents every table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs


@attrs.frozen
class Column:
    name: str
    type: str  # TEXT, INTEGER, DATE (ISO text in SQLite, date in PostgreSQL), REAL, BOOLEAN
    doc: str = ""


@attrs.frozen
class Table:
    """A projection's row table: one set of rows per document key (replaced when it changes)."""

    name: str
    columns: tuple[Column, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    doc: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@attrs.frozen
class View:
    """An SQL view over row tables, for analysts: ``select`` names tables as ``{table}`` (the
    store qualifies them) and may use ``CURRENT_DATE`` (SQLite and PostgreSQL both have it)."""

    name: str
    select: str
    doc: str = ""


def as_date(value: Any) -> dt.date | None:
    """A DATE column's value as a date (SQLite gives ISO text, PostgreSQL a date)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
