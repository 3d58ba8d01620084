"""Where the write model and each projection stand in the log: ``kentqa_projections`` (SPEC 9.4).

Each row holds a projection's shape version, the log position its documents and rows reflect
(its tracking position) and whether it is being rebuilt; moving a projection on is a
conditional update, so two processes never fold the same events twice (decision 0900).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError

from ..readmodel.tables import Table
from .sql_base import TablesBase, _rowcount


class PositionTables(TablesBase):
    """Projections' versions and positions (see :mod:`kentqa_domain.state.sql`)."""

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

    def stand_at(self, c: Any, versions: Mapping[str, int], position: int) -> None:
        """These projections (name -> version) stand at ``position``, rebuilt."""
        c.executemany(
            self.sql(
                f"INSERT INTO {self.projections} (name, version, position, rebuilding) VALUES (?, ?, ?, 0) "
                "ON CONFLICT (name) DO UPDATE SET version=excluded.version, position=excluded.position, rebuilding=0"
            ),
            [(name, version, position) for name, version in versions.items()],
        )
