"""A child's plans (looked after, child protection), reviews, QA and plan actions.

One stream per child (``child:REF``): becoming and ceasing to be looked after, strategy
discussions, CP plans, reviews, midway reviews, plan actions and QA (R-LAC-1..7, R-CP-1..7).
The child is a pseudonymous reference; nothing here holds a name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .. import events as ev
from ..values import PlanKind, ReviewKind
from .base import Handler, by, nothing, unknown, violation

if TYPE_CHECKING:
    from .casebook import Casebook


@attrs.define
class Child:
    child_ref: str
    action_ids: set[str] = attrs.Factory(set)
    plans_seen: set[PlanKind] = attrs.Factory(set)


def _child(book: Casebook, ref: str) -> Child:
    child = book.children.get(ref)
    if child is None:
        child = book.children[ref] = Child(ref)
    return child


def check_child_known(event: ev.Event, book: Casebook, field: str = "child_ref") -> None:
    if getattr(event, field) not in book.children:
        raise unknown(event, field, "child")


def _starts(plan: PlanKind):  # type: ignore[no-untyped-def]
    def apply(event: ev.ChildBecameLookedAfter | ev.StrategyDiscussionHeld, book: Casebook) -> None:
        _child(book, event.child_ref).plans_seen.add(plan)

    return apply


def _check_review(event: ev.ReviewHeld, book: Casebook) -> None:
    if event.kind is ReviewKind.INITIAL_CP_CONFERENCE:
        return  # an initial conference starts a CP plan; it may be the first we hear of a child
    child = book.children.get(event.child_ref)
    if child is None:
        raise unknown(event, "child_ref", "child")
    if event.kind.plan not in child.plans_seen:
        raise violation(
            event,
            "kind",
            "R-LAC-1" if event.kind is ReviewKind.LOOKED_AFTER_REVIEW else "R-CP-2",
            f"child {event.child_ref!r} has no {event.kind.plan.value} plan recorded",
        )


def _review(event: ev.ReviewHeld, book: Casebook) -> None:
    child = _child(book, event.child_ref)
    child.plans_seen.add(event.kind.plan)
    child.action_ids.update(a.action_id for a in event.actions)
    book.review_child[event.review_id] = event.child_ref


def _check_action(event: ev.PlanActionCompleted, book: Casebook) -> None:
    check_child_known(event, book)
    child = book.children[event.child_ref]
    if event.action_id not in child.action_ids:
        raise unknown(event, "action_id", f"plan action of child {event.child_ref!r}:")


def _review_stream(event: ev.ReviewQualityAssured, book: Casebook) -> str:
    return f"child:{book.review_child.get(event.review_id, '?')}"


def _check_qa(event: ev.ReviewQualityAssured, book: Casebook) -> None:
    if event.review_id not in book.review_child:
        raise unknown(event, "review_id", "review")


_child_stream = by("child", "child_ref")

HANDLERS: dict[type[ev.Event], Handler] = {
    ev.ChildBecameLookedAfter: Handler(_child_stream, nothing, _starts(PlanKind.LOOKED_AFTER)),
    ev.ChildCeasedLookedAfter: Handler(_child_stream, check_child_known, nothing),
    ev.StrategyDiscussionHeld: Handler(_child_stream, nothing, _starts(PlanKind.CHILD_PROTECTION)),
    ev.ChildProtectionPlanEnded: Handler(_child_stream, check_child_known, nothing),
    ev.ReviewHeld: Handler(_child_stream, _check_review, _review),
    ev.MidwayReviewCompleted: Handler(_child_stream, check_child_known, nothing),
    ev.PlanActionCompleted: Handler(_child_stream, _check_action, nothing),
    ev.ReviewQualityAssured: Handler(_review_stream, _check_qa, nothing),
}
