"""R-AUD-2 and R-AUD-3: a cycle's phase, its audits by kind and phase, and its grade distributions.

Pure functions of the cycle's audits, the teams (for service and area) and ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from ...calendar import add_months
from ...values import AuditKind, Grade
from . import events as ev
from .rows import PHASE_KINDS, AuditCycle, CycleBreakdown, CycleShare, PhaseSummary

#: How a breakdown row is labelled when an audit names a team never registered.
UNREGISTERED = "(unregistered team)"


class TeamLike(Protocol):
    name: str
    service: str
    area: str


def phase_on(day: dt.date, starts_on: dt.date, ends_on: dt.date) -> int | None:
    """R-AUD-2: the month of the cycle ``day`` falls in, 1..4; None outside the cycle."""
    if not starts_on <= day <= ends_on:
        return None
    return (day.year - starts_on.year) * 12 + day.month - starts_on.month + 1


def phase_bounds(starts_on: dt.date, phase: int) -> tuple[dt.date, dt.date]:
    """First and last day of phase ``phase`` (1..4) of a cycle starting on ``starts_on``."""
    first = add_months(starts_on, phase - 1)
    return first, add_months(first, 1) - dt.timedelta(days=1)


def grade_counts(audits: Iterable[ev.AuditCompleted]) -> dict[str, int]:
    """R-AUD-3: overall grades of the graded kinds (practitioner, peer, thematic, multi-agency)."""
    counts = Counter(a.overall for a in audits if a.kind.graded and a.overall is not None)
    return {g.value: counts.get(g, 0) for g in Grade}


def good_or_better(grades: Mapping[str, int]) -> tuple[int, int, float | None]:
    """(graded, good or better, share) from a grade distribution; the share is None for none."""
    graded = sum(grades.values())
    good = sum(n for g, n in grades.items() if Grade(g).good_or_better)
    return graded, good, (good / graded if graded else None)


def kind_counts(audits: Iterable[ev.AuditCompleted]) -> dict[str, int]:
    """Audits by kind, every kind present (zeros included) so charts and tables keep a shape."""
    counts = Counter(a.kind for a in audits)
    return {k.value: counts.get(k, 0) for k in AuditKind}


def summarise_cycle(
    cycle_id: str,
    starts_on: dt.date,
    ends_on: dt.date,
    audits: list[ev.AuditCompleted],
    teams: Mapping[str, TeamLike],
    *,
    as_of: dt.date,
) -> AuditCycle:
    """R-AUD-2/3: ``audit_cycle`` from the cycle's audits completed by ``as_of``."""
    grades = grade_counts(audits)
    graded, good, share = good_or_better(grades)
    phase = phase_on(as_of, starts_on, ends_on)
    keys = _keys(teams)
    return AuditCycle(
        cycle_id=cycle_id,
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=as_of,
        phase=phase,
        phase_kind=PHASE_KINDS[phase] if phase else None,
        audits=len(audits),
        audits_by_kind=kind_counts(audits),
        graded=graded,
        grades=grades,
        good_or_better=good,
        good_or_better_share=share,
        by_team=_breakdown(audits, keys["team"], lambda k: teams[k].name if k in teams else k),
        by_service=_breakdown(audits, keys["service"]),
        by_area=_breakdown(audits, keys["area"]),
        phases=tuple(_phase(p, starts_on, audits, keys) for p in PHASE_KINDS),
    )


def shares_by_cycle(
    audits: Iterable[ev.AuditCompleted], cycle_of: Callable[[ev.AuditCompleted], str]
) -> list[CycleShare]:
    """R-AUD-3 over time: the share good or better in each cycle with graded audits, in order."""
    by_cycle: dict[str, list[ev.AuditCompleted]] = {}
    for audit in audits:
        if audit.kind.graded:
            by_cycle.setdefault(cycle_of(audit), []).append(audit)
    out = []
    for cycle_id in sorted(by_cycle):
        graded, good, share = good_or_better(grade_counts(by_cycle[cycle_id]))
        out.append(CycleShare(cycle_id, graded, good, share))
    return out


Key = Callable[[ev.AuditCompleted], str]


def _keys(teams: Mapping[str, TeamLike]) -> dict[str, Key]:
    def service(a: ev.AuditCompleted) -> str:
        team = teams.get(a.team_id)
        return team.service if team else UNREGISTERED

    def area(a: ev.AuditCompleted) -> str:
        team = teams.get(a.team_id)
        return team.area if team else UNREGISTERED

    return {"team": lambda a: a.team_id, "service": service, "area": area}


def _breakdown(
    audits: list[ev.AuditCompleted], key: Key, label: Callable[[str], str] = str
) -> tuple[CycleBreakdown, ...]:
    groups: dict[str, list[ev.AuditCompleted]] = {}
    for audit in audits:
        groups.setdefault(key(audit), []).append(audit)
    rows = []
    for name in sorted(groups):
        members = groups[name]
        grades = grade_counts(members)
        graded, good, share = good_or_better(grades)
        rows.append(
            CycleBreakdown(
                key=name,
                label=label(name),
                audits=len(members),
                audits_by_kind=kind_counts(members),
                graded=graded,
                grades=grades,
                good_or_better=good,
                good_or_better_share=share,
            )
        )
    return tuple(rows)


def _phase(
    phase: int, starts_on: dt.date, audits: list[ev.AuditCompleted], keys: Mapping[str, Key]
) -> PhaseSummary:
    kind = PHASE_KINDS[phase]
    first, last = phase_bounds(starts_on, phase)
    done = [a for a in audits if a.kind is kind]

    def tally(key: Key) -> dict[str, int]:
        return dict(sorted(Counter(key(a) for a in done).items()))

    return PhaseSummary(
        phase=phase,
        kind=kind,
        starts_on=first,
        ends_on=last,
        completed=len(done),
        completed_in_phase=sum(1 for a in done if first <= a.completed_on <= last),
        by_team=tally(keys["team"]),
        by_service=tally(keys["service"]),
        by_area=tally(keys["area"]),
    )
