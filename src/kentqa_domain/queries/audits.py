"""The tri-annual audit cycle: audits, grades, triads, actions, thematic audits, activity (R-AUD-1..6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..calendar import parse_cycle_id
from ..events import AuditCompleted
from ..projections import ActivityByDay, AuditLedger
from ..projections.audit_actions import action_rows, thematic_rows
from ..projections.audit_grades import shares_by_cycle, summarise_cycle
from ..projections.audit_rows import (
    AuditActionRow,
    AuditCycle,
    CycleShare,
    ThematicAuditRow,
    TriadRecommendation,
)
from ..projections.triad import recommend
from .view import View


def _book(view: View) -> AuditLedger:
    book: AuditLedger = view.projection(AuditLedger.name)
    return book


def _scoped(view: View, audits: Iterable[AuditCompleted], as_worker: str | None) -> list[AuditCompleted]:
    """R-ACC-1: the audits ``as_worker`` may see (by the audited team and worker)."""
    scope = view.scope(as_worker)
    teams = view.teams
    return [a for a in audits if scope.allows(team_id=a.team_id, worker_id=a.worker_id, teams=teams)]


def audits(view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None) -> list[AuditCompleted]:
    """R-AUD-1: the audits of a cycle completed on or before ``as_of``, by date then id."""
    view.cycle_bounds(cycle_id)
    found = _book(view).audits_in(cycle_id, year_start_month=view.policy.year_start_month, as_of=as_of)
    return _scoped(view, found, as_worker)


def audit_cycle(view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None) -> AuditCycle:
    """R-AUD-1..3: a cycle's phase, its audits by kind and phase, and grades overall and by team,
    service and area (decision 0300)."""
    starts_on, ends_on = view.cycle_bounds(cycle_id)
    found = audits(view, cycle_id, as_of=as_of, as_worker=as_worker)
    return summarise_cycle(cycle_id, starts_on, ends_on, found, view.teams, as_of=as_of)


def good_or_better_trend(view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None) -> list[CycleShare]:
    """R-AUD-3 over time: the share good or better of every cycle up to ``cycle_id``, oldest first."""
    view.cycle_bounds(cycle_id)
    book = _book(view)
    ysm = view.policy.year_start_month
    found = _scoped(view, book.audits_until(as_of), as_worker)
    order = parse_cycle_id(cycle_id)
    return [
        share
        for share in shares_by_cycle(found, lambda a: book.cycle_of(a, ysm))
        if (parse_cycle_id(share.cycle_id) or (0, 0)) <= (order or (0, 0))
    ]


def triad_recommendations(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[TriadRecommendation]:
    """R-AUD-4: auditor pairs whose grades of the same cases differ, ranked (decision 0606 for R-ACC-1)."""
    if not view.sees_everything(as_worker):
        return []
    view.cycle_bounds(cycle_id)
    book = _book(view)
    found = book.audits_in(cycle_id, year_start_month=view.policy.year_start_month, as_of=as_of)
    return recommend(found, book.current_qa_unit(as_of))


def audit_actions(
    view: View, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
) -> list[AuditActionRow]:
    """R-AUD-5: the actions of the audits completed by ``as_of``: open, overdue or completed."""
    book = _book(view)
    ysm = view.policy.year_start_month
    if cycle_id is None:
        found: Iterable[AuditCompleted] = book.audits_until(as_of)
    else:
        view.cycle_bounds(cycle_id)
        found = book.audits_in(cycle_id, year_start_month=ysm, as_of=as_of)
    rows = action_rows(found, book.action_completions, lambda a: book.cycle_of(a, ysm), view.policy.calendar, as_of=as_of)
    scope = view.scope(as_worker)
    teams = view.teams
    return [r for r in rows if scope.allows(team_id=r.team_id, worker_id=r.owner_id, teams=teams)]


def thematic_audits(
    view: View, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
) -> list[ThematicAuditRow]:
    """R-AUD-6: thematic audits agreed by ``as_of`` and their progress (organisation-wide, decision 0606)."""
    if not view.sees_everything(as_worker):
        return []
    book = _book(view)
    rows = thematic_rows(book.themes.values(), book.audits_until(as_of), as_of=as_of)
    if cycle_id is None:
        return rows
    starts_on, ends_on = view.cycle_bounds(cycle_id)
    return [
        r for r in rows if r.agreed_on <= ends_on and (r.first_completed_on is None or r.first_completed_on >= starts_on)
    ]


def activity(view: View, start: dt.date, end: dt.date) -> dict[str, int]:
    """Events whose business date falls in [start, end], by type (for "how do we know it")."""
    counts: dict[str, int] = view.projection(ActivityByDay.name).events_between(start, end)
    return counts


def themes_raised(view: View, start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
    """(source, theme) -> complaints, compliments and feedback raising it in [start, end]."""
    counts: dict[tuple[str, str], int] = view.projection(ActivityByDay.name).themes_between(start, end)
    return counts
