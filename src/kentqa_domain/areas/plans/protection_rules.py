"""The child protection rules of a child's plans: strategy discussions, section 47 enquiries
and the end of a CP plan (R-CP-1, R-CP-7, R-CP-8), and their handlers.

A CP plan's conferences are reviews (:mod:`kentqa_domain.areas.plans.review_rules`). Each
event is checked against the child's history by business date
(:meth:`~kentqa_domain.areas.plans.model.Child.problem_with`; decision 0200).
"""

from __future__ import annotations

from ...event_base import Event
from ...values import PlanKind
from ..aggregate import Handler, violation
from . import events as ev
from .model import PlanBook, check_child_known, child_of, child_stream, refuse, with_day
from .timeline import Fact


def _check_strategy(event: ev.StrategyDiscussionHeld, book: PlanBook) -> None:
    """R-CP-1: a strategy discussion opens a CP plan in the making (or joins the open one)."""
    child = book.children.get(event.child_ref)
    if child is not None:
        refuse(
            event,
            "held_on",
            child.problem_with(PlanKind.CHILD_PROTECTION, (event.held_on, Fact.STRATEGY, None)),
        )


def _strategy(event: ev.StrategyDiscussionHeld, book: PlanBook) -> None:
    child = child_of(book, event.child_ref)
    child.strategy_discussions = with_day(child.strategy_discussions, event.held_on)


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
        refuse(
            event,
            "completed_on",
            child.problem_with(PlanKind.CHILD_PROTECTION, (event.completed_on, Fact.CONCLUDED, None)),
        )


def _s47_completed(event: ev.Section47Completed, book: PlanBook) -> None:
    if not event.conference_required:
        child = book.children[event.child_ref]
        child.s47_concluded = with_day(child.s47_concluded, event.completed_on)


def _check_plan_ended(event: ev.ChildProtectionPlanEnded, book: PlanBook) -> None:
    """R-CP-7: the end needs a CP process (strategy discussion or initial conference) before
    it, and nothing of the plan (review conferences, midway reviews) may fall after it."""
    check_child_known(event, book)
    refuse(
        event,
        "ended_on",
        book.children[event.child_ref].problem_with(
            PlanKind.CHILD_PROTECTION, (event.ended_on, Fact.CLOSE, None)
        ),
    )


def _plan_ended(event: ev.ChildProtectionPlanEnded, book: PlanBook) -> None:
    child = book.children[event.child_ref]
    child.cp_ends = with_day(child.cp_ends, event.ended_on)


HANDLERS: dict[type[Event], Handler] = {
    ev.StrategyDiscussionHeld: Handler(child_stream, _check_strategy, _strategy),
    ev.ChildProtectionPlanEnded: Handler(child_stream, _check_plan_ended, _plan_ended),
    ev.Section47Completed: Handler(child_stream, _check_s47_completed, _s47_completed),
}
