"""An obviously-correct oracle for observation compliance, straight from SPEC section 4.

It shares no code with the projection: it walks the whole event list for every worker,
filters by business date, and adds months with the standard library's ``calendar``. Slow
and plain on purpose. Rules: R-OBS-1..5 (see docs/observations.md and decisions 0100-0105),
as revised by SPEC 9.3 (decisions 0990-0992): a worker is in scope on a day when in post (not
between a leaving and the rejoining after it) as a practitioner; the schedule runs from the
start of that stretch in scope (only facts from it count, unless it starts at registration);
an extension stretches the ASYE review points in proportion; a failed ASYE is a support flag.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence

from kentqa_domain import events as ev

ASYE_MONTHS = (3, 6, 11)  # R-OBS-1 policy default
ANNUAL_MONTHS = 12  # R-OBS-2
SUPPORT_MONTHS = 6  # R-OBS-3 default interval (revised by SPEC 9.3)
ASYE_YEAR = 12  # R-OBS-1: the ASYE year, before any extension
DUE_SOON_DAYS = 28  # R-OBS-5


def plus_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to month end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _dated(events: Iterable[ev.Event], as_of: dt.date) -> list[ev.Event]:
    """Events dated on or before ``as_of``; team registrations carry no date that matters, and
    an extension without ``extended_on`` holds whatever the day (decision 0991)."""
    return [
        e
        for e in events
        if isinstance(e, ev.TeamRegistered)
        or (isinstance(e, ev.ASYEExtended) and e.extended_on is None)
        or e.business_date <= as_of
    ]


def _stretch(start: dt.date, point: dt.date, end: dt.date | None) -> dt.date:
    """Decision 0991: a review point of an ASYE year stretched in proportion to its new end."""
    natural = plus_months(start, ASYE_YEAR)
    if end is None or end <= natural:
        return point
    return start + dt.timedelta(days=(point - start).days * (end - start).days // (natural - start).days)


def oracle_rows(events: Sequence[ev.Event], as_of: dt.date) -> list[tuple[object, ...]]:
    """Rows ``(worker_id, team_id, requirement, last_observed_on, next_due_on, status,
    reflection_missed)`` of every current practitioner on ``as_of``, sorted by team, worker.
    """
    known = _dated(events, as_of)
    rows: list[tuple[object, ...]] = []
    reviews = {e.observation_id: e.held_on for e in known if isinstance(e, ev.ReflectiveReviewHeld)}
    for reg in known:
        if not isinstance(reg, ev.WorkerRegistered):
            continue
        wid = reg.worker_id
        mine = [e for e in known if getattr(e, "worker_id", None) == wid]
        lefts = [e.left_on for e in mine if isinstance(e, ev.WorkerLeft)]
        backs = [e.rejoined_on for e in mine if isinstance(e, ev.WorkerRejoined)]
        if len(lefts) != len(backs):
            continue  # R-OBS-5: left on or before as_of, not back yet
        # Roles: registration, rejoinings with a role, role changes (dated, none on one day).
        roles = [(reg.registered_on, reg.role)]
        roles += [(e.rejoined_on, e.role) for e in mine if isinstance(e, ev.WorkerRejoined) and e.role]
        roles += [(e.changed_on, e.role) for e in mine if isinstance(e, ev.WorkerRoleChanged)]
        roles.sort(key=lambda r: r[0])
        if roles[-1][1] != "practitioner":
            continue  # SPEC 9.3: promoted (or otherwise not a practitioner) on as_of
        # The stretch in scope holding as_of starts at the latest (re)joining, or later at the
        # latest change back to practitioner from another role.
        begun = max([reg.registered_on, *backs])
        role_then = None
        for day, role in roles:
            if day <= begun:
                role_then = role
                continue
            if role_then != "practitioner" and role == "practitioner":
                begun = day
            role_then = role
        low = None if begun == reg.registered_on else begun

        def counts(day: dt.date, low: dt.date | None = low) -> bool:
            return low is None or day >= low

        # On one day a rejoining comes before a move (which then wins), as event_order ranks them.
        joins = [(e.rejoined_on, e.team_id) for e in mine if isinstance(e, ev.WorkerRejoined)]
        joins += sorted([(e.moved_on, e.team_id) for e in mine if isinstance(e, ev.WorkerMoved)])
        joins.sort(key=lambda j: j[0])
        team = joins[-1][1] if joins else reg.team_id
        practice = sorted(
            e.observed_on
            for e in mine
            if isinstance(e, ev.ObservationRecorded) and e.setting == "practice" and counts(e.observed_on)
        )
        latest = practice[-1] if practice else None
        completed = [e for e in mine if isinstance(e, ev.ASYECompleted)]
        if reg.experience == "asye" and not completed:
            requirement = "asye"
            start = (reg.asye_started_on or reg.registered_on) if low is None else low
            done = len([d for d in practice if d >= start])
            ends = [e.extended_to for e in mine if isinstance(e, ev.ASYEExtended)]
            if done < 3:
                due = _stretch(start, plus_months(start, ASYE_MONTHS[done]), max(ends, default=None))
            else:
                assert latest is not None
                due = plus_months(latest, ANNUAL_MONTHS)
        else:
            requirement = "annual"
            due = plus_months(latest if latest is not None else begun, ANNUAL_MONTHS)
        marks = [(e.flagged_on, 0, e.interval_months) for e in mine if isinstance(e, ev.SupportNeedFlagged)]
        marks += [(e.completed_on, 0, None) for e in completed if not e.passed]  # SPEC 9.3
        marks += [(e.cleared_on, 1, None) for e in mine if isinstance(e, ev.SupportNeedCleared)]
        marks.sort(key=lambda m: (m[0], m[1], m[2] or 0))  # a clear on a flag's day comes after it, and wins
        if marks and marks[-1][1] == 0 and counts(marks[-1][0]):
            requirement = "support"
            flagged_on, _, interval = marks[-1]
            since = flagged_on if latest is None else max(latest, flagged_on)
            due = min(due, plus_months(since, interval or SUPPORT_MONTHS))
        if as_of > due:
            status = "overdue"
        elif (due - as_of).days <= DUE_SOON_DAYS:
            status = "due_soon"
        else:
            status = "compliant"
        supervisions = [e.held_on for e in mine if isinstance(e, ev.SupervisionHeld)]
        missed = False
        for obs in mine:
            if not isinstance(obs, ev.ObservationRecorded):
                continue
            later = [s for s in supervisions if s > obs.observed_on]
            if later and counts(min(later)):
                review = reviews.get(obs.observation_id)
                if review is None or review > min(later):
                    missed = True
        rows.append((wid, team, requirement, latest, due, status, missed))
    return sorted(rows, key=lambda r: (r[1], r[0]))


def as_tuples(rows: Iterable[object]) -> list[tuple[object, ...]]:
    """Query rows as plain tuples in the oracle's field order (enums as their values)."""
    out: list[tuple[object, ...]] = []
    for r in rows:
        out.append(
            (
                r.worker_id,  # type: ignore[attr-defined]
                r.team_id,  # type: ignore[attr-defined]
                r.requirement.value,  # type: ignore[attr-defined]
                r.last_observed_on,  # type: ignore[attr-defined]
                r.next_due_on,  # type: ignore[attr-defined]
                r.status.value,  # type: ignore[attr-defined]
                r.reflection_missed,  # type: ignore[attr-defined]
            )
        )
    return out


def oracle_learning(events: Sequence[ev.Event], start: dt.date, end: dt.date) -> dict[str, list[int]]:
    """Per area (and ``overall``): counts of outstanding, good, requires improvement, inadequate
    over the observations dated ``start``..``end``.
    """
    order = ["outstanding", "good", "requires_improvement", "inadequate"]
    out: dict[str, list[int]] = {}
    for e in events:
        if isinstance(e, ev.ObservationRecorded) and start <= e.observed_on <= end:
            for area, grade in [*e.judgements.items(), ("overall", e.overall)]:
                out.setdefault(area, [0, 0, 0, 0])[order.index(grade)] += 1
    return out
