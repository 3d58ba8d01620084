"""Documents and row tables in the state tables (SPEC 9.4; decision 0900).

``kentqa_docs`` holds every document of the write model and of each projection (sealed by the
store's cipher when encryption at rest is on); a deleted document is kept empty (a tombstone)
so that other processes' caches see it change. Each projection's row tables hold rows keyed by
the document they derive from (``doc_key``). This is the :class:`~kentqa_domain.readmodel.doc_source.DocSource`
a document session reads through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..readmodel.doc_source import DocWrite
from ..readmodel.tables import Table
from .sql_base import IN_CHUNK, TablesBase, _chunks


class DocTables(TablesBase):
    """Documents and row tables (see :mod:`kentqa_domain.state.sql`)."""

    def doc_keys(
        self, c: Any, owner: str, spaces: Sequence[str] | None, after: tuple[str, str] | None, limit: int
    ) -> list[tuple[str, str]]:
        """Up to ``limit`` (space, key) of the owner's documents (not the empty ones), in order,
        after ``after``; only in ``spaces`` when given."""
        where = "owner=? AND LENGTH(doc)>0"
        params: list[Any] = [owner]
        if spaces is not None:
            where += f" AND space IN ({','.join('?' * len(spaces))})"
            params += list(spaces)
        if after is not None:
            where += " AND (space>? OR (space=? AND key>?))"
            params += [after[0], after[0], after[1]]
        c.execute(
            self.sql(f"SELECT space, key FROM {self.docs} WHERE {where} ORDER BY space, key LIMIT ?"),
            (*params, limit),
        )
        return [(space, key) for space, key in map(self.row, c.fetchall())]

    # --- documents ------------------------------------------------------------------------

    def seal(self, data: bytes) -> bytes:
        return self.cipher.encrypt(data) if self.cipher else data

    def unseal(self, data: Any) -> bytes:
        data = bytes(data)
        return self.cipher.decrypt(data) if self.cipher and data else data

    def load_docs(self, owner: str, space: str, keys: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        with self.reading() as c:
            for chunk in _chunks(keys, IN_CHUNK):
                marks = ",".join("?" * len(chunk))
                c.execute(
                    self.sql(
                        f"SELECT key, doc FROM {self.docs} WHERE owner=? AND space=? AND key IN ({marks})"
                    ),
                    (owner, space, *chunk),
                )
                for key, doc in map(self.row, c.fetchall()):
                    if doc:  # an empty document is a deleted one (kept so that caches learn of it)
                        out[key] = self.unseal(doc)
        return out

    def scan_docs(self, owner: str, space: str, after: str | None, limit: int) -> list[tuple[str, bytes]]:
        with self.reading() as c:
            if after is None:
                c.execute(
                    self.sql(
                        f"SELECT key, doc FROM {self.docs} WHERE owner=? AND space=? ORDER BY key LIMIT ?"
                    ),
                    (owner, space, limit),
                )
            else:
                c.execute(
                    self.sql(
                        f"SELECT key, doc FROM {self.docs} WHERE owner=? AND space=? AND key>? ORDER BY key LIMIT ?"
                    ),
                    (owner, space, after, limit),
                )
            return [
                (key, self.unseal(doc)) if doc else (key, b"") for key, doc in map(self.row, c.fetchall())
            ]

    def changed_since(self, owner: str, position: int, limit: int) -> list[tuple[str, str]]:
        with self.reading() as c:
            c.execute(
                self.sql(f"SELECT space, key FROM {self.docs} WHERE owner=? AND position>? LIMIT ?"),
                (owner, position, limit),
            )
            return [(space, key) for space, key in map(self.row, c.fetchall())]

    def write_docs(self, c: Any, owner: str, position: int, writes: Iterable[DocWrite]) -> None:
        """Store changed documents at ``position``; a deleted one is kept empty (a tombstone),
        so that other processes' caches see it change (``changed_since``)."""
        upserts = [
            (owner, space, key, position, b"" if data is None else self.seal(data))
            for space, key, data in writes
        ]
        if upserts:
            c.executemany(
                self.sql(
                    f"INSERT INTO {self.docs} (owner, space, key, position, doc) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (owner, space, key) DO UPDATE SET position=excluded.position, doc=excluded.doc"
                ),
                upserts,
            )

    def delete_docs(
        self, c: Any, owner: str, *, prefix: str | None = None, position: int | None = None
    ) -> None:
        """Delete an owner's documents; with ``prefix``, those whose key starts with it, made
        empty at ``position`` (tombstones: other processes' caches see them change)."""
        if prefix is None:
            c.execute(self.sql(f"DELETE FROM {self.docs} WHERE owner=?"), (owner,))
        else:  # the keys from prefix up to prefix with its last character's successor
            end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            c.execute(
                self.sql(f"UPDATE {self.docs} SET doc=?, position=? WHERE owner=? AND key>=? AND key<?"),
                (b"", position or 0, owner, prefix, end),
            )

    # --- row tables -----------------------------------------------------------------------

    def write_rows(self, c: Any, table: Table, keys: Iterable[str], rows: Sequence[Sequence[Any]]) -> None:
        """Replace the rows of ``keys`` in ``table`` by ``rows`` (each ``(doc_key, *columns)``)."""
        name = self.qualify(table.name)
        c.executemany(self.sql(f"DELETE FROM {name} WHERE doc_key=?"), [(k,) for k in keys])
        if rows:
            marks = ", ".join("?" * (len(table.columns) + 1))
            c.executemany(
                self.sql(f"INSERT INTO {name} (doc_key, {', '.join(table.column_names)}) VALUES ({marks})"),
                rows,  # dates bind as ISO text (SQLite: the adapter below; PostgreSQL: as dates)
            )

    def blank_docs(self, c: Any, owner: str, position: int) -> None:
        """Every document of ``owner`` made empty at ``position`` (tombstones: other processes'
        caches see them change), before the owner's state is folded again in this transaction."""
        c.execute(self.sql(f"UPDATE {self.docs} SET doc=?, position=? WHERE owner=?"), (b"", position, owner))

    def clear_rows(self, c: Any, table: Table) -> None:
        c.execute(f"DELETE FROM {self.qualify(table.name)}")
