"""Observation of practice: compliance, summaries and the annual learning view (R-OBS-1..5, R-ACC-1)."""

from __future__ import annotations

import datetime as dt

from ...access import Scope
from ...errors import UnknownReference
from ...readmodel import arguments
from ...readmodel.view import View
from ...values import ObservationSetting, Role
from .facts import LEARNING_AREAS
from .projection import ObservationCompliance
from .rows import Grouping, ObservationComplianceRow, ObservationLearningRow, ObservationSummaryRow
from .standing import compliance_row
from .summary import learning, summarise
from .tables import OBSERVATIONS, PERIODS


def observation_compliance(
    view: View, *, as_of: dt.date, as_worker: str | None = None, team: str | None = None
) -> list[ObservationComplianceRow]:
    """R-OBS-1..5: one row per current practitioner on ``as_of``, sorted by team then worker."""
    return _compliance(view, "observation_compliance", as_of, as_worker, team)


def observation_summary(
    view: View,
    *,
    as_of: dt.date,
    by: Grouping | str = Grouping.TEAM,
    as_worker: str | None = None,
    team: str | None = None,
) -> list[ObservationSummaryRow]:
    """Observation compliance counted by ``team``, ``service`` or ``area`` (R-OBS-4, R-OBS-5)."""
    grouping = arguments.choice("observation_summary", Grouping, by, "by")
    rows = _compliance(view, "observation_summary", as_of, as_worker, team)
    return summarise(rows, grouping, _projection(view).teams)


#: The observations of a period, by the ``observed_on`` index: who, which team, the grades.
OBSERVATIONS_OF_PERIOD = (
    f"SELECT worker_id, team_id, {', '.join(LEARNING_AREAS)} FROM {OBSERVATIONS.name} "  # noqa: S608 (constants)
    "WHERE observed_on >= ? AND observed_on <= ?"
)


def observation_learning(
    view: View,
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date | None = None,
    as_worker: str | None = None,
    team: str | None = None,
    setting: ObservationSetting | str | None = None,
) -> list[ObservationLearningRow]:
    """Framework 4.5 annual learning: judgements per area, then overall, of the observations
    dated ``start``..``end`` (an observation belongs to the team its worker was in on the day).

    Reads the rows of ``kentqa_observations`` dated in the period (by index), never earlier ones.
    """
    query = "observation_learning"
    start, end = arguments.period(query, start, end, as_of)
    chosen_setting = (
        None if setting is None else arguments.choice(query, ObservationSetting, setting, "setting")
    )
    obs = _projection(view)
    _check_team(query, obs, team)
    scope = _scope(view, query, obs, as_worker, end)
    if scope is None:
        return learning(())
    statement = OBSERVATIONS_OF_PERIOD
    params: list[object] = [start, end]
    if chosen_setting is not None:
        statement += " AND setting = ?"
        params.append(chosen_setting.value)
    if team is not None:
        statement += " AND team_id = ?"
        params.append(team)
    teams = obs.teams
    chosen = [
        grades
        for worker_id, team_then, *grades in view.select(statement, params)
        if scope.allows(team_id=team_then, worker_id=worker_id, teams=teams)
    ]
    return learning(chosen)


#: The practitioners current on a day (R-OBS-5; SPEC 9.3): a period in post as a practitioner
#: holds the day (periods of a worker never overlap: one row each). The ``until_on`` index
#: keeps periods ended on earlier days (leavers long
#: gone, practitioners long promoted) out of the rows visited (no ORDER BY: it would tempt
#: SQLite to walk the whole table in key order).
CURRENT_PRACTITIONERS = (
    f"SELECT doc_key FROM {PERIODS.name} WHERE (until_on IS NULL OR until_on > ?) "  # noqa: S608 (constants)
    "AND from_on <= ? AND role = ?"
)
#: Worker documents read at a time.
_CHUNK = 1_000


def current_practitioners(view: View, day: dt.date) -> list[str]:
    """The ids of the practitioners current on ``day`` (from ``kentqa_worker_periods``, by index)."""
    return sorted(key for (key,) in view.select(CURRENT_PRACTITIONERS, (day, day, Role.PRACTITIONER.value)))


def _compliance(
    view: View, query: str, as_of: object, as_worker: str | None, team: str | None
) -> list[ObservationComplianceRow]:
    day = arguments.date(query, "as_of", as_of)
    obs = _projection(view)
    _check_team(query, obs, team)
    scope = _scope(view, query, obs, as_worker, day)
    if scope is None:
        return []
    teams = obs.teams
    rows = []
    keys = current_practitioners(view, day)
    if scope.kind == "own":  # a practitioner sees their own row only: read no one else's document
        keys = [key for key in keys if key == scope.worker_id]
    for at in range(0, len(keys), _CHUNK):
        chunk = keys[at : at + _CHUNK]
        obs.workers.prefetch(chunk)
        for key in chunk:
            row = compliance_row(obs.workers[key], day, view.policy)
            if row is None:
                continue
            if (team is None or row.team_id == team) and scope.allows(
                team_id=row.team_id, worker_id=row.worker_id, teams=teams
            ):
                rows.append(row)
    rows.sort(key=lambda r: (r.team_id, r.worker_id))
    return rows


def _projection(view: View) -> ObservationCompliance:
    found: ObservationCompliance = view.projection(ObservationCompliance.name)
    return found


def _check_team(query: str, obs: ObservationCompliance, team: str | None) -> None:
    if team is not None and team not in obs.teams:
        raise UnknownReference(query, "team", "reference", f"team {team!r} was never registered")


def _scope(
    view: View, query: str, obs: ObservationCompliance, as_worker: str | None, as_of: dt.date
) -> Scope | None:
    """R-ACC-1 for the observation queries: the principal's role, and their team (and its
    service and area) on ``as_of``; None (nothing visible) if they had left by then."""
    if as_worker is None:
        return Scope.everything()
    principal = obs.workers.get(as_worker)
    if principal is None or not principal.registered:
        raise UnknownReference(query, "as", "reference", f"worker {as_worker!r} was never registered")
    day = as_of.toordinal()
    if view.scope(as_worker, on=as_of).kind == "none":  # left by as_of: decided in access.scope_for
        return None
    team_id = principal.team_on(day)
    team = obs.teams.get(team_id)
    return Scope(
        as_worker,
        view.policy.access.get(principal.role, "own"),
        team_id=team_id,
        service=team.service if team else None,
        area=team.area if team else None,
    )
