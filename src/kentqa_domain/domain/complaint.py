"""Complaints through the statutory stages, and the corporate route (R-CMP-1..6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .. import events as ev
from ..values import ComplaintStage
from .base import Handler, by, nothing, unknown, violation

if TYPE_CHECKING:
    from .casebook import Casebook


@attrs.define
class Complaint:
    complaint_id: str
    statutory: bool
    stage: ComplaintStage = ComplaintStage.STAGE_1
    stage_open: bool = True
    withdrawn: bool = False
    extended: set[ComplaintStage] = attrs.Factory(set)


def _receive(event: ev.ComplaintReceived, book: Casebook) -> None:
    book.complaints[event.complaint_id] = Complaint(event.complaint_id, event.statutory)


def check_live(event: ev.Event, book: Casebook) -> Complaint:
    """R-CMP-5: the complaint exists and was not withdrawn."""
    complaint = book.complaints.get(event.complaint_id)  # type: ignore[attr-defined]
    if complaint is None:
        raise unknown(event, "complaint_id", "complaint")
    if complaint.withdrawn:
        raise violation(event, "complaint_id", "R-CMP-5", "the complaint was withdrawn; it is closed")
    return complaint


def _check_current_stage(
    event: ev.ComplaintTimescaleExtended | ev.ComplaintResponded, book: Casebook
) -> None:
    complaint = check_live(event, book)
    if event.stage is not complaint.stage or not complaint.stage_open:
        raise violation(
            event,
            "stage",
            "R-CMP-5",
            f"the open stage is {complaint.stage.value if complaint.stage_open else 'none'}",
        )
    if isinstance(event, ev.ComplaintTimescaleExtended):
        if event.stage in complaint.extended:
            raise violation(event, "stage", "R-CMP-1", "a stage's timescale can be extended only once")
        if event.stage is ComplaintStage.STAGE_3 or not complaint.statutory:
            raise violation(event, "stage", "R-CMP-3", "only stage 1 and stage 2 timescales can be extended")


def _extend(event: ev.ComplaintTimescaleExtended, book: Casebook) -> None:
    book.complaints[event.complaint_id].extended.add(event.stage)


def _respond(event: ev.ComplaintResponded, book: Casebook) -> None:
    book.complaints[event.complaint_id].stage_open = False


def _check_escalate(event: ev.ComplaintEscalated, book: Casebook) -> None:
    complaint = check_live(event, book)
    if not complaint.statutory:
        raise violation(event, "to_stage", "R-CMP-6", "a corporate complaint has one stage")
    if event.to_stage.rank <= complaint.stage.rank:
        raise violation(
            event, "to_stage", "R-CMP-5", f"must be after {complaint.stage.value}; stages only move forward"
        )


def _escalate(event: ev.ComplaintEscalated, book: Casebook) -> None:
    complaint = book.complaints[event.complaint_id]
    complaint.stage = event.to_stage
    complaint.stage_open = True


def _withdraw(event: ev.ComplaintWithdrawn, book: Casebook) -> None:
    book.complaints[event.complaint_id].withdrawn = True


_stream = by("complaint", "complaint_id")

HANDLERS: dict[type[ev.Event], Handler] = {
    ev.ComplaintReceived: Handler(_stream, nothing, _receive),
    ev.ComplaintTimescaleExtended: Handler(_stream, _check_current_stage, _extend),
    ev.ComplaintResponded: Handler(_stream, _check_current_stage, _respond),
    ev.ComplaintEscalated: Handler(_stream, _check_escalate, _escalate),
    ev.ComplaintWithdrawn: Handler(_stream, check_live, _withdraw),
}
