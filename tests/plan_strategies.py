"""Hypothesis strategies for children's plans and escalations: consistent histories.

``histories()`` draws a few children, each with looked-after episodes and/or child
protection plans (reviews, midway reviews, QA, actions, completions, plan ends), escalations
about them and their allocation to a team and social worker, IROs and CP Chairs assigned
(SPEC 9.2), consistent by construction, as event objects in business-date order.
``record_in_any_order`` records a list of events in a shuffled order, deferring any event
the write model refuses (because what it refers to has not arrived yet) to a later pass: the
result is a random valid recording order full of late arrivals.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import attrs
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.values import Action, EscalationStage, LegalStatus, PlanKind, ReviewKind

DAY = dt.timedelta(days=1)
#: Around the 2026/27 and 2027/28 year ends, Christmas 2026 and Easter 2027.
FIRST_DAY = dt.date(2026, 9, 1)
LAST_DAY = dt.date(2027, 9, 30)
TEAMS = ("T-A", "T-B")
WORKERS = {"SW-1": "T-A", "SW-2": "T-B", "IRO-1": "T-IRO", "IRO-2": "T-IRO", "CPC-1": "T-IRO"}
ROLES = {"SW-1": "practitioner", "SW-2": "practitioner", "IRO-1": "iro", "IRO-2": "iro", "CPC-1": "cp_chair"}

_PRIORITY = {
    ev.TeamRegistered: 0,
    ev.WorkerRegistered: 1,
    ev.ChildBecameLookedAfter: 2,
    ev.StrategyDiscussionHeld: 2,
    ev.ReviewHeld: 3,
    ev.Section47Completed: 4,
    ev.PlacedForAdoption: 4,
    ev.ChildAllocated: 4,
    ev.IROAssigned: 4,
    ev.CPChairAssigned: 4,
    ev.MidwayReviewCompleted: 4,
    ev.ReviewQualityAssured: 4,
    ev.PlanActionCompleted: 4,
    ev.EscalationRaised: 5,
    ev.EscalationProgressed: 6,
    ev.EscalationResponded: 7,
    ev.ChildCeasedLookedAfter: 8,
    ev.ChildProtectionPlanEnded: 8,
    ev.EscalationResolved: 9,
    ev.EscalationReferredToCafcass: 9,
}


def natural_key(event: ev.Event) -> tuple[dt.date, int]:
    """Business date, then the order a case file would record same-day events in."""
    day = event.business_date if not isinstance(event, ev.TeamRegistered) else dt.date.min
    if isinstance(event, ev.WorkerRegistered):
        day = dt.date.min
    return day, _PRIORITY[type(event)]


def organisation_events() -> list[ev.Event]:
    """Two social work teams and an IRO team with a social worker each, two IROs and a CP Chair."""
    out: list[ev.Event] = [
        ev.TeamRegistered(team_id=t, name=t, service="Children's Social Work", area=a)
        for t, a in (("T-A", "East"), ("T-B", "West"), ("T-IRO", "County"))
    ]
    out += [
        ev.WorkerRegistered(
            worker_id=w, team_id=t, role=ROLES[w], experience="experienced", registered_on=dt.date(2026, 1, 5)
        )
        for w, t in WORKERS.items()
    ]
    return out


class _Ids:
    def __init__(self, prefix: str) -> None:
        self.prefix, self.n = prefix, 0

    def __call__(self, kind: str) -> str:
        self.n += 1
        return f"{self.prefix}-{kind}{self.n}"


def _gap(draw: st.DrawFn, lo: int, hi: int) -> dt.timedelta:
    return draw(st.integers(lo, hi)) * DAY


def _review_followups(draw: st.DrawFn, ids: _Ids, child: str, review: ev.ReviewHeld) -> list[ev.Event]:
    out: list[ev.Event] = []
    if draw(st.booleans()):
        out.append(
            ev.ReviewQualityAssured(
                review_id=review.review_id,
                assured_on=review.held_on + _gap(draw, 0, 15),
                by=review.chair_id or "IRO-1",
                plan_reflects_needs=draw(st.booleans()),
                actions_in_child_timeframe=draw(st.booleans()),
                consistent_with_legal_duties=draw(st.booleans()),
                smart=draw(st.none() | st.booleans()),
            )
        )
    for action in review.actions:
        if draw(st.booleans()):
            done = max(review.held_on, action.due_on + _gap(draw, -30, 30))
            out.append(ev.PlanActionCompleted(child_ref=child, action_id=action.action_id, completed_on=done))
    return out


def _review(draw: st.DrawFn, ids: _Ids, child: str, kind: ReviewKind, held_on: dt.date) -> ev.ReviewHeld:
    chair = draw(
        st.sampled_from([None, "IRO-1" if kind is ReviewKind.LOOKED_AFTER_REVIEW else "CPC-1", "X-CHAIR"])
    )
    actions = tuple(
        Action(
            action_id=ids("A"),
            description="an action",
            owner_id=draw(st.sampled_from(["SW-1", "SW-2", "parent"])),
            due_on=held_on + _gap(draw, 0, 120),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    return ev.ReviewHeld(
        review_id=ids("R"), child_ref=child, kind=kind, held_on=held_on, chair_id=chair, actions=actions
    )


def _plan_body(
    draw: st.DrawFn, ids: _Ids, child: str, plan: PlanKind, first_review_on: dt.date | None
) -> tuple[list[ev.Event], dt.date]:
    """Reviews from ``first_review_on`` with midway reviews between them; returns the events and
    the last date of the plan's own activity."""
    out: list[ev.Event] = []
    if first_review_on is None:
        return out, FIRST_DAY
    kinds = (
        [ReviewKind.LOOKED_AFTER_REVIEW] * 5
        if plan is PlanKind.LOOKED_AFTER
        else [ReviewKind.INITIAL_CP_CONFERENCE] + [ReviewKind.REVIEW_CP_CONFERENCE] * 4
    )
    day = first_review_on
    last = day
    for i in range(draw(st.integers(1, 4))):
        if i:
            day = day + _gap(draw, 1, 220)
        review = _review(draw, ids, child, kinds[i], day)
        out.append(review)
        out += _review_followups(draw, ids, child, review)
        last = day
        for _ in range(draw(st.integers(0, 2))):
            midway = day + _gap(draw, 1, 120)
            out.append(ev.MidwayReviewCompleted(child_ref=child, plan=plan, completed_on=midway, by="IRO-1"))
            last = max(last, midway)
        day = last
    # midway reviews of the same date are one fact (their identity is the date)
    seen: set[tuple[str, dt.date]] = set()
    unique: list[ev.Event] = []
    for e in out:
        if isinstance(e, ev.MidwayReviewCompleted):
            if (e.plan, e.completed_on) in seen:
                continue
            seen.add((e.plan, e.completed_on))
        unique.append(e)
    return unique, last


IROS = ("IRO-1", "IRO-2")


@st.composite
def looked_after(draw: st.DrawFn, child: str, ids: _Ids) -> list[ev.Event]:
    out: list[ev.Event] = []
    assigned_days: set[dt.date] = set()  # one IRO assignment a day (its identity)
    day = FIRST_DAY + _gap(draw, 0, 120)
    for episode in range(draw(st.integers(1, 2))):
        start = day
        status = draw(st.sampled_from([None, None, LegalStatus.C2, LegalStatus.V4]))  # V4: R-LAC-8
        out.append(
            ev.ChildBecameLookedAfter(
                child_ref=child, on=start, iro_id=draw(st.sampled_from([None, "IRO-1"])), legal_status=status
            )
        )
        # a review on the day of a same-day restart would belong to the episode that ended
        first = start + _gap(draw, 1 if episode else 0, 60) if draw(st.booleans()) else None
        body, last = _plan_body(draw, ids, child, PlanKind.LOOKED_AFTER, first)
        out += body
        if draw(st.integers(0, 3)) == 0:  # R-ADO-1: placed for adoption during the episode
            placed = start + _gap(draw, 1 if episode else 0, 200)
            out.append(ev.PlacedForAdoption(child_ref=child, placed_on=placed))
            last = max(last, placed)  # the episode's end (if any) comes after it
        # SPEC 9.2, R-LAC-9: an IRO assigned in the episode (on time or late), now and then
        # changed later; the episode's end (if any) comes after them
        assigned = start
        for n in range(draw(st.integers(0, 2))):
            assigned += _gap(draw, 0, 12) if n == 0 else _gap(draw, 1, 150)
            if assigned not in assigned_days:
                assigned_days.add(assigned)
                out.append(
                    ev.IROAssigned(child_ref=child, assigned_on=assigned, iro_id=draw(st.sampled_from(IROS)))
                )
                last = max(last, assigned)
        if not draw(st.booleans()):
            break
        end = max(start, last) + _gap(draw, 0, 90)
        out.append(ev.ChildCeasedLookedAfter(child_ref=child, on=end))
        # 0: ceased and looked after again on one day (SSDA903 does this), unless the episode
        # was a single day (then the dates alone cannot say which came first)
        day = end + (DAY * 0 if end > start and draw(st.integers(0, 3)) == 0 else _gap(draw, 1, 90))
    return out


@st.composite
def child_protection(draw: st.DrawFn, child: str, ids: _Ids) -> list[ev.Event]:
    out: list[ev.Event] = []
    day = FIRST_DAY + _gap(draw, 0, 120)
    for _ in range(draw(st.integers(1, 2))):
        opened = day
        with_sd = draw(st.integers(0, 3)) > 0  # now and then an initial conference is the first we hear
        if with_sd:
            out.append(
                ev.StrategyDiscussionHeld(child_ref=child, held_on=opened, section_47=draw(st.booleans()))
            )
            if draw(st.booleans()):
                out.append(
                    ev.StrategyDiscussionHeld(
                        child_ref=child, held_on=opened + _gap(draw, 1, 10), section_47=draw(st.booleans())
                    )
                )
        first = opened if not with_sd else (opened + _gap(draw, 1, 40) if draw(st.booleans()) else None)
        discussed = max([opened, *(e.held_on for e in out if isinstance(e, ev.StrategyDiscussionHeld))])
        outcome = draw(st.sampled_from(["plan", "plan", "no plan", "no conference"]))
        if first is None and with_sd and outcome == "no conference":
            # R-CP-8: the enquiry needed no conference; a new enquiry later starts a new clock
            done = discussed + _gap(draw, 0, 40)
            out.append(ev.Section47Completed(child_ref=child, completed_on=done, conference_required=False))
            day = done + _gap(draw, 1, 90)
            continue
        if first is not None and outcome == "no plan":
            # R-CP-9: the conference decided no plan; nothing further is due
            conference = attrs.evolve(
                _review(draw, ids, child, ReviewKind.INITIAL_CP_CONFERENCE, max(first, discussed)),
                plan_made=False,
                actions=(),
            )
            out += [conference, *_review_followups(draw, ids, child, conference)]
            day = conference.held_on + _gap(draw, 1, 90)
            continue
        if first is not None and with_sd and draw(st.integers(0, 3)) == 0:
            out.append(
                ev.Section47Completed(child_ref=child, completed_on=discussed, conference_required=True)
            )
        body, last = _plan_body(draw, ids, child, PlanKind.CHILD_PROTECTION, first)
        out += body
        last = max([last, opened, *(e.held_on for e in out if isinstance(e, ev.StrategyDiscussionHeld))])
        if draw(st.booleans()):  # SPEC 9.2: a CP Chair assigned to the enquiry or plan
            chaired = opened + _gap(draw, 0, 30)
            out.append(ev.CPChairAssigned(child_ref=child, assigned_on=chaired, chair_id="CPC-1"))
            last = max(last, chaired)
        if not draw(st.booleans()):
            break
        end = last + _gap(draw, 0, 90)
        out.append(ev.ChildProtectionPlanEnded(child_ref=child, ended_on=end))
        # 0: a new strategy discussion or conference on the end day (not after a one-day plan,
        # nor when a strategy discussion is already dated that day: its identity is the date)
        discussed_days = {e.held_on for e in out if isinstance(e, ev.StrategyDiscussionHeld)}
        restart = end > opened and end not in discussed_days and draw(st.integers(0, 3)) == 0
        day = end + (DAY * 0 if restart else _gap(draw, 1, 90))
    return out


def looked_after_days(events: Sequence[ev.Event]) -> list[tuple[dt.date, dt.date | None]]:
    """A child's periods of care (first day, last day or None) from its events: becoming looked
    after while looked after continues the period; both ends count (R-LAC-7)."""
    periods: list[tuple[dt.date, dt.date | None]] = []
    start: dt.date | None = None
    days: dict[dt.date, set[bool]] = {}
    for e in events:
        if isinstance(e, (ev.ChildBecameLookedAfter, ev.ChildCeasedLookedAfter)):
            days.setdefault(e.on, set()).add(isinstance(e, ev.ChildCeasedLookedAfter))
    for day in sorted(days):
        # a day that starts looked after ends the period first, then a new one may start
        for ceased in sorted(days[day], reverse=start is not None):
            if ceased and start is not None:
                periods.append((start, day))
                start = None
            elif not ceased and start is None:
                start = day
    if start is not None:
        periods.append((start, None))
    return periods


def is_looked_after(periods: Sequence[tuple[dt.date, dt.date | None]], day: dt.date) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in periods)


@st.composite
def escalations(
    draw: st.DrawFn,
    child: str | None,
    ids: _Ids,
    around: dt.date,
    looked_after: Sequence[tuple[dt.date, dt.date | None]] = (),
) -> list[ev.Event]:
    """One escalation; a referral to Cafcass only while the child is looked after (R-ESC-4
    revised, SPEC 9.2: else it is resolved instead)."""
    out: list[ev.Event] = []
    eid = ids("E")
    raised = around + _gap(draw, 0, 200)
    stages = list(EscalationStage)
    stage = draw(st.sampled_from(stages[:-1]))
    out.append(
        ev.EscalationRaised(
            escalation_id=eid,
            raised_by=draw(st.sampled_from(["IRO-1", "CPC-1"])),
            raised_on=raised,
            stage=stage,
            reason=draw(st.sampled_from(["drift", "delay", "plan_quality"])),
            child_ref=child,
            team_id=draw(st.sampled_from([None, *TEAMS])),
        )
    )
    day = raised
    rank = stage.rank
    responses: set[tuple[dt.date, str]] = set()
    for _ in range(draw(st.integers(0, 3))):
        day = day + _gap(draw, 0, 12)
        if draw(st.booleans()) and rank < len(stages) - 1:
            rank = draw(st.integers(rank + 1, len(stages) - 1))
            out.append(ev.EscalationProgressed(escalation_id=eid, to_stage=stages[rank], progressed_on=day))
        else:
            who = draw(st.sampled_from(["TM-1", "SM-1"]))
            if (day, who) not in responses:
                responses.add((day, who))
                out.append(
                    ev.EscalationResponded(escalation_id=eid, responded_on=day, by=who, response="on it")
                )
    ending = draw(st.sampled_from([None, "resolved", "referred"]))
    if ending == "resolved":
        out.append(
            ev.EscalationResolved(escalation_id=eid, resolved_on=day + _gap(draw, 0, 30), outcome="agreed")
        )
    elif ending == "referred":
        on = day + _gap(draw, 0, 30)
        if child is not None and is_looked_after(looked_after, on):
            out.append(ev.EscalationReferredToCafcass(escalation_id=eid, referred_on=on))
        else:
            out.append(ev.EscalationResolved(escalation_id=eid, resolved_on=on, outcome="not for Cafcass"))
    return out


@st.composite
def allocations(draw: st.DrawFn, child: str, known_from: dt.date) -> list[ev.Event]:
    """SPEC 9.2: the child allocated to a team (and a social worker, or none), now and then
    allocated again later (to another team or worker); one allocation a day."""
    out: list[ev.Event] = []
    day = known_from
    for n in range(draw(st.integers(0, 2))):
        day += _gap(draw, 0, 30) if n == 0 else _gap(draw, 1, 200)
        out.append(
            ev.ChildAllocated(
                child_ref=child,
                allocated_on=day,
                team_id=draw(st.sampled_from(TEAMS)),
                worker_id=draw(st.sampled_from([None, "SW-1", "SW-2"])),
            )
        )
    return out


@st.composite
def histories(draw: st.DrawFn, max_children: int = 3) -> list[ev.Event]:
    """Organisation, then 1..max_children children with plans and escalations, in natural order."""
    out = organisation_events()
    for n in range(draw(st.integers(1, max_children))):
        child = f"C{n}"
        ids = _Ids(child)
        mine: list[ev.Event] = []
        if draw(st.booleans()):
            mine += draw(looked_after(child, ids))
        if not mine or draw(st.booleans()):
            mine += draw(child_protection(child, ids))
        first = min(e.business_date for e in mine)
        mine += draw(allocations(child, first))
        out += mine
        periods = looked_after_days(mine)
        for _ in range(draw(st.integers(0, 2))):
            out += draw(escalations(child, ids, first, periods))
    return sorted(out, key=natural_key)


def as_of_dates() -> st.SearchStrategy[dt.date]:
    return st.dates(FIRST_DAY, LAST_DAY + dt.timedelta(days=400))


def record_in_any_order(qa: QualityAssurance, events: Sequence[ev.Event], seed: int) -> int:
    """Record ``events`` shuffled; refused ones wait for a later pass. Returns the refusals seen.

    Each refusal is checked to store nothing. Fails if some event can never be recorded.
    """
    pending = list(events)
    random.Random(seed).shuffle(pending)
    refusals = 0
    while pending:
        deferred = []
        for event in pending:
            before = qa.position
            try:
                qa.record(event)
            except InvalidEvent:
                assert qa.position == before, "a refused event stored something"
                refusals += 1
                deferred.append(event)
        assert len(deferred) < len(pending), f"these events can never be recorded: {deferred}"
        pending = deferred
    return refusals
