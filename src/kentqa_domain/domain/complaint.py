"""Complaints through the statutory stages, and the corporate route (R-CMP-1..6).

The write model keeps, per complaint, the business date each stage was entered, responded
to and extended, and the withdrawal date. Refusals are judged on those *business dates*, not
on the order events are recorded in, so a response typed up after the complainant's stage 2
request is still accepted if it is dated before that request (SPEC section 2, late events;
decision 0401). Recording order matters only where one event is the subject of another:
the complaint must be received first, and a stage must be requested before anything is
recorded for it.

Rules enforced here (deadlines are computed at query time, see
``projections.complaint_timescales``):

- R-CMP-5 stages only move forward, one at a time (a stage 3 review panel follows a stage 2
  investigation); a request is never dated before the stage it leaves or before anything
  already recorded for that stage.
- R-CMP-5 a response closes its stage: no extension is dated after it.
- R-CMP-5 the next stage's request closes the previous stage: no response or extension of a
  stage is dated after the complainant moved on.
- R-CMP-5 withdrawal closes all: nothing is dated after the withdrawal, and the withdrawal is
  never dated before anything already recorded.
- R-CMP-1, R-CMP-2 one extension per stage, stage 1 and stage 2 only; R-CMP-3 stage 3 (the
  review panel) has no extension.
- R-CMP-6 a corporate (non-statutory) complaint has one stage (``stage_1``) and no extension.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from .. import events as ev
from ..values import ComplaintStage
from .base import Handler, by, unknown, violation
from .staff import check_team_exists

if TYPE_CHECKING:
    from .casebook import Casebook

_STAGES = tuple(ComplaintStage)


@attrs.define
class Complaint:
    """What the rules need of one complaint: business dates per stage."""

    complaint_id: str
    statutory: bool
    received_on: dt.date
    entered: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    responded: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    extended: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    withdrawn_on: dt.date | None = None

    @property
    def stage(self) -> ComplaintStage:
        """The furthest stage entered."""
        return max(self.entered, key=lambda s: s.rank)

    def next_request(self, stage: ComplaintStage) -> dt.date | None:
        """The date the complainant asked for the stage after ``stage``, if they did."""
        if stage.rank + 1 >= len(_STAGES):
            return None
        return self.entered.get(_STAGES[stage.rank + 1])

    def dates_of(self, stage: ComplaintStage) -> list[dt.date]:
        """Every business date recorded for ``stage`` (entry, extension, response)."""
        found = [self.entered.get(stage), self.extended.get(stage), self.responded.get(stage)]
        return [d for d in found if d is not None]

    def latest_on(self) -> dt.date:
        """The latest business date recorded for the complaint."""
        return max(d for stage in self.entered for d in self.dates_of(stage))


# --- folding accepted events -----------------------------------------------------------------


def _receive(event: ev.ComplaintReceived, book: Casebook) -> None:
    book.complaints[event.complaint_id] = Complaint(
        event.complaint_id,
        event.statutory,
        event.received_on,
        entered={ComplaintStage.STAGE_1: event.received_on},
    )


def _extend(event: ev.ComplaintTimescaleExtended, book: Casebook) -> None:
    book.complaints[event.complaint_id].extended[event.stage] = event.extended_on


def _respond(event: ev.ComplaintResponded, book: Casebook) -> None:
    book.complaints[event.complaint_id].responded[event.stage] = event.responded_on


def _escalate(event: ev.ComplaintEscalated, book: Casebook) -> None:
    book.complaints[event.complaint_id].entered[event.to_stage] = event.requested_on


def _withdraw(event: ev.ComplaintWithdrawn, book: Casebook) -> None:
    book.complaints[event.complaint_id].withdrawn_on = event.withdrawn_on


# --- checks: every refusal names the field and the rule --------------------------------------


def check_received(event: ev.ComplaintReceived, book: Casebook) -> None:
    """The complaint's team, when given, is registered (R-ACC-1 scopes rows by team)."""
    if event.team_id is not None:
        check_team_exists(event, book)


def check_known(event: ev.Event, book: Casebook) -> Complaint:
    """The complaint an event follows up was received."""
    complaint: Complaint | None = book.complaints.get(event.complaint_id)  # type: ignore[attr-defined]
    if complaint is None:
        raise unknown(event, "complaint_id", "complaint")
    return complaint


def check_not_after_withdrawal(event: ev.Event, complaint: Complaint, field: str) -> None:
    """R-CMP-5: withdrawal closes all; nothing is dated after it."""
    when: dt.date = getattr(event, field)
    if complaint.withdrawn_on is not None and when > complaint.withdrawn_on:
        raise violation(
            event,
            field,
            "R-CMP-5",
            f"the complaint was withdrawn on {complaint.withdrawn_on.isoformat()}; "
            "withdrawal closes every stage",
        )


def check_stage_event(
    event: ev.ComplaintTimescaleExtended | ev.ComplaintResponded, book: Casebook
) -> Complaint:
    """R-CMP-5, R-CMP-6: the stage exists for this complaint and was open on the event's date."""
    complaint = check_known(event, book)
    field = event.date_field
    when: dt.date = getattr(event, field)
    stage = event.stage
    if not complaint.statutory and stage is not ComplaintStage.STAGE_1:
        raise violation(
            event, "stage", "R-CMP-6", "a corporate (non-statutory) complaint has one stage: stage_1"
        )
    entered = complaint.entered.get(stage)
    if entered is None:
        raise violation(
            event,
            "stage",
            "R-CMP-5",
            f"{stage.value} was never requested (the complaint is at {complaint.stage.value}); "
            "record the ComplaintEscalated first",
        )
    if when < entered:
        raise violation(
            event, field, "R-CMP-5", f"must not be before {stage.value} began on {entered.isoformat()}"
        )
    moved_on = complaint.next_request(stage)
    if moved_on is not None and when > moved_on:
        raise violation(
            event,
            field,
            "R-CMP-5",
            f"{stage.value} closed when the next stage was requested on {moved_on.isoformat()}; "
            "stages only move forward",
        )
    check_not_after_withdrawal(event, complaint, field)
    return complaint


def check_extension(event: ev.ComplaintTimescaleExtended, book: Casebook) -> None:
    """R-CMP-1, R-CMP-2: one extension, of stage 1 or 2; R-CMP-3: none for the review panel;
    R-CMP-6: none on the corporate route; R-CMP-5: never after the stage's response."""
    complaint = check_known(event, book)
    if not complaint.statutory:
        raise violation(event, "stage", "R-CMP-6", "the corporate timescale has no extension")
    if event.stage is ComplaintStage.STAGE_3:
        raise violation(event, "stage", "R-CMP-3", "the stage 3 review panel timescale cannot be extended")
    check_stage_event(event, book)
    if event.stage in complaint.extended:
        rule = "R-CMP-1" if event.stage is ComplaintStage.STAGE_1 else "R-CMP-2"
        raise violation(event, "stage", rule, "a stage's timescale can be extended only once")
    responded = complaint.responded.get(event.stage)
    if responded is not None and event.extended_on > responded:
        raise violation(
            event,
            "extended_on",
            "R-CMP-5",
            f"{event.stage.value} was closed by its response on {responded.isoformat()}",
        )


def check_response(event: ev.ComplaintResponded, book: Casebook) -> None:
    """R-CMP-5: one response per stage, dated while the stage was open and not before its extension."""
    complaint = check_stage_event(event, book)
    if event.stage in complaint.responded:
        raise violation(
            event, "stage", "R-CMP-5", f"{event.stage.value} already has its response; it is closed"
        )
    extended = complaint.extended.get(event.stage)
    if extended is not None and event.responded_on < extended:
        raise violation(
            event,
            "responded_on",
            "R-CMP-5",
            f"must not be before the extension of {event.stage.value} on {extended.isoformat()}",
        )


def check_escalation(event: ev.ComplaintEscalated, book: Casebook) -> None:
    """R-CMP-5: forward one stage at a time, never dated before what the stage left holds;
    R-CMP-6: the corporate route has one stage."""
    complaint = check_known(event, book)
    if not complaint.statutory:
        raise violation(event, "to_stage", "R-CMP-6", "a corporate complaint has one stage")
    current = complaint.stage
    if event.to_stage.rank <= current.rank:
        raise violation(
            event,
            "to_stage",
            "R-CMP-5",
            f"must be after {current.value}; stages only move forward",
        )
    if event.to_stage.rank > current.rank + 1:
        raise violation(
            event,
            "to_stage",
            "R-CMP-5",
            f"the complaint is at {current.value}; a stage 3 review panel follows a stage 2 "
            "investigation (reg 18), so stage 2 must be requested first",
        )
    latest = max(complaint.dates_of(current))
    if event.requested_on < latest:
        raise violation(
            event,
            "requested_on",
            "R-CMP-5",
            f"must not be before {latest.isoformat()}, already recorded for {current.value}; "
            "the request closes that stage",
        )
    check_not_after_withdrawal(event, complaint, "requested_on")


def check_withdrawal(event: ev.ComplaintWithdrawn, book: Casebook) -> None:
    """R-CMP-5: withdrawal closes all, so it is not dated before anything already recorded."""
    complaint = check_known(event, book)
    latest = complaint.latest_on()
    if event.withdrawn_on < latest:
        raise violation(
            event,
            "withdrawn_on",
            "R-CMP-5",
            f"must not be before {latest.isoformat()}, already recorded for the complaint; "
            "nothing follows a withdrawal",
        )


_stream = by("complaint", "complaint_id")

HANDLERS: dict[type[ev.Event], Handler] = {
    ev.ComplaintReceived: Handler(_stream, check_received, _receive),
    ev.ComplaintTimescaleExtended: Handler(_stream, check_extension, _extend),
    ev.ComplaintResponded: Handler(_stream, check_response, _respond),
    ev.ComplaintEscalated: Handler(_stream, check_escalation, _escalate),
    ev.ComplaintWithdrawn: Handler(_stream, check_withdrawal, _withdraw),
}
