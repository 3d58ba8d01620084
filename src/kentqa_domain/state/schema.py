"""The state tables created: the fixed tables, each projection's row tables and the analysts' views (SPEC 9.4).

DDL in one transaction per call, retried when another process creates the same store at the
same moment; a view already as written is left alone (a process that only reads must open a
store another process is writing to).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

import stamina
from eventsourcing import persistence as es
from eventsourcing.persistence import IntegrityError

from ..readmodel.tables import Table
from .sql_base import TablesBase


class SchemaTables(TablesBase):
    """The schema of the state tables (see :mod:`kentqa_domain.state.sql`)."""

    def create(self) -> None:
        b = self.blob
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.docs} (owner TEXT NOT NULL, space TEXT NOT NULL, "
            f"key TEXT NOT NULL, position {self.bigint} NOT NULL, doc {b} NOT NULL, "
            "PRIMARY KEY (owner, space, key))",
            f'CREATE INDEX IF NOT EXISTS "kentqa_docs_changes" ON {self.docs} (owner, position)',
            f"CREATE TABLE IF NOT EXISTS {self.identities} (key {self.bigint} PRIMARY KEY, "
            f"position {self.bigint} NOT NULL, digest {self.bigint} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.projections} (name TEXT PRIMARY KEY, "
            f"version INTEGER NOT NULL, position {self.bigint} NOT NULL, rebuilding INTEGER NOT NULL DEFAULT 0)",
            f"CREATE TABLE IF NOT EXISTS {self.corrections} (position {self.bigint} PRIMARY KEY, "
            f"chain {self.bigint} NOT NULL, fold_as {self.bigint} NOT NULL, identity {self.bigint} NOT NULL, "
            f"digest {self.bigint} NOT NULL, mark {self.bigint} NOT NULL)",
            f'CREATE INDEX IF NOT EXISTS "kentqa_corrections_identity" ON {self.corrections} (identity)',
        ]
        self._execute_schema(statements)

    def create_table(self, table: Table) -> None:
        if table.name in self._created:
            return
        columns = ", ".join(f"{c.name} {self.column_type(c.type)}" for c in table.columns)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.qualify(table.name)} (doc_key TEXT NOT NULL, {columns})"
        ]
        statements.append(
            f'CREATE INDEX IF NOT EXISTS "{table.name}_by_key" ON {self.qualify(table.name)} (doc_key)'
        )
        for n, index in enumerate(table.indexes):
            statements.append(
                f'CREATE INDEX IF NOT EXISTS "{table.name}_i{n}" ON {self.qualify(table.name)} ({", ".join(index)})'
            )
        self._execute_schema(statements)
        self._created.add(table.name)

    def create_view(self, view: Any) -> None:
        """Make (or replace) an analysts' view; ``{table}`` names in its SELECT are qualified."""
        if view.name in self._created:
            return
        select = re.sub(r"\{(kentqa_\w+)\}", lambda m: self.qualify(m.group(1)), view.select)
        name = self.qualify(view.name)
        # A view already as written is left alone: replacing it takes the write lock, and a
        # process that only reads must open a store another process is writing to.
        if not self._view_is(view.name, name, select):
            self._execute_schema(
                self._view_statements(name, select),
                still_needed=lambda: not self._view_is(view.name, name, select),
            )
        self._created.add(view.name)

    def _view_statements(self, name: str, select: str) -> list[str]:
        return [f"DROP VIEW IF EXISTS {name}", f"CREATE VIEW {name} AS {select}"]

    def _view_is(self, bare: str, name: str, select: str) -> bool:
        """Whether the store's view ``bare`` is already defined by ``select``."""
        rows = self.select("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", (bare,))
        return bool(rows) and rows[0][0] == f"CREATE VIEW {name} AS {select}"

    def _execute_schema(
        self, statements: Sequence[str], *, still_needed: Callable[[], bool] = lambda: True
    ) -> None:
        """Run schema statements in one transaction, retried (with backoff, up to 10 s) when
        another process is creating the same store at the same moment: PostgreSQL then raises
        ``IntegrityError`` for the same table; SQLite refuses to upgrade a transaction that has
        read the schema to a write ("database is locked") without waiting. Before a retry,
        ``still_needed`` asks whether the other process has already done it."""
        for attempt in stamina.retry_context(
            on=_schema_race, attempts=10, timeout=10.0, wait_initial=0.02, wait_max=1.0
        ):
            with attempt:
                if attempt.num > 1 and not still_needed():
                    return
                with self.datastore.transaction(commit=True) as c:
                    for statement in statements:
                        c.execute(statement)


def _view_mark(select: str) -> str:
    return "kentqa view " + hashlib.sha256(select.encode()).hexdigest()


def _schema_race(exc: Exception) -> bool:
    """Whether ``exc`` is another process creating the same schema at the same moment."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, es.OperationalError) and "locked" in str(exc)
