"""The tri-annual audit cycle: a cycle's audits, grades and trend, the QA unit and its triads,
and activity by day (R-AUD-1..4).

Each query selects the audits it needs from the audit projection's row tables
(``kentqa_audits``, ``kentqa_qa_unit``; docs/read-model.md) with indexed SQL and reads only
those documents: a cycle's queries read that cycle's audits, so they do not grow with the
years of history behind them (SPEC 9.4). The audit actions and thematic audits (R-AUD-5,
R-AUD-6) are :mod:`kentqa_domain.areas.audits.action_queries`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from ...access import Scope
from ...calendar import cycle_id_for, parse_cycle_id
from ...readmodel.view import View
from ...values import Grade
from .activity import ActivityByDay
from .events import AuditCompleted
from .grades import good_or_better, summarise_cycle
from .projection import Audits, cycle_of
from .rows import AuditCycle, CycleShare, TriadRecommendation
from .triad import recommend


def audits_of(view: View) -> Audits:
    """The audit projection of ``view`` (the documents every audit query reads)."""
    book: Audits = view.projection(Audits.name)
    return book


def scope_clause(
    view: View, scope: Scope, team_column: str, worker_column: str
) -> tuple[str, list[Any]] | None:
    """R-ACC-1 as SQL over a row table: what ``scope.allows(team_id=, worker_id=)`` keeps.

    None when nothing can be visible (a service or area with no team).
    """
    if scope.kind == "all":
        return "", []
    if scope.kind == "none":  # a principal who had left (decision 0105)
        return None
    if scope.kind == "own":
        return f" AND {worker_column} = ?", [scope.worker_id]
    if scope.kind == "team":
        return f" AND {team_column} = ?", [scope.team_id]
    field = "service" if scope.kind == "service" else "area"
    wanted = getattr(scope, field)
    teams = sorted(t for t, team in view.teams.items() if getattr(team, field) == wanted)
    if not teams:
        return None
    return f" AND {team_column} IN ({', '.join('?' * len(teams))})", teams


def _cycle_audits(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[AuditCompleted]:
    """R-AUD-1: the audits of ``cycle_id`` completed by ``as_of`` that ``as_worker`` may see:
    those completed in the cycle's months and those recorded for it (decision 0300)."""
    starts_on, ends_on = view.cycle_bounds(cycle_id)
    scoped = scope_clause(view, view.scope(as_worker, on=as_of), "team_id", "worker_id")
    if scoped is None:
        return []
    clause, params = scoped
    # the clauses are made here from constants; every value is a placeholder
    by_date = f"SELECT doc_key FROM kentqa_audits WHERE completed_on >= ? AND completed_on <= ?{clause}"  # noqa: S608
    by_tag = f"SELECT doc_key FROM kentqa_audits WHERE cycle_id = ? AND completed_on <= ?{clause}"  # noqa: S608
    keys = view.select(
        f"{by_date} UNION {by_tag}", [starts_on, min(ends_on, as_of), *params, cycle_id, as_of, *params]
    )
    ysm = view.policy.year_start_month
    found = audits_of(view).load([k for (k,) in keys])
    return [a for a in found if a.completed_on <= as_of and cycle_of(a, ysm) == cycle_id]


def audits(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[AuditCompleted]:
    """R-AUD-1: the audits of a cycle completed on or before ``as_of``, by date then id."""
    return _cycle_audits(view, cycle_id, as_of=as_of, as_worker=as_worker)


def completed_between(
    view: View, start: dt.date, end: dt.date, *, overall: Grade | None = None
) -> list[AuditCompleted]:
    """The audits completed in [start, end] (of one ``overall`` grade if given), by date then id."""
    sql = "SELECT doc_key FROM kentqa_audits WHERE completed_on >= ? AND completed_on <= ?"
    params: list[Any] = [start, end]
    if overall is not None:
        sql += " AND overall = ?"
        params.append(overall.value)
    return audits_of(view).load([k for (k,) in view.select(sql, params)])


def audit_cycle(view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None) -> AuditCycle:
    """R-AUD-1..3: a cycle's phase, its audits by kind and phase, and grades overall and by team,
    service and area (decision 0300)."""
    starts_on, ends_on = view.cycle_bounds(cycle_id)
    found = audits(view, cycle_id, as_of=as_of, as_worker=as_worker)
    return summarise_cycle(cycle_id, starts_on, ends_on, found, view.teams, as_of=as_of)


def good_or_better_trend(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[CycleShare]:
    """R-AUD-3 over time: the share good or better of every cycle up to ``cycle_id``, oldest first.

    Counted in SQL from ``kentqa_audits`` (graded audits by explicit cycle, month and grade;
    with the team and worker for a scoped principal): no audit is read, and the rows
    returned grow with the months of history, not with the audits.
    """
    view.cycle_bounds(cycle_id)
    scope = view.scope(as_worker, on=as_of)
    scoped = scope_clause(view, scope, "team_id", "worker_id")
    if scoped is None:
        return []
    clause, params = scoped
    where = f"WHERE graded = ? AND completed_on <= ?{clause}"
    counted = f"SELECT cycle_id, completed_month, overall, COUNT(*) FROM kentqa_audits {where} GROUP BY cycle_id, completed_month, overall"  # noqa: S608
    rows = view.select(counted, [True, as_of, *params])
    ysm = view.policy.year_start_month
    counts: dict[str, Counter[str]] = {}
    for tag, month, overall, n in rows:
        year, number = (int(part) for part in month.split("-"))
        cycle = tag or cycle_id_for(dt.date(year, number, 1), ysm)
        counts.setdefault(cycle, Counter())[overall] += n
    order = parse_cycle_id(cycle_id) or (0, 0)
    out = []
    for cycle in sorted(counts):
        if (parse_cycle_id(cycle) or (0, 0)) > order:
            continue
        graded, good, share = good_or_better({g.value: counts[cycle].get(g.value, 0) for g in Grade})
        out.append(CycleShare(cycle, graded, good, share))
    return out


def qa_unit(view: View, as_of: dt.date) -> list[str]:
    """R-AUD-4: qa_unit workers registered by ``as_of`` and not left by then, sorted by id."""
    rows = view.select(
        "SELECT worker_id FROM kentqa_qa_unit WHERE registered_on <= ? AND (left_on IS NULL OR left_on > ?) "
        "ORDER BY worker_id",
        [as_of, as_of],
    )
    return [w for (w,) in rows]


def triad_recommendations(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[TriadRecommendation]:
    """R-AUD-4: auditor pairs whose grades of the same cases differ, ranked (decision 0606 for R-ACC-1)."""
    if not view.sees_everything(as_worker, on=as_of):
        return []
    found = _cycle_audits(view, cycle_id, as_of=as_of)
    return recommend(found, qa_unit(view, as_of))


def activity(view: View, start: dt.date, end: dt.date) -> dict[str, int]:
    """Events whose business date falls in [start, end], by type (for "how do we know it")."""
    counts: dict[str, int] = view.projection(ActivityByDay.name).events_between(start, end)
    return counts


def themes_raised(view: View, start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
    """(source, theme) -> complaints, compliments and feedback raising it in [start, end]."""
    counts: dict[tuple[str, str], int] = view.projection(ActivityByDay.name).themes_between(start, end)
    return counts
