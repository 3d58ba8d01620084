"""A child's plans (looked after, child protection), reviews, QA and plan actions.

One stream per child (``child:REF``): becoming and ceasing to be looked after, strategy
discussions, CP plans, reviews, midway reviews, plan actions and QA (R-LAC-1..7, R-CP-1..7).
The child is a pseudonymous reference; nothing here holds a name.

Events are checked against the child's history by business date, not by the order they
arrive (decision 0200): the history with the new event is walked in date order
(:mod:`kentqa_domain.areas.plans.timeline`) and the event is refused if the walk finds a problem:
a review or midway review outside an open plan, a review conference before the plan's
initial conference, an ending with no plan open, or a late ending that would leave an
already recorded review outside its plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Protocol

import attrs

from ...event_base import Event
from ...values import PlanKind, ReviewKind
from ..aggregate import Handler, by, unknown, violation
from . import events as ev
from .timeline import Dated, Fact, Problem, walk_child_protection, walk_looked_after


@attrs.define
class Child:
    """What the rules need of one child: the dates of their plans' events and action ids.

    Dates are kept in tuples (each date once; the walk sorts them), not sets: a set costs
    216 bytes even when empty and most children have one or two dates of each kind, so at
    30,000 children tuples save about 35 MB (decision 0820)."""

    child_ref: str
    lac_starts: tuple[dt.date, ...] = ()
    lac_ends: tuple[dt.date, ...] = ()
    strategy_discussions: tuple[dt.date, ...] = ()
    cp_ends: tuple[dt.date, ...] = ()
    #: review id -> (kind, held on)
    reviews: dict[str, tuple[ReviewKind, dt.date]] = attrs.Factory(dict)
    lac_midways: tuple[dt.date, ...] = ()
    cp_midways: tuple[dt.date, ...] = ()
    #: section 47 enquiries concluded with no conference needed (R-CP-8, SPEC 9.2)
    s47_concluded: tuple[dt.date, ...] = ()
    #: initial conferences that made no plan (R-CP-9, SPEC 9.2)
    no_plan: tuple[str, ...] = ()
    #: action id -> (plan, the date of the review that set it or the day it was agreed,
    #: the review id: the one that set it, the one an agreed action follows up, or None)
    actions: dict[str, tuple[PlanKind, dt.date, str | None]] = attrs.Factory(dict)

    def lac_facts(self) -> list[Dated]:
        facts: list[Dated] = [(d, Fact.OPEN, None) for d in self.lac_starts]
        facts += [(d, Fact.CLOSE, None) for d in self.lac_ends]
        facts += [
            (d, Fact.REVIEW, i) for i, (k, d) in self.reviews.items() if k is ReviewKind.LOOKED_AFTER_REVIEW
        ]
        facts += [(d, Fact.MIDWAY, None) for d in self.lac_midways]
        return facts

    def cp_facts(self) -> list[Dated]:
        facts: list[Dated] = [(d, Fact.STRATEGY, None) for d in self.strategy_discussions]
        facts += [(d, Fact.CLOSE, None) for d in self.cp_ends]
        facts += [(d, Fact.CONCLUDED, None) for d in self.s47_concluded]
        for i, (kind, day) in self.reviews.items():
            if kind is ReviewKind.INITIAL_CP_CONFERENCE:
                facts.append((day, Fact.NO_PLAN if i in self.no_plan else Fact.OPEN, i))
            elif kind is ReviewKind.REVIEW_CP_CONFERENCE:
                facts.append((day, Fact.REVIEW, i))
        facts += [(d, Fact.MIDWAY, None) for d in self.cp_midways]
        return facts

    def problem_with(self, plan: PlanKind, fact: Dated) -> Problem | None:
        """R-LAC-1, R-LAC-4, R-LAC-7 / R-CP-1, R-CP-2, R-CP-4, R-CP-7: the child's history of
        ``plan`` with ``fact`` added, walked in date order (:mod:`kentqa_domain.areas.plans.timeline`)."""
        if plan is PlanKind.LOOKED_AFTER:
            return walk_looked_after([*self.lac_facts(), fact]).problem
        return walk_child_protection([*self.cp_facts(), fact]).problem


class PlanBook(Protocol):
    """What these rules read and change in the write model: children's plans, and which child each review is of (the
    :class:`~kentqa_domain.recording.write_model.Casebook` has it)."""

    children: MutableMapping[str, Child]
    review_child: MutableMapping[str, str]


def _with(days: tuple[dt.date, ...], day: dt.date) -> tuple[dt.date, ...]:
    """``days`` with ``day`` in it (each date once, as a set would keep it)."""
    return days if day in days else (*days, day)


def _child(book: PlanBook, ref: str) -> Child:
    child = book.children.get(ref)
    if child is None:
        child = book.children[ref] = Child(ref)
    return child


#: The events that make a child known (SPEC 9.5: an unknown child's error names them).
CHILD_INTRODUCED_BY = (
    "ChildBecameLookedAfter, StrategyDiscussionHeld or a ReviewHeld of kind initial_cp_conference"
)


def looked_after_on(child: Child, day: dt.date) -> bool:
    """Whether ``child`` is looked after on ``day`` by the periods of care recorded so far
    (both the first and the last day of an episode count; R-LAC-7)."""
    if not any(start <= day for start in child.lac_starts):
        return False
    walk = walk_looked_after(child.lac_facts())
    return any(p.opened_on <= day and (p.ended_on is None or day <= p.ended_on) for p in walk.plans)


def check_child_known(event: Event, book: PlanBook, field: str = "child_ref") -> None:
    if getattr(event, field) not in book.children:
        raise unknown(event, field, "child", introduced_by=CHILD_INTRODUCED_BY)


def _refuse(event: Event, field: str, problem: Problem | None) -> None:
    if problem is not None:
        raise violation(event, field, problem.rule, problem.message)


# --- Looked after -------------------------------------------------------------------------


def _check_became(event: ev.ChildBecameLookedAfter, book: PlanBook) -> None:
    """R-LAC-1: becoming looked after opens an episode (or, while looked after, continues the
    same period of care); it never makes a recorded event inconsistent, but is walked anyway."""
    child = book.children.get(event.child_ref)
    if child is not None:
        _refuse(event, "on", child.problem_with(PlanKind.LOOKED_AFTER, (event.on, Fact.OPEN, None)))


def _became(event: ev.ChildBecameLookedAfter, book: PlanBook) -> None:
    child = _child(book, event.child_ref)
    child.lac_starts = _with(child.lac_starts, event.on)


def _check_ceased(event: ev.ChildCeasedLookedAfter, book: PlanBook) -> None:
    """R-LAC-7: ceasing needs an open episode on that date, and closes it: nothing of the
    plan (reviews, midway reviews) may fall after it."""
    check_child_known(event, book)
    _refuse(
        event,
        "on",
        book.children[event.child_ref].problem_with(PlanKind.LOOKED_AFTER, (event.on, Fact.CLOSE, None)),
    )


def _ceased(event: ev.ChildCeasedLookedAfter, book: PlanBook) -> None:
    child = book.children[event.child_ref]
    child.lac_ends = _with(child.lac_ends, event.on)


# --- Child protection ---------------------------------------------------------------------


def _check_strategy(event: ev.StrategyDiscussionHeld, book: PlanBook) -> None:
    """R-CP-1: a strategy discussion opens a CP plan in the making (or joins the open one)."""
    child = book.children.get(event.child_ref)
    if child is not None:
        _refuse(
            event,
            "held_on",
            child.problem_with(PlanKind.CHILD_PROTECTION, (event.held_on, Fact.STRATEGY, None)),
        )


def _strategy(event: ev.StrategyDiscussionHeld, book: PlanBook) -> None:
    child = _child(book, event.child_ref)
    child.strategy_discussions = _with(child.strategy_discussions, event.held_on)


def _check_while_looked_after(event: ev.LegalStatusChanged | ev.PlacedForAdoption, book: PlanBook) -> None:
    """SPEC 9.2: a legal status changes (R-LAC-7) and a child is placed for adoption (R-ADO-1)
    only while the child is looked after, by the periods of care recorded so far."""
    check_child_known(event, book)
    field = event.date_field
    day: dt.date = getattr(event, field)
    if not looked_after_on(book.children[event.child_ref], day):
        rule = "R-ADO-1" if isinstance(event, ev.PlacedForAdoption) else "R-LAC-7"
        raise violation(event, field, rule, f"child {event.child_ref!r} was not looked after on {day}")


def _nothing_kept(event: Event, book: PlanBook) -> None:
    """The write model keeps nothing of it: the schedules are the read model's (plan_facts)."""


def _check_s47_completed(event: ev.Section47Completed, book: PlanBook) -> None:
    """R-CP-8 (SPEC 9.2): an enquiry's outcome follows a strategy discussion of the child on
    or before it; with no conference needed it concludes the plan in the making (it may not
    strand a review conference or midway review already recorded after it)."""
    check_child_known(event, book)
    child = book.children[event.child_ref]
    if not any(d <= event.completed_on for d in child.strategy_discussions):
        raise violation(
            event,
            "completed_on",
            "R-CP-8",
            f"no strategy discussion of child {event.child_ref!r} on or before {event.completed_on} started an enquiry",
        )
    if not event.conference_required:
        _refuse(
            event,
            "completed_on",
            child.problem_with(PlanKind.CHILD_PROTECTION, (event.completed_on, Fact.CONCLUDED, None)),
        )


def _s47_completed(event: ev.Section47Completed, book: PlanBook) -> None:
    if not event.conference_required:
        child = book.children[event.child_ref]
        child.s47_concluded = _with(child.s47_concluded, event.completed_on)


def _check_plan_ended(event: ev.ChildProtectionPlanEnded, book: PlanBook) -> None:
    """R-CP-7: the end needs a CP process (strategy discussion or initial conference) before
    it, and nothing of the plan (review conferences, midway reviews) may fall after it."""
    check_child_known(event, book)
    _refuse(
        event,
        "ended_on",
        book.children[event.child_ref].problem_with(
            PlanKind.CHILD_PROTECTION, (event.ended_on, Fact.CLOSE, None)
        ),
    )


def _plan_ended(event: ev.ChildProtectionPlanEnded, book: PlanBook) -> None:
    child = book.children[event.child_ref]
    child.cp_ends = _with(child.cp_ends, event.ended_on)


# --- Reviews, midway reviews, actions, QA ---------------------------------------------------


def _action_rule(plan: PlanKind) -> str:
    return "R-LAC-6" if plan is PlanKind.LOOKED_AFTER else "R-CP-6"


def _check_review(event: ev.ReviewHeld, book: PlanBook) -> None:
    """R-LAC-1/R-LAC-7: a looked-after review falls in an episode of being looked after.
    R-CP-1/R-CP-2/R-CP-7: an initial conference starts a CP plan (it may be the first we hear
    of the child); a review conference follows the plan's initial conference and is not
    after the plan's end. R-LAC-6/R-CP-6: action ids are the child's, used once."""
    child = book.children.get(event.child_ref)
    if child is None:
        if event.kind is ReviewKind.INITIAL_CP_CONFERENCE:
            return
        raise unknown(event, "child_ref", "child", introduced_by=CHILD_INTRODUCED_BY)
    if event.kind is ReviewKind.LOOKED_AFTER_REVIEW:
        _refuse(
            event, "held_on", child.problem_with(PlanKind.LOOKED_AFTER, (event.held_on, Fact.REVIEW, None))
        )
    elif event.kind is ReviewKind.INITIAL_CP_CONFERENCE:
        opens = Fact.OPEN if event.plan_made else Fact.NO_PLAN  # R-CP-9: no plan made closes it that day
        _refuse(event, "held_on", child.problem_with(PlanKind.CHILD_PROTECTION, (event.held_on, opens, None)))
    else:
        _refuse(
            event,
            "held_on",
            child.problem_with(PlanKind.CHILD_PROTECTION, (event.held_on, Fact.REVIEW, None)),
        )
    for action in event.actions:
        earlier = child.actions.get(action.action_id)
        if earlier is not None:
            raise violation(
                event,
                "actions",
                _action_rule(event.kind.plan),
                f"action id {action.action_id!r} was already {_set_at(earlier)}; give a new action a new id",
            )


def _review(event: ev.ReviewHeld, book: PlanBook) -> None:
    child = _child(book, event.child_ref)
    child.reviews[event.review_id] = (event.kind, event.held_on)
    if not event.plan_made:
        child.no_plan = (*child.no_plan, event.review_id)
    for action in event.actions:
        child.actions[action.action_id] = (event.kind.plan, event.held_on, event.review_id)
    book.review_child[event.review_id] = event.child_ref


def _check_midway(event: ev.MidwayReviewCompleted, book: PlanBook) -> None:
    """R-LAC-4/R-CP-4: a midway review falls in an open plan, after one of its reviews."""
    check_child_known(event, book)
    child = book.children[event.child_ref]
    _refuse(event, "completed_on", child.problem_with(event.plan, (event.completed_on, Fact.MIDWAY, None)))


def _midway(event: ev.MidwayReviewCompleted, book: PlanBook) -> None:
    child = book.children[event.child_ref]
    if event.plan is PlanKind.LOOKED_AFTER:
        child.lac_midways = _with(child.lac_midways, event.completed_on)
    else:
        child.cp_midways = _with(child.cp_midways, event.completed_on)


def _set_at(action: tuple[PlanKind, dt.date, str | None]) -> str:
    _plan, day, review_id = action
    return (
        f"set for this child at review {review_id!r} on {day}"
        if review_id
        else f"agreed for this child on {day}"
    )


def plan_open_on(child: Child, plan: PlanKind, day: dt.date) -> bool:
    """Whether the child's ``plan`` is open on ``day``: a looked-after episode that started on
    or before it and had not ended before it; a CP plan whose initial conference was on or
    before it and had not ended before it (R-LAC-1, R-CP-2, R-LAC-7, R-CP-7)."""
    if plan is PlanKind.LOOKED_AFTER:
        plans = walk_looked_after(child.lac_facts()).plans
        return any(p.opened_on <= day and (p.ended_on is None or day <= p.ended_on) for p in plans)
    plans = walk_child_protection(child.cp_facts()).plans
    return any(
        p.initial is not None and p.initial[0] <= day and (p.ended_on is None or day <= p.ended_on)
        for p in plans
    )


def _check_agreed(event: ev.PlanActionAgreed, book: PlanBook) -> None:
    """R-LAC-6/R-CP-6 (SPEC 9.5): an action agreed between reviews belongs to a plan of the
    child open on ``agreed_on`` (a CP plan from its initial conference); its id is the child's,
    used once; the review it follows up, if named, is one of the child's reviews of that plan
    held on or before ``agreed_on``. Its due date is not before it was agreed (checked by
    the event)."""
    check_child_known(event, book)
    child = book.children[event.child_ref]
    rule = _action_rule(event.plan)
    if event.review_id is not None:
        review = child.reviews.get(event.review_id)
        if review is None:
            raise unknown(event, "review_id", f"review of child {event.child_ref!r}:")
        kind, held_on = review
        if kind.plan is not event.plan:
            raise violation(
                event, "review_id", rule, f"review {event.review_id!r} is of the {kind.plan.value} plan"
            )
        if held_on > event.agreed_on:
            raise violation(
                event,
                "agreed_on",
                rule,
                f"review {event.review_id!r} was held on {held_on}, after the action was agreed",
            )
    if not plan_open_on(child, event.plan, event.agreed_on):
        raise violation(
            event,
            "agreed_on",
            rule,
            f"child {event.child_ref!r} had no {event.plan.value} plan open on {event.agreed_on}",
        )
    earlier = child.actions.get(event.action.action_id)
    if earlier is not None:
        raise violation(
            event,
            "action.action_id",
            rule,
            f"action id {event.action.action_id!r} was already {_set_at(earlier)}; give a new action a new id",
        )


def _agreed(event: ev.PlanActionAgreed, book: PlanBook) -> None:
    child = book.children[event.child_ref]
    child.actions[event.action.action_id] = (event.plan, event.agreed_on, event.review_id)


def _check_action(event: ev.PlanActionCompleted, book: PlanBook) -> None:
    """R-LAC-6/R-CP-6: the action was set at one of the child's reviews or agreed between
    them (``PlanActionAgreed``), on or before its completion. A completion after the plan
    closed is accepted (it follows up a fact)."""
    check_child_known(event, book)
    child = book.children[event.child_ref]
    action = child.actions.get(event.action_id)
    if action is None:
        raise unknown(event, "action_id", f"plan action of child {event.child_ref!r}:")
    plan, set_on, _review_id = action
    if event.completed_on < set_on:
        raise violation(
            event,
            "completed_on",
            _action_rule(plan),
            f"the action was {_set_at(action)}; it cannot be completed before",
        )


def _review_stream(event: ev.ReviewQualityAssured, book: PlanBook) -> str:
    return f"child:{book.review_child.get(event.review_id, '?')}"


def _check_qa(event: ev.ReviewQualityAssured, book: PlanBook) -> None:
    """R-LAC-5/R-CP-5: the QA follows its review (on the day or later, even after the plan closed)."""
    ref = book.review_child.get(event.review_id)
    if ref is None:
        raise unknown(event, "review_id", "review")
    kind, held_on = book.children[ref].reviews[event.review_id]
    if event.assured_on < held_on:
        raise violation(
            event,
            "assured_on",
            "R-LAC-5" if kind is ReviewKind.LOOKED_AFTER_REVIEW else "R-CP-5",
            f"the review was held on {held_on}; its QA cannot be before it",
        )


def _nothing(event: Event, book: PlanBook) -> None:
    """The write model keeps nothing of a QA beyond its existence (the identity index)."""


_child_stream = by("child", "child_ref")

HANDLERS: dict[type[Event], Handler] = {
    ev.ChildBecameLookedAfter: Handler(_child_stream, _check_became, _became),
    ev.ChildCeasedLookedAfter: Handler(_child_stream, _check_ceased, _ceased),
    ev.StrategyDiscussionHeld: Handler(_child_stream, _check_strategy, _strategy),
    ev.ChildProtectionPlanEnded: Handler(_child_stream, _check_plan_ended, _plan_ended),
    ev.Section47Completed: Handler(_child_stream, _check_s47_completed, _s47_completed),
    ev.LegalStatusChanged: Handler(_child_stream, _check_while_looked_after, _nothing_kept),
    ev.PlacedForAdoption: Handler(_child_stream, _check_while_looked_after, _nothing_kept),
    ev.ReviewHeld: Handler(_child_stream, _check_review, _review),
    ev.MidwayReviewCompleted: Handler(_child_stream, _check_midway, _midway),
    ev.PlanActionCompleted: Handler(_child_stream, _check_action, _nothing),
    ev.PlanActionAgreed: Handler(_child_stream, _check_agreed, _agreed),
    ev.ReviewQualityAssured: Handler(_review_stream, _check_qa, _nothing),
}
