"""A child's plans (looked after, child protection), reviews, QA and plan actions: the write
model the rules check against, and what the rules share (R-LAC-1, R-LAC-7, R-CP-2, R-CP-7).

One stream per child (``child:REF``): becoming and ceasing to be looked after, strategy
discussions, CP plans, reviews, midway reviews, plan actions and QA (R-LAC-1..7, R-CP-1..9).
The child is a pseudonymous reference; nothing here holds a name.

Events are checked against the child's history by business date, not by the order they
arrive (decision 0200): the history with the new event is walked in date order
(:mod:`kentqa_domain.areas.plans.timeline`) and the event is refused if the walk finds a problem:
a review or midway review outside an open plan, a review conference before the plan's
initial conference, an ending with no plan open, or a late ending that would leave an
already recorded review outside its plan.

The rules and their handlers: :mod:`~kentqa_domain.areas.plans.looked_after_rules`,
:mod:`~kentqa_domain.areas.plans.protection_rules` and
:mod:`~kentqa_domain.areas.plans.review_rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Protocol

import attrs

from ...event_base import Event
from ...values import PlanKind, ReviewKind
from ..aggregate import stream_by, unknown, violation
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
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""

    children: MutableMapping[str, Child]
    review_child: MutableMapping[str, str]


def with_day(days: tuple[dt.date, ...], day: dt.date) -> tuple[dt.date, ...]:
    """``days`` with ``day`` in it (each date once, as a set would keep it)."""
    return days if day in days else (*days, day)


def child_of(book: PlanBook, ref: str) -> Child:
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


def refuse(event: Event, field: str, problem: Problem | None) -> None:
    if problem is not None:
        raise violation(event, field, problem.rule, problem.message)


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


#: A child's events are recorded on the child's stream (``child:REF``).
child_stream = stream_by("child", "child_ref")
