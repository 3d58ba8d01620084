"""R-ACC-1: who may see which rows, by the policy's permissions matrix.

A principal is a registered worker (id and role). A practitioner sees their own rows, a
team manager their team, a service manager their service, an assistant director their
area; qa_unit, principal social worker and director see all (policy ``access``).
Rows say which team (and, for worker rows, which worker) they belong to; queries filter
with :meth:`Scope.allows`.

A principal who has left by the day a query is about sees nothing (decision 0105, issue 17
finding 11): :func:`scope_for` is the one place that decides it, and every query passes it
the day (its ``as_of``, or the end of its period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

import attrs

from .errors import UnknownReference
from .values import Role


class _TeamLike(Protocol):
    service: str
    area: str


class _Teams(Protocol):
    """Teams by id: a ``dict``, or a projection's map of documents (``DocMap``)."""

    def get(self, team_id: str, /) -> _TeamLike | None: ...


class _WorkerLike(Protocol):
    team_id: str
    role: Role
    left_on: dt.date | None


@attrs.frozen
class Scope:
    """What one principal may see. ``kind`` is own, team, service, area, all, or none (a
    principal who had left by the query's day: decision 0105)."""

    worker_id: str | None
    kind: str
    team_id: str | None = None
    service: str | None = None
    area: str | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None, "all")

    @classmethod
    def nothing(cls, worker_id: str | None) -> Scope:
        """R-ACC-1, decision 0105: the scope of a principal who has left: no row at all."""
        return cls(worker_id, "none")

    def allows(
        self,
        *,
        team_id: str | None,
        worker_id: str | None = None,
        teams: _Teams,
    ) -> bool:
        """Whether a row about ``team_id`` (and ``worker_id``) is visible in this scope."""
        if self.kind == "all":
            return True
        if self.kind == "none":
            return False
        if self.kind == "own":
            return worker_id is not None and worker_id == self.worker_id
        if team_id is None:
            return False
        if self.kind == "team":
            return team_id == self.team_id
        team = teams.get(team_id)
        if team is None:
            return False
        if self.kind == "service":
            return team.service == self.service
        return team.area == self.area


def scope_for(
    worker_id: str | None,
    *,
    on: dt.date,
    workers: Mapping[str, _WorkerLike],
    teams: _Teams,
    access: Mapping[Role, str],
) -> Scope:
    """The scope of ``worker_id`` on the day ``on`` (None: everything, for trusted callers
    and scripts). R-ACC-1; decision 0105: a worker whose ``WorkerLeft`` is dated on or before
    ``on`` sees nothing (:meth:`Scope.nothing`), whatever their role, until they rejoin (SPEC
    9.3: a day between a leaving and the rejoining after it sees nothing); a worker never
    registered is refused (``UnknownReference`` naming ``as``)."""
    if worker_id is None:
        return Scope.everything()
    worker = workers.get(worker_id)
    if worker is None:
        raise UnknownReference("query", "as", "reference", f"worker {worker_id!r} was never registered")
    if worker.left_on is not None and worker.left_on <= on:
        return Scope.nothing(worker_id)
    # SPEC 9.3: a rejoiner sees nothing on the days they were away (from leaving to rejoining)
    if any(left <= on < back for left, back in getattr(worker, "absences", ())):
        return Scope.nothing(worker_id)
    kind = access.get(worker.role, "own")
    team = teams.get(worker.team_id)
    return Scope(
        worker_id,
        kind,
        team_id=worker.team_id,
        service=team.service if team else None,
        area=team.area if team else None,
    )
