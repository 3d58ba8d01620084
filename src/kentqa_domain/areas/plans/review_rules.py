"""The rules of a child's reviews, midway reviews, plan actions and review QA, in either
plan (R-LAC-1, R-LAC-4..7, R-CP-1, R-CP-2, R-CP-4..7, R-CP-9), and their handlers.

Looked-after reviews fall in an episode of being looked after; an initial conference starts
a CP plan (or, making no plan, closes the plan in the making) and review conferences follow
it. Each event is checked against the child's history by business date
(:meth:`~kentqa_domain.areas.plans.model.Child.problem_with`; decision 0200).
"""

from __future__ import annotations

import datetime as dt

from ...event_base import Event
from ...values import PlanKind, ReviewKind
from ..aggregate import Handler, unknown, violation
from . import events as ev
from .model import (
    CHILD_INTRODUCED_BY,
    PlanBook,
    check_child_known,
    child_of,
    child_stream,
    plan_open_on,
    refuse,
    with_day,
)
from .timeline import Fact


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
        refuse(
            event, "held_on", child.problem_with(PlanKind.LOOKED_AFTER, (event.held_on, Fact.REVIEW, None))
        )
    elif event.kind is ReviewKind.INITIAL_CP_CONFERENCE:
        opens = Fact.OPEN if event.plan_made else Fact.NO_PLAN  # R-CP-9: no plan made closes it that day
        refuse(event, "held_on", child.problem_with(PlanKind.CHILD_PROTECTION, (event.held_on, opens, None)))
    else:
        refuse(
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
    child = child_of(book, event.child_ref)
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
    refuse(event, "completed_on", child.problem_with(event.plan, (event.completed_on, Fact.MIDWAY, None)))


def _midway(event: ev.MidwayReviewCompleted, book: PlanBook) -> None:
    child = book.children[event.child_ref]
    if event.plan is PlanKind.LOOKED_AFTER:
        child.lac_midways = with_day(child.lac_midways, event.completed_on)
    else:
        child.cp_midways = with_day(child.cp_midways, event.completed_on)


def _set_at(action: tuple[PlanKind, dt.date, str | None]) -> str:
    _plan, day, review_id = action
    return (
        f"set for this child at review {review_id!r} on {day}"
        if review_id
        else f"agreed for this child on {day}"
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


HANDLERS: dict[type[Event], Handler] = {
    ev.ReviewHeld: Handler(child_stream, _check_review, _review),
    ev.MidwayReviewCompleted: Handler(child_stream, _check_midway, _midway),
    ev.PlanActionCompleted: Handler(child_stream, _check_action, _nothing),
    ev.PlanActionAgreed: Handler(child_stream, _check_agreed, _agreed),
    ev.ReviewQualityAssured: Handler(_review_stream, _check_qa, _nothing),
}
