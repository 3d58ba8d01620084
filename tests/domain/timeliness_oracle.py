"""An obviously-correct reference for R-TML-1 over a plain event list (SPEC 9.2).

Nothing here uses the library's projections, timeline or schedule code: it splits each
child's events into looked-after episodes and CP plans by walking them day by day (as
``plan_oracle.drift_oracle`` does, keeping every plan, not only the open one), gives each
review the due date SPEC section 4 gives it (working days counted one day at a time, months
added by hand), and infers teams as decision 0201 says.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from kentqa_domain import events as ev
from kentqa_domain.policy import Policy
from kentqa_domain.values import ReviewKind
from tests.domain.plan_oracle import nth_working_day_after, plus_months

#: (review id, child, kind, held on, due on or None, team, chair)
Held = tuple[str, str, str, dt.date, dt.date | None, str | None, str | None]

LAC_KINDS = ("first_looked_after_review", "second_looked_after_review", "later_looked_after_review")
CP_KINDS = ("initial_cp_conference", "first_review_cp_conference", "later_review_cp_conference")
ALL_KINDS = LAC_KINDS + CP_KINDS


def _lac_episodes(mine: Sequence[ev.Event]) -> list[tuple[dt.date, dt.date | None, list[ev.ReviewHeld]]]:
    """(first day, last day, reviews) of each period of care; a review on the day one period
    ends and the next starts belongs to the one that ended."""
    days: dict[dt.date, set[str]] = {}
    for e in mine:
        if isinstance(e, ev.ChildBecameLookedAfter):
            days.setdefault(e.on, set()).add("start")
        elif isinstance(e, ev.ChildCeasedLookedAfter):
            days.setdefault(e.on, set()).add("end")
    periods: list[list[dt.date | None]] = []
    start: dt.date | None = None
    for day in sorted(days):
        if start is not None and "end" in days[day]:
            periods.append([start, day])
            start = day if "start" in days[day] else None
        elif start is None and "start" in days[day]:
            start = day
            if "end" in days[day]:
                periods.append([start, day])
                start = None
    if start is not None:
        periods.append([start, None])
    out = []
    taken: set[str] = set()
    for first, last in periods:
        assert first is not None
        reviews = [
            e
            for e in mine
            if isinstance(e, ev.ReviewHeld)
            and e.kind is ReviewKind.LOOKED_AFTER_REVIEW
            and e.review_id not in taken
            and first <= e.held_on
            and (last is None or e.held_on <= last)
        ]
        taken |= {r.review_id for r in reviews}
        out.append((first, last, sorted(reviews, key=lambda r: (r.held_on, r.review_id))))
    return out


def _cp_plans(mine: Sequence[ev.Event]) -> list[list[ev.Event]]:
    """Every CP plan's events (strategy discussions and conferences), walking day by day."""
    cp = [
        e
        for e in mine
        if isinstance(e, (ev.StrategyDiscussionHeld, ev.ChildProtectionPlanEnded))
        or (isinstance(e, ev.Section47Completed) and not e.conference_required)
        or (isinstance(e, ev.ReviewHeld) and e.kind is not ReviewKind.LOOKED_AFTER_REVIEW)
    ]
    plans: list[list[ev.Event]] = []
    bag: list[ev.Event] = []
    for day in sorted({e.business_date for e in cp}):
        todays = [e for e in cp if e.business_date == day]
        ends = any(isinstance(e, ev.ChildProtectionPlanEnded) for e in todays)
        openers = [
            e
            for e in todays
            if isinstance(e, ev.StrategyDiscussionHeld)
            or (isinstance(e, ev.ReviewHeld) and e.kind is ReviewKind.INITIAL_CP_CONFERENCE)
        ]
        others = [
            e for e in todays if isinstance(e, ev.ReviewHeld) and e.kind is ReviewKind.REVIEW_CP_CONFERENCE
        ]
        if bag and ends:
            plans.append(bag + others)  # the day's review conferences went to the plan that ended
            bag = list(openers)
        else:
            bag += openers + others
            if ends:
                plans.append(bag)
                bag = []
        if any(isinstance(e, ev.ReviewHeld) and not e.plan_made for e in todays):
            plans.append(bag)  # R-CP-9: no plan; the conference was held
            bag = []
        elif any(isinstance(e, ev.Section47Completed) for e in todays) and not any(
            isinstance(e, ev.ReviewHeld) and e.kind is ReviewKind.INITIAL_CP_CONFERENCE for e in bag
        ):
            bag = []  # R-CP-8: no conference
    plans.append(bag)
    return plans


def _teams(events: Sequence[ev.Event]) -> dict[str, str]:
    return {e.worker_id: e.team_id for e in events if isinstance(e, ev.WorkerRegistered)}


def held_reviews(events: Sequence[ev.Event], policy: Policy, as_of: dt.date) -> list[Held]:
    """Every review with its kind, due date, team and chair (decision 0201) as at ``as_of``."""
    workers = _teams(events)  # no worker moves in these histories
    children = sorted({e.child_ref for e in events if isinstance(e, ev.ReviewHeld)})
    qa_by = {
        e.review_id: e.by for e in events if isinstance(e, ev.ReviewQualityAssured) and e.assured_on <= as_of
    }
    out: list[Held] = []
    for child in children:
        mine = [e for e in events if getattr(e, "child_ref", None) == child]
        out += _child_reviews(child, mine, workers, qa_by, policy)
    return out


def _child_reviews(
    child: str, mine: list[ev.Event], workers: dict[str, str], qa_by: dict[str, str], policy: Policy
) -> list[Held]:
    out: list[Held] = []
    starts = sorted((e.on, e.iro_id) for e in mine if isinstance(e, ev.ChildBecameLookedAfter))
    assigned = sorted((e.assigned_on, e.iro_id) for e in mine if isinstance(e, ev.IROAssigned))
    allocated = sorted((e.allocated_on, e.team_id) for e in mine if isinstance(e, ev.ChildAllocated))
    named = sorted(
        (e.raised_on, e.escalation_id, e.team_id)
        for e in mine
        if isinstance(e, ev.EscalationRaised) and e.team_id is not None
    )

    def chair(review: ev.ReviewHeld) -> str | None:
        if review.chair_id is not None:
            return review.chair_id
        if review.review_id in qa_by:
            return qa_by[review.review_id]
        if review.kind is ReviewKind.LOOKED_AFTER_REVIEW:
            before = [(on, iro) for on, iro in starts if on <= review.held_on]
            if not before:
                return None
            # SPEC 9.2: an IRO assigned since the child last became looked after
            since = [iro for on, iro in assigned if before[-1][0] <= on <= review.held_on]
            return since[-1] if since else before[-1][1]
        return None

    def team(review: ev.ReviewHeld) -> str | None:
        teams = [t for on, t in allocated if on <= review.held_on]  # SPEC 9.2: the allocated team
        if teams:
            return teams[-1]
        for action in review.actions:
            if action.owner_id in workers:
                return workers[action.owner_id]
        raised = [t for on, _, t in named if on <= review.held_on]
        if raised:
            return raised[-1]
        return workers.get(chair(review) or "")

    def add(review: ev.ReviewHeld, kind: str, due: dt.date | None) -> None:
        out.append((review.review_id, child, kind, review.held_on, due, team(review), chair(review)))

    for first, last, reviews in _lac_episodes(mine):
        # R-LAC-8: the status the episode opened with (a change dated that day overrides it)
        changed = [
            e.legal_status for e in mine if isinstance(e, ev.LegalStatusChanged) and e.changed_on == first
        ]
        given = [e.legal_status for e in mine if isinstance(e, ev.ChildBecameLookedAfter) and e.on == first]
        status = (changed or given or [None])[0]
        short_breaks = status is not None and status.value in ("V3", "V4")
        placements = [
            e.placed_on
            for e in mine
            if isinstance(e, ev.PlacedForAdoption)
            and first <= e.placed_on
            and (last is None or e.placed_on <= last)
        ]
        for i, review in enumerate(reviews):
            placed = max((d for d in placements if d <= review.held_on), default=None)
            held = [r.held_on for r in reviews[:i]]
            if placed is not None:  # R-ADO-1: counting the reviews held after the placement
                since = [d for d in held if d > placed]
                if not since:
                    due = placed + dt.timedelta(days=28)
                else:
                    due = plus_months(since[-1], 3 if len(since) == 1 else 6)
            elif short_breaks:  # R-LAC-8: 3 months after the first break, then 6 months
                due = plus_months(held[-1], 6) if held else plus_months(first, 3)
            elif i == 0:
                due = nth_working_day_after(policy, first, policy.lac_first_review_working_days)
            else:
                months = policy.lac_second_review_months if i == 1 else policy.lac_later_review_months
                due = plus_months(reviews[i - 1].held_on, months)
            add(review, LAC_KINDS[min(i, 2)], due)
    for plan in _cp_plans(mine):
        conferences = sorted(
            (e for e in plan if isinstance(e, ev.ReviewHeld)),
            key=lambda r: (r.held_on, r.kind is ReviewKind.REVIEW_CP_CONFERENCE, r.review_id),
        )
        for i, review in enumerate(conferences):
            if i == 0:
                s47 = [
                    e.held_on
                    for e in plan
                    if isinstance(e, ev.StrategyDiscussionHeld)
                    and e.section_47
                    and e.held_on <= review.held_on
                ]
                due = (
                    nth_working_day_after(policy, max(s47), policy.cp_initial_conference_working_days)
                    if s47
                    else None
                )
            else:
                months = policy.cp_first_review_months if i == 1 else policy.cp_later_review_months
                due = plus_months(conferences[i - 1].held_on, months)
            add(review, CP_KINDS[min(i, 2)], due)
    return out


#: (by, key, kind, held, held in time, without due date)
Tally = tuple[str, str | None, str, int, int, int]


def timeliness_oracle(
    events: Sequence[ev.Event], policy: Policy, start: dt.date, end: dt.date, as_of: dt.date
) -> set[Tally]:
    """R-TML-1 rows: overall for every kind, by team and by chair for groups with a review held."""
    held = [h for h in held_reviews(events, policy, as_of) if start <= h[3] <= min(end, as_of)]
    counts: Counter[tuple[str, str | None, str]] = Counter()
    in_time: Counter[tuple[str, str | None, str]] = Counter()
    undated: Counter[tuple[str, str | None, str]] = Counter()
    for _, _, kind, held_on, due, team, chair in held:
        for key in (("overall", None, kind), ("team", team, kind), ("chair", chair, kind)):
            counts[key] += 1
            in_time[key] += due is not None and held_on <= due
            undated[key] += due is None
    rows = {
        (by, key, kind, counts[(by, key, kind)], in_time[(by, key, kind)], undated[(by, key, kind)])
        for by, key, kind in counts
    }
    rows |= {("overall", None, kind, 0, 0, 0) for kind in ALL_KINDS if ("overall", None, kind) not in counts}
    return rows
