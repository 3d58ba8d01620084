"""What an importer plugin gives and takes (hook ``kentqa_register_importers``, SPEC section 6).

An importer reads files and yields ``(SourceLocation, item)`` pairs, where an item is an
:class:`~kentqa_domain.events.Event` to record, a :class:`Problem` (something in the file that
was not imported, and why), a :class:`Duplicate` (a row that repeats another) or a
:class:`FileRead` (what a file turned out to be). Importers never store anything: the import
session (:mod:`kentqa_domain.importing.session`) orders, de-duplicates and records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TypeAlias

import attrs

from ..events import Event
from ..values import PlanKind
from .pseudonyms import Pseudonymiser


@attrs.frozen(order=True)
class SourceLocation:
    """Where something came from: a file, a row (the line number, the header being row 1; for
    XML the line of the element) and a column (a CSV column name or an XML element path).

    Locations never hold a raw child id, so reports can be shared without leaking one.
    """

    file: str
    row: int | None = None
    column: str | None = None

    def at(self, column: str | None) -> SourceLocation:
        """The same row, another column."""
        return attrs.evolve(self, column=column)

    def describe(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column}


@attrs.frozen
class Problem:
    """Something at a location that was not imported, and the reason (a sentence a user can act on)."""

    reason: str


@attrs.frozen
class Duplicate:
    """The row at this location repeats the one at ``of``; it is imported once, not twice."""

    of: SourceLocation


@attrs.frozen
class FileRead:
    """What a file was recognised as (e.g. ``"episodes table"``) and how many data rows it held
    (``unit`` names them: ``"rows"``, ``"children"``)."""

    kind: str
    rows: int
    unit: str = "rows"


Item: TypeAlias = Event | Problem | Duplicate | FileRead
Located: TypeAlias = tuple[SourceLocation, Item]


def open_binary(path: Path) -> BinaryIO:
    """The default opener: the file's bytes."""
    return path.open("rb")


def no_plans(child_ref: str) -> frozenset[PlanKind]:
    """The default ``known_plans``: nothing is known."""
    return frozenset()


@attrs.frozen
class ImportOptions:
    """What every importer is given besides the paths.

    ``pseudonymiser`` turns a file's child id into the stored ``child_ref`` (None: the id as it
    is); ``not_after``: dates after it are refused as typing errors (the CLI passes today, or
    ``--as-of``); ``open`` opens a file for reading (the CLI wraps it with a progress bar);
    ``known_plans(child_ref)`` the plans the store already holds for a child (the session
    fills it in, so an importer can tell a child continuing from an earlier import).
    """

    pseudonymiser: Pseudonymiser | None = None
    not_after: dt.date | None = None
    open: Callable[[Path], BinaryIO] = open_binary
    known_plans: Callable[[str], frozenset[PlanKind]] = no_plans

    def child_ref(self, raw_id: str) -> str:
        """The ``child_ref`` to store for a file's child id (pseudonymised when configured)."""
        if self.pseudonymiser is None:
            return raw_id
        return self.pseudonymiser.ref(raw_id)


ReadFunction: TypeAlias = Callable[[Sequence[Path], ImportOptions], Iterator[Located]]


@attrs.frozen
class Importer:
    """A file format an importer plugin reads.

    ``name`` is the FORMAT of ``kentqa import FORMAT PATH...``; ``extensions`` the file name
    endings it expects (``.csv``), used for a hint when a file does not fit; ``read`` turns
    all the paths of one import (read together: an SSDA903 return is several files) into
    located items.
    """

    name: str
    title: str
    extensions: tuple[str, ...]
    read: ReadFunction
