"""The looked-after rules of a child's plans: becoming and ceasing to be looked after, legal
status and placement for adoption (R-LAC-1, R-LAC-7, R-ADO-1), and their handlers.

Each event is checked against the child's history by business date
(:meth:`~kentqa_domain.areas.plans.model.Child.problem_with`; decision 0200).
"""

from __future__ import annotations

import datetime as dt

from ...event_base import Event
from ...values import PlanKind
from ..aggregate import Handler, violation
from . import events as ev
from .model import PlanBook, check_child_known, child_of, child_stream, looked_after_on, refuse, with_day
from .timeline import Fact


def _check_became(event: ev.ChildBecameLookedAfter, book: PlanBook) -> None:
    """R-LAC-1: becoming looked after opens an episode (or, while looked after, continues the
    same period of care); it never makes a recorded event inconsistent, but is walked anyway."""
    child = book.children.get(event.child_ref)
    if child is not None:
        refuse(event, "on", child.problem_with(PlanKind.LOOKED_AFTER, (event.on, Fact.OPEN, None)))


def _became(event: ev.ChildBecameLookedAfter, book: PlanBook) -> None:
    child = child_of(book, event.child_ref)
    child.lac_starts = with_day(child.lac_starts, event.on)


def _check_ceased(event: ev.ChildCeasedLookedAfter, book: PlanBook) -> None:
    """R-LAC-7: ceasing needs an open episode on that date, and closes it: nothing of the
    plan (reviews, midway reviews) may fall after it."""
    check_child_known(event, book)
    refuse(
        event,
        "on",
        book.children[event.child_ref].problem_with(PlanKind.LOOKED_AFTER, (event.on, Fact.CLOSE, None)),
    )


def _ceased(event: ev.ChildCeasedLookedAfter, book: PlanBook) -> None:
    child = book.children[event.child_ref]
    child.lac_ends = with_day(child.lac_ends, event.on)


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
    """The write model keeps nothing of it: the schedules are the read model's
    (:mod:`kentqa_domain.areas.plans.facts`)."""


HANDLERS: dict[type[Event], Handler] = {
    ev.ChildBecameLookedAfter: Handler(child_stream, _check_became, _became),
    ev.ChildCeasedLookedAfter: Handler(child_stream, _check_ceased, _ceased),
    ev.LegalStatusChanged: Handler(child_stream, _check_while_looked_after, _nothing_kept),
    ev.PlacedForAdoption: Handler(child_stream, _check_while_looked_after, _nothing_kept),
}
