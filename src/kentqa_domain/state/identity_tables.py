"""The identity index and the corrections table (SPEC 2, 9.1, 9.5; decisions 0913, 0995).

``kentqa_identities`` holds one row per event identity (idempotency: a re-sent event is a
no-op, other content a conflict), keyed with the store's secret in an encrypted store;
``kentqa_corrections`` every log position not folded as it stands because a correction or
withdrawal replaced it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from .sql_base import IN_CHUNK, TablesBase, _chunks, signed, unsigned


class IdentityTables(TablesBase):
    """Identities and corrections (see :mod:`kentqa_domain.state.sql`)."""

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

    def delete_identities(self, c: Any) -> None:
        c.execute(f"DELETE FROM {self.identities}")

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
