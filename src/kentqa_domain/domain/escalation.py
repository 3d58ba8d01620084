"""Escalations by IROs and CP Chairs: stages, responses, resolution (R-ESC-1..5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .. import events as ev
from ..values import EscalationStage
from .base import Handler, by, nothing, unknown, violation
from .child_plan import check_child_known
from .staff import check_team_exists

if TYPE_CHECKING:
    from .casebook import Casebook


@attrs.define
class Escalation:
    escalation_id: str
    stage: EscalationStage
    state: str = "open"  # open, resolved, referred
    #: The child the escalation is about, if any (its follow-ups' free text is the child's data).
    child_ref: str | None = None


def _check_raise(event: ev.EscalationRaised, book: Casebook) -> None:
    if event.child_ref is not None:
        check_child_known(event, book)
    if event.team_id is not None:
        check_team_exists(event, book)


def _raise(event: ev.EscalationRaised, book: Casebook) -> None:
    book.escalations[event.escalation_id] = Escalation(event.escalation_id, event.stage, child_ref=event.child_ref)


def check_open(event: ev.Event, book: Casebook) -> Escalation:
    """R-ESC-5: the escalation exists and is neither resolved nor referred."""
    escalation = book.escalations.get(event.escalation_id)  # type: ignore[attr-defined]
    if escalation is None:
        raise unknown(event, "escalation_id", "escalation")
    if escalation.state != "open":
        raise violation(
            event,
            "escalation_id",
            "R-ESC-5",
            f"the escalation is {escalation.state}; nothing more may be recorded",
        )
    return escalation


def _check_progress(event: ev.EscalationProgressed, book: Casebook) -> None:
    escalation = check_open(event, book)
    if event.to_stage.rank <= escalation.stage.rank:
        raise violation(
            event,
            "to_stage",
            "R-ESC-1",
            f"must be above the current stage {escalation.stage.value}; stages never go back",
        )


def _progress(event: ev.EscalationProgressed, book: Casebook) -> None:
    book.escalations[event.escalation_id].stage = event.to_stage


def _close(state: str):  # type: ignore[no-untyped-def]
    def apply(event: ev.Event, book: Casebook) -> None:
        book.escalations[event.escalation_id].state = state  # type: ignore[attr-defined]

    return apply


_stream = by("escalation", "escalation_id")

HANDLERS: dict[type[ev.Event], Handler] = {
    ev.EscalationRaised: Handler(_stream, _check_raise, _raise),
    ev.EscalationResponded: Handler(_stream, check_open, nothing),
    ev.EscalationProgressed: Handler(_stream, _check_progress, _progress),
    ev.EscalationResolved: Handler(_stream, check_open, _close("resolved")),
    ev.EscalationReferredToCafcass: Handler(_stream, check_open, _close("referred")),
}
