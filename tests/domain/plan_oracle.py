"""Obviously-correct reference answers, written from SPEC section 4 over a plain event list.

Nothing here uses the library's projections, timeline or schedule code: it walks the events
in date order, counts working days one day at a time with ``WorkingCalendar.is_working_day``
and adds months by hand. The tests compare the library's rows with these.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from kentqa_domain import events as ev
from kentqa_domain.policy import Policy
from kentqa_domain.values import EscalationStage, ReviewKind

DAY = dt.timedelta(days=1)


def nth_working_day_after(policy: Policy, start: dt.date, n: int) -> dt.date:
    day, seen = start, 0
    while seen < n:
        day += DAY
        if policy.calendar.is_working_day(day):
            seen += 1
    return day


def working_days_between(policy: Policy, after: dt.date, upto: dt.date) -> int:
    count, day = 0, after + DAY
    while day <= upto:
        count += policy.calendar.is_working_day(day)
        day += DAY
    return count


def plus_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _open_escalation(events: Sequence[ev.Event], child: str, as_of: dt.date) -> str | None:
    ended = {
        e.escalation_id
        for e in events
        if isinstance(e, (ev.EscalationResolved, ev.EscalationReferredToCafcass)) and e.business_date <= as_of
    }
    open_ones = [
        (e.raised_on, e.escalation_id)
        for e in events
        if isinstance(e, ev.EscalationRaised)
        and e.child_ref == child
        and e.raised_on <= as_of
        and e.escalation_id not in ended
    ]
    return max(open_ones)[1] if open_ones else None


Row = tuple[str, str, str, dt.date, int, str | None, str | None, str | None]


def _plan_rows(
    events: Sequence[ev.Event],
    policy: Policy,
    as_of: dt.date,
    child: str,
    plan: str,
    opened_on: dt.date,
    reviews: list[ev.ReviewHeld],
    midways: list[dt.date],
    qa_days: int,
    first_months: int,
    later_months: int,
    first_working_days: int | None,
    *,
    short_breaks: bool = False,
    placed_on: dt.date | None = None,
) -> list[tuple[str, dt.date, str | None, str | None]]:
    out: list[tuple[str, dt.date, str | None, str | None]] = []
    reviews = sorted(reviews, key=lambda r: r.held_on)
    since = [r for r in reviews if placed_on is not None and r.held_on > placed_on]
    if placed_on is not None:  # R-ADO-1: 4 weeks after the placement, then 3 months, then 6
        if not since:
            due = placed_on + dt.timedelta(days=28)
        else:
            due = plus_months(since[-1].held_on, 3 if len(since) == 1 else 6)
    elif short_breaks:  # R-LAC-8: 3 months after the first short break, then 6 months
        due = plus_months(reviews[-1].held_on, 6) if reviews else plus_months(opened_on, 3)
    elif not reviews:
        assert first_working_days is not None
        due = nth_working_day_after(policy, opened_on, first_working_days)
    elif len(reviews) == 1:
        due = plus_months(reviews[-1].held_on, first_months)
    else:
        due = plus_months(reviews[-1].held_on, later_months)
    latest = reviews[-1] if reviews else None
    if as_of > due:
        out.append(("review_overdue", due, latest.review_id if latest else None, None))
    if latest is not None:
        half = (due - latest.held_on).days // 2
        midway = latest.held_on + dt.timedelta(days=half)
        if as_of > midway and not [d for d in midways if latest.held_on < d <= as_of]:
            out.append(("midway_overdue", midway, latest.review_id, None))
    for review in reviews:
        qa_due = nth_working_day_after(policy, review.held_on, qa_days)
        assured = [
            e
            for e in events
            if isinstance(e, ev.ReviewQualityAssured)
            and e.review_id == review.review_id
            and e.assured_on <= as_of
        ]
        if as_of > qa_due and not assured:
            out.append(("qa_overdue", qa_due, review.review_id, None))
        for action in review.actions:
            done = [
                e
                for e in events
                if isinstance(e, ev.PlanActionCompleted)
                and e.child_ref == child
                and e.action_id == action.action_id
                and e.completed_on <= as_of
            ]
            if as_of > action.due_on and not done:
                out.append(("action_overdue", action.due_on, review.review_id, action.action_id))
    return out


def drift_oracle(events: Sequence[ev.Event], policy: Policy, as_of: dt.date) -> set[Row]:
    """(child, plan, kind, due_on, working days overdue, escalation id, review id, action id)."""
    children = sorted(
        {
            e.child_ref
            for e in events
            if isinstance(e, (ev.ChildBecameLookedAfter, ev.StrategyDiscussionHeld, ev.ReviewHeld))
        }
    )
    rows: set[Row] = set()
    for child in children:
        mine = [e for e in events if getattr(e, "child_ref", None) == child and e.business_date <= as_of]
        found: list[tuple[str, tuple[str, dt.date, str | None, str | None]]] = []

        # Looked after: walk becoming / ceasing day by day; the open episode is what's left.
        # On a day with both, a child looked after as the day starts ceases and starts again
        # (that day's reviews then belong to the episode that ended); otherwise the day is a
        # one-day episode.
        start: dt.date | None = None
        handover = False
        lac = [e for e in mine if isinstance(e, (ev.ChildBecameLookedAfter, ev.ChildCeasedLookedAfter))]
        for day in sorted({e.business_date for e in lac}):
            starts = any(isinstance(e, ev.ChildBecameLookedAfter) and e.on == day for e in lac)
            ceases = any(isinstance(e, ev.ChildCeasedLookedAfter) and e.on == day for e in lac)
            if start is not None and ceases:
                start, handover = (day, True) if starts else (None, False)
            else:
                if starts and start is None:
                    start, handover = day, False
                if ceases:
                    start = None
        if start is not None:
            first_day = start + DAY if handover else start  # a handover day's reviews went to the old episode

            def in_episode(day: dt.date, first_day: dt.date = first_day) -> bool:
                return day >= first_day

            reviews = [
                e
                for e in mine
                if isinstance(e, ev.ReviewHeld)
                and e.kind is ReviewKind.LOOKED_AFTER_REVIEW
                and in_episode(e.held_on)
            ]
            placements = [
                e.placed_on for e in mine if isinstance(e, ev.PlacedForAdoption) and in_episode(e.placed_on)
            ]
            # the status the episode opened with; a change dated that day overrides it
            changed = [
                e.legal_status for e in mine if isinstance(e, ev.LegalStatusChanged) and e.changed_on == start
            ]
            given = [
                e.legal_status for e in mine if isinstance(e, ev.ChildBecameLookedAfter) and e.on == start
            ]
            status = (changed or given or [None])[0]
            short_breaks = status is not None and status.value in ("V3", "V4")
            midways = [
                e.completed_on
                for e in mine
                if isinstance(e, ev.MidwayReviewCompleted)
                and e.plan.value == "looked_after"
                and in_episode(e.completed_on)
            ]
            for item in _plan_rows(
                events,
                policy,
                as_of,
                child,
                "looked_after",
                start,
                reviews,
                midways,
                policy.iro_qa_working_days,
                policy.lac_second_review_months,
                policy.lac_later_review_months,
                policy.lac_first_review_working_days,
                short_breaks=short_breaks,
                placed_on=max(placements, default=None),
            ):
                found.append(("looked_after", item))
            # R-LAC-9 (SPEC 9.2): an IRO named in the period (on becoming looked after, or
            # assigned; from its first day) by the 5th working day after it started
            named = [
                e for e in mine if isinstance(e, ev.ChildBecameLookedAfter) and e.iro_id and e.on >= start
            ]
            named += [e for e in mine if isinstance(e, ev.IROAssigned) and e.assigned_on >= start]
            iro_due = nth_working_day_after(policy, start, policy.iro_appointment_working_days)
            if as_of > iro_due and not named:
                found.append(("looked_after", ("iro_not_assigned", iro_due, None, None)))

        # Child protection: walk the CP events day by day; a plan end empties the bag. On the
        # day a plan open as the day starts ends, that day's review conferences and midway
        # reviews belong to it and its strategy discussions and conferences to the next one.
        cp = [
            e
            for e in mine
            if isinstance(e, (ev.StrategyDiscussionHeld, ev.ChildProtectionPlanEnded))
            or (isinstance(e, ev.Section47Completed) and not e.conference_required)
            or (isinstance(e, ev.MidwayReviewCompleted) and e.plan.value == "child_protection")
            or (isinstance(e, ev.ReviewHeld) and e.kind is not ReviewKind.LOOKED_AFTER_REVIEW)
        ]
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
                e
                for e in todays
                if isinstance(e, ev.MidwayReviewCompleted)
                or (isinstance(e, ev.ReviewHeld) and e.kind is ReviewKind.REVIEW_CP_CONFERENCE)
            ]
            if bag and ends:
                bag = list(openers)  # the day's other facts went into the plan that ended
            else:
                bag += openers + others
                if ends:
                    bag = []
            # SPEC 9.2, after the day's strategy discussions: a conference that made no plan
            # (R-CP-9) closes everything; an enquiry concluded with no conference needed
            # (R-CP-8) closes a plan still in the making.
            if any(isinstance(e, ev.ReviewHeld) and not e.plan_made for e in todays):
                bag = []
            elif any(isinstance(e, ev.Section47Completed) for e in todays) and not any(
                isinstance(e, ev.ReviewHeld) and e.kind is ReviewKind.INITIAL_CP_CONFERENCE for e in bag
            ):
                bag = []
        initial = [
            e for e in bag if isinstance(e, ev.ReviewHeld) and e.kind is ReviewKind.INITIAL_CP_CONFERENCE
        ]
        if initial:
            reviews = [e for e in bag if isinstance(e, ev.ReviewHeld)]
            midways = [e.completed_on for e in bag if isinstance(e, ev.MidwayReviewCompleted)]
            for item in _plan_rows(
                events,
                policy,
                as_of,
                child,
                "child_protection",
                initial[0].held_on,
                reviews,
                midways,
                policy.cp_chair_qa_working_days,
                policy.cp_first_review_months,
                policy.cp_later_review_months,
                None,
            ):
                found.append(("child_protection", item))
        else:
            s47 = sorted(e.held_on for e in bag if isinstance(e, ev.StrategyDiscussionHeld) and e.section_47)
            if s47:
                due = nth_working_day_after(
                    policy, s47[-1], policy.cp_initial_conference_working_days
                )  # R-CP-1 revised: the latest
                if as_of > due:
                    found.append(("child_protection", ("initial_conference_overdue", due, None, None)))

        escalation = _open_escalation(events, child, as_of)
        for plan, (kind, due, review_id, action_id) in found:
            rows.add(
                (
                    child,
                    plan,
                    kind,
                    due,
                    working_days_between(policy, due, as_of),
                    escalation,
                    review_id,
                    action_id,
                )
            )
    return rows


EscalationTuple = tuple[str, str, str, dt.date, dt.date, bool, int, bool]


def escalation_target_oracle(
    events: Sequence[ev.Event], policy: Policy, escalation_id: str, as_of: dt.date
) -> dt.date | None:
    """R-ESC-3 (revised, SPEC 9.2): the day the 20 working days run from as of ``as_of``.
    Policy ``raising``: the raising date. Default: the day the escalation entered a stage
    other than informal (raised there, or its earliest progression dated on or before
    ``as_of``); None while it has been informal only."""
    raised = next(
        e for e in events if isinstance(e, ev.EscalationRaised) and e.escalation_id == escalation_id
    )
    if policy.escalation_target_from == "raising" or raised.stage != EscalationStage.INFORMAL:
        return raised.raised_on
    days = [
        e.progressed_on
        for e in events
        if isinstance(e, ev.EscalationProgressed)
        and e.escalation_id == escalation_id
        and e.progressed_on <= as_of
    ]
    return min(days, default=None)


def escalations_oracle(events: Sequence[ev.Event], policy: Policy, as_of: dt.date) -> list[EscalationTuple]:
    """(id, stage, state, raised_on, response_due_on, response_overdue, working days open, breached)."""
    out = []
    for raised in sorted(
        (e for e in events if isinstance(e, ev.EscalationRaised) and e.raised_on <= as_of),
        key=lambda e: (e.raised_on, e.escalation_id),
    ):
        eid = raised.escalation_id
        mine = sorted(
            (
                e
                for e in events
                if getattr(e, "escalation_id", None) == eid and e.business_date <= as_of and e is not raised
            ),
            key=lambda e: e.business_date,
        )
        stage, entered = raised.stage, raised.raised_on
        state, closed = "open", None
        for e in mine:
            if isinstance(e, ev.EscalationProgressed) and list(EscalationStage).index(e.to_stage) > list(
                EscalationStage
            ).index(stage):
                stage, entered = e.to_stage, e.progressed_on
            if isinstance(e, ev.EscalationResolved):
                state, closed = "resolved", e.resolved_on
            if isinstance(e, ev.EscalationReferredToCafcass):
                state, closed = "referred", e.referred_on
        responded = any(isinstance(e, ev.EscalationResponded) and e.responded_on >= entered for e in mine)
        due = nth_working_day_after(policy, entered, policy.escalation_response_working_days)
        days_open = working_days_between(policy, raised.raised_on, closed or as_of)
        target_from = escalation_target_oracle(events, policy, eid, as_of)
        breached = (
            target_from is not None
            and working_days_between(policy, target_from, closed or as_of)
            > policy.escalation_target_working_days
        )
        out.append(
            (
                eid,
                stage.value,
                state,
                raised.raised_on,
                due,
                state == "open" and not responded and as_of > due,
                days_open,
                breached,
            )
        )
    return out
