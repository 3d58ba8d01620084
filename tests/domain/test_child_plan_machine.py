"""A state machine over children's plans (hypothesis ``RuleBasedStateMachine``).

Each step tries to record one event of a child's looked-after or child protection plan, good
or bad, in any order of business dates (decision 0200): becoming and ceasing to be looked
after (R-LAC-1, R-LAC-7), strategy discussions (R-CP-1), reviews of the three kinds with plan
actions (R-LAC-1..3, R-CP-1..3), midway reviews (R-LAC-4, R-CP-4), the QA of a review
(R-LAC-5, R-CP-5), plan actions completed (R-LAC-6, R-CP-6) and CP plans ended (R-CP-7).

A plain model says which refusals are allowed: it walks each child's facts in date order and
refuses what falls outside an open plan (a review or midway review with no plan open, a review
conference or midway review before the plan's initial conference, a looked-after midway review
with no review before it in the episode, an ending with no plan open or one that strands a
recorded review), follow-ups of an unknown child, review or action, and an action id used
twice for a child. The invariants are: a refused event stores nothing, re-sending the same
event is a no-op, the same identity with other content is a ``ConflictingEvent``, and
``drift_register`` equals ``plan_oracle.drift_oracle`` over the events accepted so far at a
few dates.

Limit, on purpose: each kind of plan fact has its own weekday (strategy discussions on
Mondays, openings on Tuesdays, reviews on Wednesdays, midway reviews on Thursdays, endings on
Fridays), so facts of different kinds never share a day and the model needs no same-day
order; same-day orders are worked by hand in test_child_plan_rules.py. Action completions and
QAs fall on any day. A second initial conference in a CP plan (another of the child's
initial conferences with no plan end between them) is not sent: by decision 0200 the second
one starts a new plan (the first plan's end was not recorded), which ``drift_oracle`` does not
model (it counts both as conferences of one plan). Nor is a second review of one kind of a
child on one day: which of the two is "the latest" (the review a ``review_overdue`` or
``midway_overdue`` row names) is then decided by the order of the reviews' pseudonyms under
the child's random key, so two stores holding the same events may name different reviews
(found by this machine; reported, not fixed here), while the oracle takes the later recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference
from kentqa_domain.values import Action, PlanKind, ReviewKind

from .plan_oracle import drift_oracle

BASE = dt.date(2026, 1, 5)  # a Monday
WEEKS = st.integers(0, 30)
CHILDREN = ["C1", "C2", "C3"]
REVIEWS = [f"R{n}" for n in range(10)]
#: the weekday of each kind of plan fact (Monday 0): see the module's docstring
STRATEGY, OPEN, REVIEW, MIDWAY, CLOSE = range(5)
CHECK_DAYS = [BASE + dt.timedelta(days=n) for n in (45, 130, 220, 400)]
LAC, CP = PlanKind.LOOKED_AFTER, PlanKind.CHILD_PROTECTION


def day_of(week: int, slot: int) -> dt.date:
    return BASE + dt.timedelta(weeks=week, days=slot)


def identity(e: ev.Event) -> tuple[Any, ...]:
    """What makes two recordings the same event (SPEC section 2), for the event types here."""
    fields = {
        ev.ChildBecameLookedAfter: ("child_ref", "on"),
        ev.ChildCeasedLookedAfter: ("child_ref", "on"),
        ev.StrategyDiscussionHeld: ("child_ref", "held_on"),
        ev.ChildProtectionPlanEnded: ("child_ref", "ended_on"),
        ev.ReviewHeld: ("review_id",),
        ev.MidwayReviewCompleted: ("child_ref", "plan", "completed_on"),
        ev.PlanActionCompleted: ("child_ref", "action_id"),
        ev.ReviewQualityAssured: ("review_id",),
    }[type(e)]
    return (type(e).__name__, *(getattr(e, f) for f in fields))


def plan_fact(e: ev.Event) -> tuple[PlanKind, int] | None:
    """The plan an event is a fact of and its kind of fact (its weekday slot), if any."""
    if isinstance(e, ev.ChildBecameLookedAfter):
        return LAC, OPEN
    if isinstance(e, ev.ChildCeasedLookedAfter):
        return LAC, CLOSE
    if isinstance(e, ev.StrategyDiscussionHeld):
        return CP, STRATEGY
    if isinstance(e, ev.ChildProtectionPlanEnded):
        return CP, CLOSE
    if isinstance(e, ev.MidwayReviewCompleted):
        return e.plan, MIDWAY
    if isinstance(e, ev.ReviewHeld):
        if e.kind is ReviewKind.LOOKED_AFTER_REVIEW:
            return LAC, REVIEW
        return CP, OPEN if e.kind is ReviewKind.INITIAL_CP_CONFERENCE else REVIEW
    return None


def consistent(plan: PlanKind, facts: list[tuple[dt.date, int]]) -> bool:
    """Whether one child's facts of ``plan`` make sense in date order (facts of different
    kinds never share a day here).

    Looked after (R-LAC-1, R-LAC-4, R-LAC-7): becoming looked after opens an episode (or
    continues the open one); ceasing closes the open one; reviews fall in an open episode;
    a midway review follows a review of the open episode.
    Child protection (R-CP-1, R-CP-2, R-CP-4, R-CP-7): a strategy discussion opens a plan in
    the making (or joins the open plan); an initial conference is the first of the open plan,
    or, if that already had one, starts a new plan; an ending closes the open plan (made or
    in the making); review conferences and midway reviews fall in an open plan after its
    initial conference."""
    open_plan: dict[str, Any] | None = None
    for day, kind in sorted(facts):
        if kind == STRATEGY:
            open_plan = open_plan or {"initial": None, "reviews": []}
        elif kind == OPEN:
            if plan is CP and open_plan is not None and open_plan["initial"] is not None:
                open_plan = None  # the previous plan's end was not recorded: a new plan
            open_plan = open_plan or {"initial": None, "reviews": []}
            open_plan["initial"] = day
        elif kind == CLOSE:
            if open_plan is None:
                return False
            open_plan = None
        elif open_plan is None or (plan is CP and open_plan["initial"] is None):
            return False
        elif kind == REVIEW:
            open_plan["reviews"].append(day)
        elif plan is LAC and not open_plan["reviews"]:  # a midway review with no review before it
            return False
    return True


def as_tuples(rows: Any) -> set[tuple[Any, ...]]:
    return {
        (r.child_ref, r.plan.value, r.kind.value, r.due_on, r.working_days_overdue, r.escalation_id,
         r.review_id, r.action_id)
        for r in rows
    }  # fmt: skip


class ChildPlanMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.qa = kq.connect("memory://", policy=kq.Policy())
        self.accepted: list[ev.Event] = []
        self.by_identity: dict[tuple[Any, ...], ev.Event] = {}

    @initialize(lac=st.integers(0, 4), cp=st.integers(0, 4))
    def children(self, lac: int, cp: int) -> None:
        """C1 becomes looked after and C2 is the subject of a section 47 strategy discussion
        early on; C3 is unknown until a step introduces it."""
        self.try_record(ev.ChildBecameLookedAfter(child_ref="C1", on=day_of(lac, OPEN)))
        self.try_record(ev.StrategyDiscussionHeld(child_ref="C2", held_on=day_of(cp, STRATEGY)))

    def teardown(self) -> None:
        self.qa.close()

    # --- the model -------------------------------------------------------------------------

    def known(self, child: str) -> bool:
        """SPEC 2, 9.5: a child is introduced by becoming looked after, a strategy discussion
        or an initial conference (any accepted review: others need a known child)."""
        return any(
            isinstance(x, (ev.ChildBecameLookedAfter, ev.StrategyDiscussionHeld, ev.ReviewHeld))
            and x.child_ref == child
            for x in self.accepted
        )

    def reviews(self) -> dict[str, ev.ReviewHeld]:
        return {x.review_id: x for x in self.accepted if isinstance(x, ev.ReviewHeld)}

    def actions(self, child: str) -> dict[str, dt.date]:
        """The child's plan actions: id -> the day the review that set it was held."""
        return {
            a.action_id: x.held_on
            for x in self.accepted
            if isinstance(x, ev.ReviewHeld) and x.child_ref == child
            for a in x.actions
        }

    def second_initial(self, child: str, review: str, on: dt.date) -> bool:
        """Whether an initial conference of ``child`` on ``on`` would be a second one in a CP
        plan: another of the child's initial conferences with no plan end between the two."""
        ends = [
            x.ended_on
            for x in self.accepted
            if isinstance(x, ev.ChildProtectionPlanEnded) and x.child_ref == child
        ]
        return any(
            isinstance(x, ev.ReviewHeld) and x.child_ref == child and x.kind is ReviewKind.INITIAL_CP_CONFERENCE
            and x.review_id != review
            and not any(min(x.held_on, on) < end < max(x.held_on, on) for end in ends)
            for x in self.accepted
        )  # fmt: skip

    def allowed_errors(self, e: ev.Event) -> set[type[InvalidEvent]]:
        """Every refusal the rules allow for ``e`` now (empty: it must be accepted)."""
        if isinstance(e, ev.ReviewQualityAssured):  # R-LAC-5, R-CP-5
            review = self.reviews().get(e.review_id)
            if review is None:
                return {UnknownReference}
            return {RuleViolation} if e.assured_on < review.held_on else set()
        child = e.child_ref  # type: ignore[attr-defined]
        introduces = isinstance(e, (ev.ChildBecameLookedAfter, ev.StrategyDiscussionHeld)) or (
            isinstance(e, ev.ReviewHeld) and e.kind is ReviewKind.INITIAL_CP_CONFERENCE
        )
        if not introduces and not self.known(child):
            return {UnknownReference}
        if isinstance(e, ev.PlanActionCompleted):  # R-LAC-6, R-CP-6
            set_on = self.actions(child).get(e.action_id)
            if set_on is None:
                return {UnknownReference}
            return {RuleViolation} if e.completed_on < set_on else set()
        plan, kind = plan_fact(e)  # type: ignore[misc]
        facts = [(x.business_date, f[1]) for x in self.accepted
                 if getattr(x, "child_ref", None) == child and (f := plan_fact(x)) is not None and f[0] is plan]  # fmt: skip
        errors: set[type[InvalidEvent]] = set()
        if not consistent(plan, [*facts, (e.business_date, kind)]):
            errors.add(RuleViolation)
        if isinstance(e, ev.ReviewHeld) and any(a.action_id in self.actions(child) for a in e.actions):
            errors.add(RuleViolation)  # R-LAC-6, R-CP-6: an action id is the child's, used once
        return errors

    def try_record(self, e: ev.Event) -> None:
        before = (self.qa.position, self.qa.stats())
        known = self.by_identity.get(identity(e))
        if known is not None:
            if known == e:
                assert self.qa.record(e) <= before[0]  # a no-op returning the first position
                event("re-sent")
            else:
                try:
                    self.qa.record(e)
                    raise AssertionError(f"expected a conflict for {e}")
                except ConflictingEvent:
                    event("refused: ConflictingEvent")
                except UnknownReference:
                    # a review id of another child, sent for a child never recorded: refused
                    # for its child before its identity is looked at (either refusal will do)
                    assert not self.known(e.child_ref), e  # type: ignore[attr-defined]
                    event("refused: UnknownReference for a known review id")
            assert (self.qa.position, self.qa.stats()) == before
            return
        allowed = self.allowed_errors(e)
        try:
            self.qa.record(e)
        except InvalidEvent as error:
            assert type(error) in allowed, f"{e} refused: {error}"
            assert error.event_type == type(e).__name__ and error.field
            assert (self.qa.position, self.qa.stats()) == before  # nothing stored
            event(f"refused: {type(e).__name__} {type(error).__name__} {error.rule}")
            return
        assert not allowed, f"{e} accepted, expected one of {allowed}"
        assert self.qa.position > before[0]
        event(f"accepted: {type(e).__name__}")
        self.accepted.append(e)
        self.by_identity[identity(e)] = e

    # --- steps ---------------------------------------------------------------------------

    @rule(child=st.sampled_from(CHILDREN), week=WEEKS, iro=st.sampled_from([None, "IRO1"]))
    def become_looked_after(self, child: str, week: int, iro: str | None) -> None:
        self.try_record(ev.ChildBecameLookedAfter(child_ref=child, on=day_of(week, OPEN), iro_id=iro))

    @rule(child=st.sampled_from(CHILDREN), week=WEEKS)
    def cease_looked_after(self, child: str, week: int) -> None:
        self.try_record(ev.ChildCeasedLookedAfter(child_ref=child, on=day_of(week, CLOSE)))

    @rule(child=st.sampled_from(CHILDREN), week=WEEKS, s47=st.sampled_from([True, True, False]))
    def strategy_discussion(self, child: str, week: int, s47: bool) -> None:
        self.try_record(
            ev.StrategyDiscussionHeld(child_ref=child, held_on=day_of(week, STRATEGY), section_47=s47)
        )

    @rule(child=st.sampled_from(CHILDREN), week=WEEKS)
    def end_cp_plan(self, child: str, week: int) -> None:
        self.try_record(ev.ChildProtectionPlanEnded(child_ref=child, ended_on=day_of(week, CLOSE)))

    @rule(
        data=st.data(),
        review=st.sampled_from(REVIEWS),
        child=st.sampled_from(CHILDREN),
        kind=st.sampled_from(list(ReviewKind)),
        week=WEEKS,
    )
    def hold_review(self, data: st.DataObject, review: str, child: str, kind: ReviewKind, week: int) -> None:
        on = day_of(week, OPEN if kind is ReviewKind.INITIAL_CP_CONFERENCE else REVIEW)
        if kind is ReviewKind.INITIAL_CP_CONFERENCE and self.second_initial(child, review, on):
            return  # left out: see the module's docstring
        if any(isinstance(x, ev.ReviewHeld) and (x.child_ref, x.kind, x.held_on) == (child, kind, on)
               and x.review_id != review for x in self.accepted):  # fmt: skip
            return  # left out: see the module's docstring
        ids = data.draw(
            st.lists(st.sampled_from([f"{review}-a", f"{review}-b", "shared"]), unique=True, max_size=2)
        )
        actions = tuple(
            Action(action_id=i, description="Do it", owner_id="SW1",
                   due_on=on + dt.timedelta(days=data.draw(st.integers(0, 60))))
            for i in ids
        )  # fmt: skip
        self.try_record(
            ev.ReviewHeld(
                review_id=review, child_ref=child, kind=kind, held_on=on, chair_id="IRO1", actions=actions
            )
        )

    @rule(data=st.data(), review=st.sampled_from(REVIEWS), weeks=st.integers(0, 12))
    def review_an_open_plan(self, data: st.DataObject, review: str, weeks: int) -> None:
        """A review (with actions) some weeks after a recorded opening: a looked-after review
        after becoming looked after, a review conference after an initial conference."""
        opened = [x for x in self.accepted if isinstance(x, ev.ChildBecameLookedAfter)
                  or (isinstance(x, ev.ReviewHeld) and x.kind is ReviewKind.INITIAL_CP_CONFERENCE)]  # fmt: skip
        if not opened:
            return
        first = data.draw(st.sampled_from(opened))
        lac = isinstance(first, ev.ChildBecameLookedAfter)
        week = (first.business_date - BASE).days // 7 + weeks
        kind = ReviewKind.LOOKED_AFTER_REVIEW if lac else ReviewKind.REVIEW_CP_CONFERENCE
        self.hold_review(data, review, first.child_ref, kind, week)

    @rule(
        child=st.sampled_from(CHILDREN),
        week=WEEKS,
        plan=st.sampled_from([LAC, CP]),
        by=st.sampled_from(["IRO1", "CH1"]),
    )
    def midway(self, child: str, week: int, plan: PlanKind, by: str) -> None:
        self.try_record(
            ev.MidwayReviewCompleted(child_ref=child, plan=plan, completed_on=day_of(week, MIDWAY), by=by)
        )

    @rule(data=st.data())
    def complete_action(self, data: st.DataObject) -> None:
        """Mostly an action set at a recorded review, done from the day before it was set (refused,
        R-LAC-6/R-CP-6) to well after its due date."""
        set_at = [(x, a) for x in self.accepted if isinstance(x, ev.ReviewHeld) for a in x.actions]
        if set_at and data.draw(st.integers(0, 4)) > 0:
            review, action = data.draw(st.sampled_from(set_at))
            child, action_id = review.child_ref, action.action_id
            on = review.held_on + dt.timedelta(
                days=data.draw(st.sampled_from([-2, -1, 0, 1, 3, 10, 25, 45, 70]))
            )
        else:
            child, action_id = (
                data.draw(st.sampled_from(CHILDREN)),
                data.draw(st.sampled_from(["R1-a", "shared"])),
            )
            on = day_of(data.draw(WEEKS), data.draw(st.integers(0, 6)))
        self.try_record(ev.PlanActionCompleted(child_ref=child, action_id=action_id, completed_on=on))

    @rule(data=st.data(), smart=st.none() | st.booleans())
    def quality_assure(self, data: st.DataObject, smart: bool | None) -> None:
        """The QA of a review: mostly a recorded one, a few days either side of it."""
        held = list(self.reviews().values())
        if held and data.draw(st.integers(0, 4)) > 0:
            review = data.draw(st.sampled_from(held))
            review_id, on = (
                review.review_id,
                review.held_on + dt.timedelta(days=data.draw(st.integers(-2, 12))),
            )
        else:
            review_id, on = data.draw(st.sampled_from(REVIEWS)), day_of(data.draw(WEEKS), 2)
        self.try_record(
            ev.ReviewQualityAssured(review_id=review_id, assured_on=on, by="IRO1", plan_reflects_needs=True,
                                    actions_in_child_timeframe=True, consistent_with_legal_duties=True, smart=smart)
        )  # fmt: skip

    @rule(data=st.data())
    def resend(self, data: st.DataObject) -> None:
        """Integrations re-send: the same event again is a no-op."""
        if self.accepted:
            self.try_record(data.draw(st.sampled_from(self.accepted)))

    @invariant()
    def drift_equals_the_oracle(self) -> None:
        """R-LAC-1..7, R-CP-1..7 (section 5's drift register) over the accepted events."""
        for as_of in CHECK_DAYS:
            rows = self.qa.drift_register(as_of=as_of)
            expected = drift_oracle(self.accepted, self.qa.policy, as_of)
            assert as_tuples(rows) == expected
            assert len(rows) == len(expected)  # no row twice
            if expected:
                event(f"drift rows on day {(as_of - BASE).days}")


ChildPlanMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=30, deadline=None)
test_child_plan_machine = ChildPlanMachine.TestCase


def test_a_review_id_already_used_for_another_child_is_a_conflict() -> None:
    """SPEC 2 (identity ``review_id``), found by the machine: a review id is one review. The
    identity index sees review ids pseudonymised under each child's key, so another child's
    review with the same id was accepted, and a QA of that id then went to the second child
    only, leaving the first review ``qa_overdue``. Now refused, alone or later in one batch,
    storing nothing of it; the first child's review is assured by its QA."""
    on = dt.date(2026, 1, 6)

    def review(review_id: str, child: str) -> ev.ReviewHeld:
        return ev.ReviewHeld(review_id=review_id, child_ref=child, kind="looked_after_review", held_on=on)

    with kq.connect("memory://", policy=kq.Policy()) as qa:
        for child in ("C1", "C2"):
            qa.record(ev.ChildBecameLookedAfter(child_ref=child, on=on, iro_id="IRO1"))
        qa.record(review("R0", "C1"))
        before = (qa.position, qa.stats())
        refused: list[InvalidEvent] = []
        qa.record_many([review("R0", "C2")], on_invalid=lambda _i, error: refused.append(error))
        assert (qa.position, qa.stats()) == before
        qa.record_many(
            [review("R9", "C1"), review("R9", "C2")], on_invalid=lambda _i, error: refused.append(error)
        )
        assert qa.stats()["ReviewHeld"] == before[1]["ReviewHeld"] + 1
        assert [(type(e), e.event_type, e.field, e.rule) for e in refused] == [
            (ConflictingEvent, "ReviewHeld", "child_ref", "idempotency")
        ] * 2
        qa.record(ev.ReviewQualityAssured(review_id="R0", assured_on=on, by="IRO1", plan_reflects_needs=True,
                                          actions_in_child_timeframe=True, consistent_with_legal_duties=True))  # fmt: skip
        assert not [r for r in qa.drift_register(as_of=dt.date(2026, 2, 10)) if r.review_id == "R0"]
