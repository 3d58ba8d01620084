"""Oracles for the audit cycle: plain, obviously-correct functions over the list of events.

They share nothing with the code under test but the event classes, the enums and
``cycle_id_for`` / ``cycle_bounds`` (themselves tested against a day-by-day walk in
tests/unit). Each reads SPEC section 4 literally.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction
from functools import cmp_to_key
from typing import Any

from kentqa_domain import events as ev
from kentqa_domain.calendar import WorkingCalendar, cycle_bounds, cycle_id_for

SCORES = {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}
GRADED = {"practitioner", "peer", "thematic", "multi_agency"}


def cycle_audits(events: list[Any], cycle_id: str, as_of: dt.date, ysm: int = 4) -> list[ev.AuditCompleted]:
    """R-AUD-1 and decision 0300: an explicit cycle_id wins, else the cycle of completed_on."""
    out = []
    for e in events:
        if isinstance(e, ev.AuditCompleted) and e.completed_on <= as_of:
            own = e.cycle_id if e.cycle_id is not None else cycle_id_for(e.completed_on, ysm)
            if own == cycle_id:
                out.append(e)
    return out


def teams_of(events: list[Any]) -> dict[str, tuple[str, str, str]]:
    return {e.team_id: (e.name, e.service, e.area) for e in events if isinstance(e, ev.TeamRegistered)}


def grade_share(audits: list[ev.AuditCompleted]) -> tuple[dict[str, int], float | None]:
    """R-AUD-3: grade counts of graded kinds, and good-or-better / graded (None if none)."""
    counts = {"outstanding": 0, "good": 0, "requires_improvement": 0, "inadequate": 0}
    for a in audits:
        if a.kind.value in GRADED:
            counts[a.overall.value] += 1  # type: ignore[union-attr]
    total = sum(counts.values())
    good = counts["outstanding"] + counts["good"]
    return counts, (good / total if total else None)


def breakdown(
    events: list[Any], audits: list[ev.AuditCompleted], by: str
) -> dict[str, tuple[int, dict[str, int], float | None]]:
    """key -> (audits, grade counts, share) with key the team id, service or area."""
    teams = teams_of(events)
    groups: dict[str, list[ev.AuditCompleted]] = defaultdict(list)
    for a in audits:
        if by == "team":
            key = a.team_id
        elif a.team_id not in teams:
            key = "(unregistered team)"
        else:
            key = teams[a.team_id][1 if by == "service" else 2]
        groups[key].append(a)
    return {k: (len(v), *grade_share(v)) for k, v in groups.items()}


def phase(day: dt.date, cycle_id: str, ysm: int = 4) -> int | None:
    """R-AUD-2 by walking the cycle month by month."""
    start, end = cycle_bounds(cycle_id, ysm)
    if not start <= day <= end:
        return None
    number, month = 1, start
    while (month.year, month.month) != (day.year, day.month):
        number += 1
        month = (month.replace(day=28) + dt.timedelta(days=7)).replace(day=1)
    return number


def current_qa_unit(events: list[Any], as_of: dt.date) -> list[str]:
    left = {e.worker_id: e.left_on for e in events if isinstance(e, ev.WorkerLeft)}
    return sorted(
        e.worker_id
        for e in events
        if isinstance(e, ev.WorkerRegistered)
        and e.role.value == "qa_unit"
        and e.registered_on <= as_of
        and not (e.worker_id in left and left[e.worker_id] <= as_of)
    )


def triad(
    events: list[Any], cycle_id: str, as_of: dt.date, ysm: int = 4
) -> list[tuple[str, str, Fraction, int, str | None]]:
    """R-AUD-4 with decision 0301 (latest audit of each kind per case), ranked with a comparator."""
    latest: dict[tuple[str, str], ev.AuditCompleted] = {}
    for audit in sorted(
        cycle_audits(events, cycle_id, as_of, ysm), key=lambda x: (x.completed_on, x.audit_id)
    ):
        if audit.kind.value in ("practitioner", "peer"):
            latest[(audit.case_ref, audit.kind.value)] = audit  # type: ignore[index]
    gaps: dict[tuple[str, str], list[int]] = defaultdict(list)
    for case in {case for case, _ in latest}:
        p, q = latest.get((case, "practitioner")), latest.get((case, "peer"))
        if p is None or q is None or p.auditor_id == q.auditor_id:
            continue
        a, b = min(p.auditor_id, q.auditor_id), max(p.auditor_id, q.auditor_id)
        gaps[(a, b)].append(abs(SCORES[p.overall.value] - SCORES[q.overall.value]))  # type: ignore[union-attr]
    rows = [(a, b, Fraction(sum(g), len(g)), len(g)) for (a, b), g in gaps.items() if sum(g) > 0]

    def first(x: tuple[str, str, Fraction, int], y: tuple[str, str, Fraction, int]) -> int:
        if x[2] != y[2]:
            return -1 if x[2] > y[2] else 1
        if x[3] != y[3]:
            return -1 if x[3] > y[3] else 1
        return -1 if (x[0], x[1]) < (y[0], y[1]) else 1

    rows.sort(key=cmp_to_key(first))
    members = current_qa_unit(events, as_of)
    return [
        (a, b, m, n, members[i % len(members)] if members else None) for i, (a, b, m, n) in enumerate(rows)
    ]


def actions(events: list[Any], as_of: dt.date) -> dict[tuple[str, str], tuple[str, int]]:
    """R-AUD-5: (audit, action) -> (status, working days overdue) at as_of."""
    done = {
        (e.audit_id, e.action_id): e.completed_on for e in events if isinstance(e, ev.AuditActionCompleted)
    }
    cal = WorkingCalendar()
    out = {}
    for a in events:
        if not isinstance(a, ev.AuditCompleted) or a.completed_on > as_of:
            continue
        for action in a.actions:
            finished = done.get((a.audit_id, action.action_id))
            if finished is not None and finished <= as_of:
                out[(a.audit_id, action.action_id)] = ("completed", 0)
            elif as_of > action.due_on:
                days = sum(
                    1
                    for n in range(1, (as_of - action.due_on).days + 1)
                    if cal.is_working_day(action.due_on + dt.timedelta(days=n))
                )
                out[(a.audit_id, action.action_id)] = ("overdue", days)
            else:
                out[(a.audit_id, action.action_id)] = ("open", 0)
    return out


def own_cycle(audit: ev.AuditCompleted, ysm: int = 4) -> str:
    return audit.cycle_id if audit.cycle_id is not None else cycle_id_for(audit.completed_on, ysm)


def action_register(
    events: list[Any],
    as_of: dt.date,
    *,
    states: set[str] | None = None,
    since: dt.date | None = None,
    cycle_id: str | None = None,
) -> list[tuple[str, str, str]]:
    """R-AUD-5 as a register: (audit, action, status) of the actions raised by as_of, filtered
    by status, raising date and the audit's cycle, by due date then ids."""
    status = actions(events, as_of)
    rows = []
    for a in events:
        if not isinstance(a, ev.AuditCompleted) or a.completed_on > as_of:
            continue
        if since is not None and a.completed_on < since:
            continue
        if cycle_id is not None and own_cycle(a) != cycle_id:
            continue
        for action in a.actions:
            state = status[(a.audit_id, action.action_id)][0]
            if states is None or state in states:
                rows.append((action.due_on, a.audit_id, action.action_id, state))
    return [(audit, action, state) for _due, audit, action, state in sorted(rows)]


def trend(events: list[Any], cycle_id: str, as_of: dt.date) -> list[tuple[str, int, int, float | None]]:
    """R-AUD-3 over time: (cycle, graded, good or better, share) of every cycle up to cycle_id
    with graded audits completed by as_of, oldest first."""
    year, third = (int(p) for p in cycle_id.split("-T"))
    cycles = {own_cycle(e) for e in events if isinstance(e, ev.AuditCompleted) and e.completed_on <= as_of}
    out = []
    for cycle in sorted(cycles):
        y, t = (int(p) for p in cycle.split("-T"))
        if (y, t) > (year, third):
            continue
        counts, share = grade_share(cycle_audits(events, cycle, as_of))
        graded = sum(counts.values())
        if graded:
            out.append((cycle, graded, counts["outstanding"] + counts["good"], share))
    return out


def thematic(
    events: list[Any], as_of: dt.date, cycle_id: str | None = None
) -> list[tuple[str, str, int, Any]]:
    """R-AUD-6, decision 0302: (theme, status, audits, first completed) of the themes agreed by
    as_of (with a cycle: agreed by its end and not done before it began), by due date then id."""
    rows = []
    for t in sorted(
        (e for e in events if isinstance(e, ev.ThematicAuditAgreed)), key=lambda e: (e.due_on, e.theme_id)
    ):
        if t.agreed_on > as_of:
            continue
        done = [
            a.completed_on
            for a in events
            if isinstance(a, ev.AuditCompleted)
            and a.kind.value == "thematic"
            and t.theme_id.lower() in a.themes
            and t.agreed_on <= a.completed_on <= as_of
        ]
        state = "completed" if done else ("overdue" if t.due_on < as_of else "open")
        first = min(done, default=None)
        if cycle_id is not None:
            start, end = cycle_bounds(cycle_id)
            if t.agreed_on > end or (first is not None and first < start):
                continue
        rows.append((t.theme_id, state, len(done), first))
    return rows
