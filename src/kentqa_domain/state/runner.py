"""Projection runners: each stored projection caught up from its own position (SPEC 9.4).

Every stored projection has a position in ``kentqa_projections``. Catching up reads the
notification log after the lowest of them a page at a time, folds each event into every
projection that has not seen it, and then, in one transaction, moves each projection's
position from where it was to the page's end *only if it is still where it was* (another
process may have moved it meanwhile) and writes that projection's changed documents and rows.
A projection moved on by someone else drops what it folded and follows the store. So every
event is folded exactly once into each projection, whatever the number of processes, and a
crash loses nothing (the position and the rows commit together).

Why not eventsourcing's ``ProjectionRunner``: it needs ``subscribe()``, which the SQLite
recorder lacks, and its single-row tracking only refuses a position that does not advance,
so two runners starting from the same position could both commit; see decision 0900.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from ..events import Event
from ..readmodel.docs import DocSession
from ..readmodel.projection import StoredProjection
from . import codec
from .sql import StateTables

#: (position, event as projections fold it, or None for a row they skip; the Recorded when read in full)
Folded = tuple[int, Event | None, Any]
#: Reads the log from ``start`` (inclusive): at most ``limit`` folded rows, decoded for projections.
LogReader = Callable[[int, int, bool], Sequence[Folded]]

PAGE = 2_000
#: Documents whose rows are derived at once when a rebuilt projection's rows are derived again.
ROWS_CHUNK = 1_000


class Projections:
    """The stored projections of one store, each with its own session and position."""

    def __init__(
        self,
        tables: StateTables,
        classes: Iterable[type[StoredProjection]],
        *,
        capacity: int = 20_000,
        policy: Any = None,
    ) -> None:
        self.tables = tables
        registered = tables.projection_versions()
        self.by_name: dict[str, StoredProjection] = {}
        for cls in classes:
            for table in cls.tables:
                tables.create_table(table)
            for view in cls.sql_views:
                tables.create_view(view)
            found = registered.get(cls.name)
            if found is None:
                tables.register_projection(cls.name, cls.version)
            elif found[0] != cls.version:
                tables.reset_projection(cls.name, cls.version, cls.tables)
            projection = cls(DocSession(tables, cls.name, codec, capacity=capacity))
            projection.policy = policy
            self.by_name[cls.name] = projection

    def __getitem__(self, name: str) -> Any:
        return self.by_name[name]

    def names(self) -> list[str]:
        return list(self.by_name)

    def positions(self) -> dict[str, int]:
        stored = self.tables.positions()
        return {name: stored.get(name, 0) for name in self.by_name}

    def position(self) -> int:
        """The lowest position of the projections (every answer reflects at least this)."""
        positions = self.positions()
        return min(positions.values(), default=0)

    def catch_up(
        self,
        read: LogReader,
        end: int,
        own: Sequence[Folded] = (),
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Bring every projection to ``end`` (the log's last position); returns events folded.

        ``own``: events this process just stored (positions in order), folded without reading
        the log back when a projection is right before them.
        """
        folded = 0
        positions = self.positions()
        for name, projection in self.by_name.items():
            projection.session.sync(positions[name])
        # A projection being rebuilt derives its rows once, from all its documents, when it has
        # caught up (not at every page: a child touched by many pages was derived again each time)
        rebuilding = self.tables.rebuilding() & set(self.by_name)
        own_from = own[0][0] if own else None
        while True:
            lagging = {n: p for n, p in positions.items() if p < end}
            if progress is not None:
                progress(min(positions.values(), default=end), end)
            if not lagging:
                if folded or rebuilding:
                    self._finish(rebuilding, end)
                return folded
            start = min(lagging.values()) + 1
            if own_from is not None and start == own_from and own[-1][0] == end:
                page: Sequence[Folded] = own
            else:
                keys = any(self.by_name[n].needs_keys for n in lagging)
                page = read(start, PAGE, keys)
                if not page:
                    self._finish(rebuilding, end)
                    return folded
            last = page[-1][0]
            folded += self._fold(page, lagging, last, positions, no_rows=rebuilding)

    def _finish(self, rebuilding: set[str], end: int) -> None:
        """Rebuilt projections that reached ``end``: their rows derived, then no longer rebuilding.
        Any process may do it (a crash in between leaves it to the next); it is idempotent."""
        positions = self.tables.positions()
        for name in sorted(rebuilding):
            if positions.get(name, 0) >= end:
                self.derive_rows(name)
        self.tables.finish_rebuilds(end)

    def derive_rows(self, name: str, cursor: Any = None) -> None:
        """A projection's row tables emptied and derived again from all its documents, in one
        transaction (``cursor``'s when given), ``ROWS_CHUNK`` documents at a time."""
        projection = self.by_name[name]
        if not projection.tables:
            return
        tables = self.tables
        with contextlib.nullcontext(cursor) if cursor is not None else tables.rewriting() as c:
            for table in projection.tables:
                tables.clear_rows(c, table)
            after = None
            while pairs := tables.doc_keys(c, name, projection.row_spaces, after, ROWS_CHUNK):
                for table, keys, rows in projection.rows(pairs):
                    tables.write_rows(c, table, keys, rows)
                after = pairs[-1]

    def fold_in(self, cursor: Any, stored: Sequence[Folded], before: int) -> Callable[[bool], None]:
        """Inside a batch's write transaction (the store's write lock held): fold the events it
        stored (positions ``before + 1`` on) into every projection that was at ``before``, and
        write their documents, rows and new position with the events. Returns what to call
        once the transaction has committed (True) or rolled back (False). A projection behind
        (being rebuilt) is left to catch up from the log."""
        if not stored:
            return lambda _ok: None
        last = stored[-1][0]
        positions = self.tables.positions()
        ready = [name for name in self.by_name if positions.get(name, 0) == before]
        changes: dict[str, tuple[list[Any], list[Any]]] = {}
        try:
            for name in ready:
                projection = self.by_name[name]
                projection.session.sync(before)
                changes[name] = self._fold_one(projection, stored, before)
            with self.tables.advancing(dict.fromkeys(ready, (before, last)), cursor=cursor) as (c, moved):
                self._write(c, moved, changes, last)
        except BaseException:
            for name in ready:
                self.by_name[name].session.discard()
            raise

        def finish(ok: bool) -> None:
            for name in ready:
                session = self.by_name[name].session
                if ok and name in moved:
                    session.committed(last, changes[name][0])
                else:
                    session.discard()

        return finish

    def _fold(
        self,
        page: Sequence[Folded],
        lagging: dict[str, int],
        last: int,
        positions: dict[str, int],
        no_rows: AbstractSet[str] = frozenset(),
    ) -> int:
        """Fold a page into the lagging projections; then move each from where it was to
        ``last`` with its changes, where no other process moved it first. Projections in
        ``no_rows`` (being rebuilt) write documents only: their rows come at the end."""
        # every document the folds read comes through one read transaction: on PostgreSQL a
        # transaction per read (three round trips) made rebuilding child_plans 50x slower
        with self.tables.snapshot():
            changes = {
                name: self._fold_one(self.by_name[name], page, since, rows=name not in no_rows)
                for name, since in lagging.items()
            }
        moves = {name: (since, last) for name, since in lagging.items()}
        try:
            with self.tables.advancing(moves) as (cursor, moved):
                self._write(cursor, moved, changes, last)
        except BaseException:
            for name in lagging:
                self.by_name[name].session.discard()
            raise
        stored = self.tables.positions() if len(moved) < len(lagging) else {}
        for name in lagging:
            session = self.by_name[name].session
            if name in moved:
                session.committed(last, changes[name][0])
                positions[name] = last
            else:  # another process folded these events first: follow the store
                session.discard()
                positions[name] = stored.get(name, 0)
                session.sync(positions[name])
        return sum(1 for position, _e, _r in page if position > min(lagging.values()))

    def _write(
        self, cursor: Any, moved: set[str], changes: dict[str, tuple[list[Any], list[Any]]], last: int
    ) -> None:
        """The changed documents and rows of the projections moved to ``last``."""
        for name in moved:
            docs, rows = changes[name]
            self.tables.write_docs(cursor, name, last, docs)
            for table, keys, table_rows in rows:
                self.tables.write_rows(cursor, table, keys, table_rows)

    @staticmethod
    def _fold_one(
        projection: StoredProjection, page: Sequence[Folded], since: int, *, rows: bool = True
    ) -> tuple[list[Any], list[Any]]:
        """One projection's fold of a page: its changed documents and their rows."""
        session = projection.session
        keys = projection.needs_keys
        session.writing = True  # before the prefetch: what it reads is held until the fold ends
        try:
            projection.prefetch(
                [(recorded if keys else event) for position, event, recorded in page if position > since]
            )
            for position, event, recorded in page:
                if position <= since:
                    continue
                folded = recorded if keys else event
                if folded is not None:
                    projection.apply(folded, position)
        except BaseException:
            session.discard()
            raise
        finally:
            session.writing = False
        docs = session.changes()
        if not rows:
            return docs, []
        return docs, projection.rows([(space, key) for space, key, _ in docs])

    def refold(self, cursor: Any, read: LogReader, end: int) -> None:
        """Inside a correction's write transaction (decision 0995): every projection's state
        folded again from the corrected log up to ``end``, its documents (the old ones made
        empty first, so that other processes' caches drop them) and rows written at ``end``
        with its position. Raises, leaving the sessions empty, if anything fails."""
        tables = self.tables
        try:
            for name, projection in self.by_name.items():
                tables.blank_docs(cursor, name, end)
                for table in projection.tables:
                    tables.clear_rows(cursor, table)
                projection.session.clear()
            keys = any(p.needs_keys for p in self.by_name.values())
            start = 1
            while start <= end:
                page = [f for f in read(start, PAGE, keys) if f[0] <= end]
                if not page:
                    break
                for name, projection in self.by_name.items():
                    docs, _rows = self._fold_one(projection, page, 0, rows=False)
                    tables.write_docs(cursor, name, end, docs)
                    projection.session.committed(end, docs)
                start = page[-1][0] + 1
            for name in self.by_name:  # rows once, from all the documents (not at every page)
                self.derive_rows(name, cursor)
            tables.stand_at(cursor, {n: p.version for n, p in self.by_name.items()}, end)
        except BaseException:
            for projection in self.by_name.values():
                projection.session.clear()
            raise

    def rebuild(self, names: Iterable[str]) -> None:
        """Drop these projections' documents and rows; they start again from position 0."""
        for name in names:
            projection = self.by_name[name]
            self.tables.reset_projection(name, projection.version, projection.tables)
            projection.session.clear()

    def cached(self) -> int:
        return sum(p.session.cached for p in self.by_name.values())


def owners(projections: Projections) -> list[DocSession]:
    return [p.session for p in projections.by_name.values()]
