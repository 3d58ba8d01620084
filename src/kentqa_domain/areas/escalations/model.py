"""Escalations by IROs and CP Chairs: stages, responses, resolution (R-ESC-1..5).

Checked by business date, so late typing-up is accepted where it is consistent (decision
0200): a progression dated between two recorded stages fills in a skipped stage, and a
response or progression dated on or before the resolution is history, not a change after it.
What is refused: a stage that would go back in date order (R-ESC-1), anything dated before
the escalation was raised, anything dated after it was resolved or referred, and a second
ending (R-ESC-4, R-ESC-5). R-ESC-4 revised (SPEC 9.2): a referral to Cafcass is the IRO's
power for a looked-after child, so it is refused for an escalation about no child or about
a child not looked after on the referral date, as the child's plans in this write model
show (decision 0971).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Protocol

import attrs

from ...event_base import Event
from ...values import EscalationStage
from ..aggregate import Handler, stream_by, unknown, violation
from ..organisation.model import StaffBook, check_team_exists
from ..plans.model import PlanBook, check_child_known, looked_after_on
from . import events as ev

if TYPE_CHECKING:
    from collections.abc import Callable


@attrs.define
class Escalation:
    """What the rules need of one escalation: its stages by date, its last date, its ending."""

    escalation_id: str
    stage: EscalationStage
    raised_on: dt.date
    #: stage -> the date it was entered by progression (the raised stage is not in here)
    progressions: dict[EscalationStage, dt.date] = attrs.Factory(dict)
    #: the latest date of a response or progression
    last_activity_on: dt.date | None = None
    state: str = "open"  # open, resolved, referred
    closed_on: dt.date | None = None
    #: The child the escalation is about, if any (its follow-ups' free text is the child's data).
    child_ref: str | None = None


class EscalationBook(StaffBook, PlanBook, Protocol):
    """What these rules read and change in the write model: escalations, and the teams and children they concern (the
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""

    escalations: MutableMapping[str, Escalation]


def _check_raise(event: ev.EscalationRaised, book: EscalationBook) -> None:
    if event.child_ref is not None:
        check_child_known(event, book)
    if event.team_id is not None:
        check_team_exists(event, book)


def _raise(event: ev.EscalationRaised, book: EscalationBook) -> None:
    book.escalations[event.escalation_id] = Escalation(
        event.escalation_id, event.stage, event.raised_on, child_ref=event.child_ref
    )


def check_open(event: Event, book: EscalationBook) -> Escalation:
    """R-ESC-5: the escalation exists, the event is not dated before it was raised, and not
    after it was resolved or referred (a late event dated on or before that day is history)."""
    # every event checked here names an escalation; Event, their common base, has no such field
    escalation: Escalation | None = book.escalations.get(event.escalation_id)  # type: ignore[attr-defined]
    if escalation is None:
        raise unknown(event, "escalation_id", "escalation")
    day = event.business_date
    if day < escalation.raised_on:
        raise violation(
            event,
            event.date_field,
            "R-ESC-1",
            f"the escalation was raised on {escalation.raised_on}; nothing of it can be before",
        )
    if escalation.closed_on is not None and day > escalation.closed_on:
        raise violation(
            event,
            event.date_field,
            "R-ESC-5",
            f"the escalation was {escalation.state} on {escalation.closed_on}; "
            "nothing more may be recorded after that",
        )
    return escalation


def _responded(event: ev.EscalationResponded, book: EscalationBook) -> None:
    _touch(book.escalations[event.escalation_id], event.responded_on)


def _touch(escalation: Escalation, day: dt.date) -> None:
    if escalation.last_activity_on is None or day > escalation.last_activity_on:
        escalation.last_activity_on = day


def _check_progress(event: ev.EscalationProgressed, book: EscalationBook) -> None:
    """R-ESC-1: stages in order by date; a progression may skip stages, never go back."""
    escalation = check_open(event, book)
    to, day = event.to_stage, event.progressed_on
    if to.rank <= escalation.stage.rank:
        raise violation(
            event,
            "to_stage",
            "R-ESC-1",
            f"must be above the stage it was raised at ({escalation.stage.value}); stages never go back",
        )
    for stage, entered_on in escalation.progressions.items():
        if (entered_on < day and stage.rank > to.rank) or (entered_on > day and stage.rank < to.rank):
            raise violation(
                event,
                "to_stage",
                "R-ESC-1",
                f"the escalation entered {stage.value} on {entered_on}; {to.value} on {day} "
                "would make a stage go back",
            )


def _progress(event: ev.EscalationProgressed, book: EscalationBook) -> None:
    escalation = book.escalations[event.escalation_id]
    escalation.progressions[event.to_stage] = event.progressed_on
    _touch(escalation, event.progressed_on)


def _check_close(
    rule: str,
) -> Callable[[ev.EscalationResolved | ev.EscalationReferredToCafcass, EscalationBook], None]:
    def check(event: ev.EscalationResolved | ev.EscalationReferredToCafcass, book: EscalationBook) -> None:
        """R-ESC-4/R-ESC-5: one ending, not before anything already recorded on the escalation."""
        escalation = check_open(event, book)
        if escalation.state != "open":
            raise violation(
                event,
                "escalation_id",
                "R-ESC-5",
                f"the escalation was already {escalation.state} on {escalation.closed_on}; it ends once",
            )
        day = event.business_date
        if escalation.last_activity_on is not None and day < escalation.last_activity_on:
            raise violation(
                event,
                event.date_field,
                rule,
                f"the escalation has a response or progression on {escalation.last_activity_on}; "
                "it cannot have ended before that",
            )

    return check


_check_referred = _check_close("R-ESC-4")


def _check_referral(event: ev.EscalationReferredToCafcass, book: EscalationBook) -> None:
    """R-ESC-4 (revised, SPEC 9.2): referral to Cafcass only for an escalation about a child
    looked after on the referral date (the IRO's power); besides the checks of any ending."""
    _check_referred(event, book)
    escalation = book.escalations[event.escalation_id]
    if escalation.child_ref is None:
        raise violation(
            event,
            "escalation_id",
            "R-ESC-4",
            "the escalation is about no child (a team or practice); only an escalation about a "
            "looked-after child may be referred to Cafcass: resolve it instead",
        )
    child = book.children.get(escalation.child_ref)
    if child is None or not looked_after_on(child, event.referred_on):
        raise violation(
            event,
            "referred_on",
            "R-ESC-4",
            f"the child the escalation is about was not looked after on {event.referred_on}; "
            "referral to Cafcass is the IRO's power for a looked-after child (record the "
            "period of care first if it is missing)",
        )


def _close(
    state: str,
) -> Callable[[ev.EscalationResolved | ev.EscalationReferredToCafcass, EscalationBook], None]:
    def apply(event: ev.EscalationResolved | ev.EscalationReferredToCafcass, book: EscalationBook) -> None:
        escalation = book.escalations[event.escalation_id]
        escalation.state = state
        escalation.closed_on = event.business_date

    return apply


_stream = stream_by("escalation", "escalation_id")

HANDLERS: dict[type[Event], Handler] = {
    ev.EscalationRaised: Handler(_stream, _check_raise, _raise),
    ev.EscalationResponded: Handler(_stream, check_open, _responded),
    ev.EscalationProgressed: Handler(_stream, _check_progress, _progress),
    ev.EscalationResolved: Handler(_stream, _check_close("R-ESC-5"), _close("resolved")),
    ev.EscalationReferredToCafcass: Handler(_stream, _check_referral, _close("referred")),
}
