"""Rows as plain data: ``row.to_dict()``, ``rows_to_json``, ``rows_to_csv`` (SPEC 9.5).

Every row or report a query returns is an ``attrs`` class mixing in :class:`Row`; its
``to_dict()`` is JSON-ready: dates as ISO ``YYYY-MM-DD`` strings, enums by their value, tuples
and sets as lists, nested rows as objects. The CLI's ``--json`` prints the same
(:func:`to_plain`). List answers are :class:`Rows` and count answers :class:`Counts`: a list or
a dict that also says the log ``position`` it reflects (SPEC 9.5; decision 0952).

CSV (decision 0951): one column per field of the row, in field order; ``None`` is an empty
cell, booleans ``true``/``false``, lists and objects their JSON text; a text cell starting
with ``=``, ``+``, ``-`` or ``@`` is prefixed with ``'`` so that a spreadsheet never reads it
as a formula (decision 0910 for ids), and so is one that starts with ``'`` itself, so that
removing one leading ``'`` always gives the text back (a spreadsheet shows it that way).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import IO, Any, TypeVar

import attrs

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

#: Characters that make a spreadsheet read a cell as a formula (decision 0910).
FORMULA_START = "=+-@"


def to_plain(value: Any) -> Any:
    """Rows (attrs objects, enums, dates, tuples, mappings) as JSON-ready data (SPEC 9.5)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):  # a datetime too: its ISO text
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if attrs.has(type(value)):
        return {
            a.name: to_plain(getattr(value, a.name))
            for a in attrs.fields(type(value))
            if not a.metadata.get("not_plain")
        }
    if isinstance(value, Mapping):
        return {str(to_plain(k)): to_plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((to_plain(v) for v in value), key=_sort_key)
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def _sort_key(value: Any) -> tuple[str, str]:
    return (type(value).__name__, json.dumps(value, sort_keys=True))


class Row:
    """What every row and report of a query can do (mixed into the attrs row classes)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data: ISO dates, enum values, lists (SPEC 9.5)."""
        plain: dict[str, Any] = to_plain(self)
        return plain

    def to_json(self) -> str:
        """The row as one JSON object (the text of :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


def position_field() -> Any:
    """The log position an answer reflects: set by the query, not part of the row's data
    (``to_dict`` leaves it out; two answers with the same content compare equal)."""
    return attrs.field(default=None, eq=False, kw_only=True, metadata={"not_plain": True})


class Rows(list[T]):
    """A query's rows (a ``list``) and the log ``position`` they reflect (SPEC 9.5)."""

    position: int | None

    def __init__(self, rows: Iterable[T] = (), position: int | None = None) -> None:
        super().__init__(rows)
        self.position = position

    def to_dicts(self) -> list[dict[str, Any]]:
        """Each row's ``to_dict()``."""
        return [to_plain(r) for r in self]


class Counts(dict[K, V]):
    """A query's counts (a ``dict``) and the log ``position`` they reflect (SPEC 9.5)."""

    position: int | None

    def __init__(self, counts: Mapping[K, V] | None = None, position: int | None = None) -> None:
        super().__init__(counts or {})
        self.position = position


class RecordedBatch(list[int | None]):
    """What ``record_many`` did (SPEC 9.5): a ``list`` of each event's log position, in the
    order the events were given (``None``: refused), and the counts:

    - ``new``: events stored by this call;
    - ``already_recorded``: events recorded before (by any process, or earlier in the same
      batch), whose position is the stored one; nothing was stored for them;
    - ``refused``: events refused (``on_invalid`` was told each one);
    - ``position``: the log position after the call (the last event this call stored, or
      the position it found when it stored nothing).
    """

    new: int
    already_recorded: int
    refused: int
    position: int

    def __init__(
        self, positions: Iterable[int | None] = (), *, new: int = 0, refused: int = 0, position: int = 0
    ) -> None:
        super().__init__(positions)
        self.new = new
        self.refused = refused
        self.already_recorded = len(self) - new - refused
        self.position = position

    def __repr__(self) -> str:
        return (
            f"RecordedBatch(new={self.new}, already_recorded={self.already_recorded}, "
            f"refused={self.refused}, position={self.position})"
        )


def rows_to_json(rows: Iterable[Any], *, indent: int | None = None) -> str:
    """A JSON array of the rows' ``to_dict()`` (any attrs rows or events, dicts, plain values)."""
    return json.dumps([to_plain(r) for r in rows], ensure_ascii=False, indent=indent)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    if isinstance(value, str):
        return "'" + value if value[:1] and value[:1] in FORMULA_START + "'" else value
    return str(value)


def rows_to_csv(rows: Iterable[Any], file: IO[str], *, columns: Iterable[str] | None = None) -> int:
    """Write the rows to ``file`` as CSV with a header line; returns the number of rows.

    Columns are ``columns`` if given, else the fields of the first row (``to_dict()`` order).
    Open the file with ``newline=""`` (the ``csv`` module's rule). Cells: see the module's
    docstring (decision 0951). No rows and no ``columns``: nothing is written.
    """
    writer: Any = None
    count = 0
    names = list(columns) if columns is not None else None
    for row in rows:
        plain = to_plain(row)
        if not isinstance(plain, dict):
            raise TypeError(f"rows_to_csv takes rows (attrs classes or dicts), not {type(row).__name__}")
        if writer is None:
            names = names if names is not None else list(plain)
            writer = csv.writer(file)
            writer.writerow(names)
        assert names is not None
        writer.writerow([_cell(plain.get(name)) for name in names])
        count += 1
    if writer is None and names is not None:
        csv.writer(file).writerow(names)
    return count


__all__ = [
    "Counts",
    "RecordedBatch",
    "Row",
    "Rows",
    "position_field",
    "rows_to_csv",
    "rows_to_json",
    "to_plain",
]
