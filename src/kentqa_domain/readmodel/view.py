"""What queries read: a view of the state at one position, never the application (SPEC 9.4).

A :class:`View` is made by the façade after catching up; queries, reports and notification
sources take it (or the :class:`~kentqa_domain.queries.Queries` bound to it) and read the
projections, the organisation (for R-ACC-1) and the policy. Nothing here records or writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from ..access import Scope, scope_for
from ..calendar import cycle_bounds as _cycle_bounds
from ..calendar import parse_cycle_id
from ..errors import InvalidInput
from ..policy import Policy


class View:
    """The state a query reads: the projections, the write model's organisation (teams and
    workers, for scoping) and the policy, at ``position`` (one snapshot of the store)."""

    def __init__(
        self,
        projections: Any,
        policy: Policy,
        position: int,
        *,
        revealer: Any = None,
        book: Any = None,
    ) -> None:
        self._projections = projections
        self.policy = policy
        self.position = position
        #: token/pseudonym -> the child's reference or original id (``state.reveal.Revealer``)
        self.revealer = revealer
        self._book = book

    def select(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only SQL query over the projections' row tables (``?`` placeholders,
        SQL that SQLite and PostgreSQL both accept; dates come back as :func:`as_date` reads them)."""
        rows: list[tuple[Any, ...]] = self._projections.tables.select(statement, params)
        return rows

    def projection(self, name: str) -> Any:
        """A projection by name (its state is in the store)."""
        return self._projections[name]

    @property
    def write_model(self) -> Any:
        """The write model (teams and workers for R-ACC-1)."""
        return self._book

    @property
    def teams(self) -> Any:
        return self._book.teams

    def scope(self, as_worker: str | None, *, on: dt.date) -> Scope:
        """R-ACC-1: what ``as_worker`` may see on the day ``on`` (None: everything; a
        principal who had left by ``on`` sees nothing, decision 0105)."""
        book = self.write_model
        return scope_for(as_worker, on=on, workers=book.workers, teams=book.teams, access=self.policy.access)

    def team_filter(self, as_worker: str | None, *, on: dt.date) -> Callable[[str | None], bool]:
        """R-ACC-1: a predicate on a row's team for ``as_worker`` on the day ``on`` (rows without
        a team: all-seeing only; a principal who had left by ``on``: nothing, decision 0105)."""
        scope = self.scope(as_worker, on=on)
        teams = self.teams
        return lambda team_id: scope.allows(team_id=team_id, teams=teams)

    def sees_everything(self, as_worker: str | None, *, on: dt.date) -> bool:
        """R-ACC-1 for organisation-wide rows (of no team): only principals who see everything."""
        return self.scope(as_worker, on=on).kind == "all"

    def cycle_bounds(self, cycle_id: str) -> tuple[dt.date, dt.date]:
        """R-AUD-1: first and last day of a cycle under this policy; a malformed id is refused."""
        if not isinstance(cycle_id, str) or parse_cycle_id(cycle_id) is None:
            raise InvalidInput("query", "cycle_id", "R-AUD-1", f"{cycle_id!r} is not a cycle id like 2026-T2")
        return _cycle_bounds(cycle_id, self.policy.year_start_month)

    def visible(self, scope: Scope, *parties: tuple[str | None, str | None]) -> bool:
        """R-ACC-1: a row concerning several (team, worker) parties is visible if any of them is."""
        teams = self.teams
        return any(scope.allows(team_id=team, worker_id=worker, teams=teams) for team, worker in parties)
