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
- R-CMP-7 a review panel is held only at stage 3, never before the stage 3 request; its
  report is not before the panel; the council's stage 3 response is not before the report
  (nor the panel); one panel and one report per complaint.
- R-CMP-7 a referral to the Ombudsman (state ``ombudsman``) follows the council's final
  response (stage 3; the corporate route: its one stage), or comes while the council is out
  of time on what is due (decision 0960); it is never dated before anything already
  recorded, and it ends the council's procedure: nothing more is recorded for the complaint.
  It is the one fact judged on recording order: on the facts recorded before it.
- SPEC 9.2: a complaint about a child names a child already recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Protocol

import attrs

from ...event_base import Event
from ...policy import Policy
from ...values import ComplaintStage
from ..aggregate import Handler, by, unknown, violation
from ..organisation.model import StaffBook, check_team_exists
from ..plans.model import PlanBook, check_child_known
from . import events as ev
from .timescales import RESPONSE, stage_3_next_due, stage_due_on

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
    panel_held_on: dt.date | None = None
    panel_reported_on: dt.date | None = None
    referred_on: dt.date | None = None
    #: The child the complaint is about (its token in the store), if any.
    child_ref: str | None = None

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
        found = [d for stage in self.entered for d in self.dates_of(stage)]
        found += [d for d in (self.panel_held_on, self.panel_reported_on, self.referred_on) if d is not None]
        return max(found)

    def final_response(self) -> dt.date | None:
        """The council's last word: the stage 3 response (the corporate route: its one stage's)."""
        return self.responded.get(ComplaintStage.STAGE_3 if self.statutory else ComplaintStage.STAGE_1)

    def next_due(self) -> tuple[str, dt.date]:
        """R-CMP-1..3, R-CMP-6, R-CMP-7: what the council owes next at the open stage, and by
        when, under the default policy (the statutory timescales, England and Wales bank
        holidays: the write model's answer does not depend on a process's policy)."""
        stage = self.stage
        started = self.entered[stage]
        if self.statutory and stage is ComplaintStage.STAGE_3:
            return stage_3_next_due(
                started, self.panel_held_on, self.panel_reported_on, policy=DEFAULT_POLICY
            )
        due = stage_due_on(
            stage, started, statutory=self.statutory, extended=stage in self.extended, policy=DEFAULT_POLICY
        )
        return RESPONSE, due


#: The policy the write model judges a premature Ombudsman referral under (decision 0960).
DEFAULT_POLICY = Policy()


# --- folding accepted events -----------------------------------------------------------------


class ComplaintBook(StaffBook, PlanBook, Protocol):
    """What these rules read and change in the write model: complaints, and the teams and children they concern (the
    :class:`~kentqa_domain.recording.write_model.Casebook` has it)."""

    complaints: MutableMapping[str, Complaint]


def _receive(event: ev.ComplaintReceived, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id] = Complaint(
        event.complaint_id,
        event.statutory,
        event.received_on,
        entered={ComplaintStage.STAGE_1: event.received_on},
        child_ref=event.child_ref,
    )


def _extend(event: ev.ComplaintTimescaleExtended, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id].extended[event.stage] = event.extended_on


def _respond(event: ev.ComplaintResponded, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id].responded[event.stage] = event.responded_on


def _escalate(event: ev.ComplaintEscalated, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id].entered[event.to_stage] = event.requested_on


def _withdraw(event: ev.ComplaintWithdrawn, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id].withdrawn_on = event.withdrawn_on


def _panel(event: ev.ComplaintPanelHeld, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id].panel_held_on = event.held_on


def _report(event: ev.ComplaintPanelReported, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id].panel_reported_on = event.reported_on


def _refer(event: ev.ComplaintReferredToOmbudsman, book: ComplaintBook) -> None:
    book.complaints[event.complaint_id].referred_on = event.referred_on


# --- checks: every refusal names the field and the rule --------------------------------------


def check_received(event: ev.ComplaintReceived, book: ComplaintBook) -> None:
    """The complaint's team, when given, is registered (R-ACC-1 scopes rows by team); its
    child, when given, was recorded (SPEC 9.2: the complaint is sealed with the child's key)."""
    if event.team_id is not None:
        check_team_exists(event, book)
    if event.child_ref is not None:
        check_child_known(event, book)


def check_known(event: Event, book: ComplaintBook) -> Complaint:
    """The complaint an event follows up was received."""
    # every event checked here names a complaint; Event, their common base, has no such field
    complaint: Complaint | None = book.complaints.get(event.complaint_id)  # type: ignore[attr-defined]
    if complaint is None:
        raise unknown(event, "complaint_id", "complaint")
    return complaint


def check_not_after_withdrawal(event: Event, complaint: Complaint, field: str) -> None:
    """R-CMP-5: withdrawal closes all; nothing is dated after it (nor, R-CMP-7, after a
    referral to the Ombudsman)."""
    when: dt.date = getattr(event, field)
    if complaint.withdrawn_on is not None and when > complaint.withdrawn_on:
        raise violation(
            event,
            field,
            "R-CMP-5",
            f"the complaint was withdrawn on {complaint.withdrawn_on.isoformat()}; "
            "withdrawal closes every stage",
        )
    check_not_after_referral(event, complaint, field)


def check_not_after_referral(event: Event, complaint: Complaint, field: str) -> None:
    """R-CMP-7: a referral to the Ombudsman ends the council's procedure and closes the
    complaint's file: nothing more is recorded for it, whatever its date (the referral was
    judged on the facts recorded before it; decision 0960)."""
    if complaint.referred_on is not None:
        raise violation(
            event,
            field,
            "R-CMP-7",
            f"the complaint was referred to the Ombudsman on {complaint.referred_on.isoformat()}; "
            "the referral ends the council's procedure: record the facts it follows before it",
        )


def check_stage_event(
    event: ev.ComplaintTimescaleExtended | ev.ComplaintResponded, book: ComplaintBook
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


def check_extension(event: ev.ComplaintTimescaleExtended, book: ComplaintBook) -> None:
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


def check_response(event: ev.ComplaintResponded, book: ComplaintBook) -> None:
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
    if event.stage is ComplaintStage.STAGE_3:
        for what, on in (
            ("review panel's report", complaint.panel_reported_on),
            ("review panel", complaint.panel_held_on),
        ):
            if on is not None and event.responded_on < on:
                raise violation(
                    event,
                    "responded_on",
                    "R-CMP-7",
                    f"must not be before the {what} on {on.isoformat()}; the council's stage 3 "
                    "response answers the panel's report",
                )


def check_escalation(event: ev.ComplaintEscalated, book: ComplaintBook) -> None:
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


def check_withdrawal(event: ev.ComplaintWithdrawn, book: ComplaintBook) -> None:
    """R-CMP-5: withdrawal closes all, so it is not dated before anything already recorded;
    R-CMP-7: a complaint with the Ombudsman is no longer the council's to close."""
    complaint = check_known(event, book)
    if complaint.referred_on is not None:
        raise violation(
            event,
            "withdrawn_on",
            "R-CMP-7",
            f"the complaint was referred to the Ombudsman on {complaint.referred_on.isoformat()}; "
            "the referral ended the council's procedure",
        )
    latest = complaint.latest_on()
    if event.withdrawn_on < latest:
        raise violation(
            event,
            "withdrawn_on",
            "R-CMP-5",
            f"must not be before {latest.isoformat()}, already recorded for the complaint; "
            "nothing follows a withdrawal",
        )


def _check_stage_3_fact(
    event: ev.ComplaintPanelHeld | ev.ComplaintPanelReported, book: ComplaintBook
) -> Complaint:
    """R-CMP-6: no panel on the corporate route; R-CMP-7: nothing of the panel is dated after
    the council's stage 3 response; R-CMP-5 and R-CMP-7: nor after a withdrawal or referral."""
    complaint = check_known(event, book)
    if not complaint.statutory:
        raise violation(
            event, "complaint_id", "R-CMP-6", "a corporate complaint has one stage and no review panel"
        )
    field = event.date_field
    when: dt.date = getattr(event, field)
    response = complaint.responded.get(ComplaintStage.STAGE_3)
    if response is not None and when > response:
        raise violation(
            event,
            field,
            "R-CMP-7",
            f"must not be after the council's stage 3 response on {response.isoformat()}, "
            "which answers the panel's report",
        )
    check_not_after_withdrawal(event, complaint, field)
    return complaint


def check_panel(event: ev.ComplaintPanelHeld, book: ComplaintBook) -> None:
    """R-CMP-7: the review panel is held only at stage 3, not before the stage 3 request; once."""
    complaint = check_known(event, book)
    requested = complaint.entered.get(ComplaintStage.STAGE_3)
    if complaint.statutory and requested is None:
        raise violation(
            event,
            "complaint_id",
            "R-CMP-7",
            f"the complaint is at {complaint.stage.value}; a review panel is held only at stage 3: "
            "record the ComplaintEscalated to stage_3 first",
        )
    _check_stage_3_fact(event, book)
    assert requested is not None
    if event.held_on < requested:
        raise violation(
            event,
            "held_on",
            "R-CMP-7",
            f"must not be before stage 3 was requested on {requested.isoformat()}",
        )
    if complaint.panel_held_on is not None:
        raise violation(
            event,
            "complaint_id",
            "R-CMP-7",
            f"the review panel was already held on {complaint.panel_held_on.isoformat()}; one panel per complaint",
        )


def check_report(event: ev.ComplaintPanelReported, book: ComplaintBook) -> None:
    """R-CMP-7: the panel's report follows the panel (not dated before it); once."""
    complaint = _check_stage_3_fact(event, book)
    held = complaint.panel_held_on
    if held is None:
        raise violation(
            event,
            "complaint_id",
            "R-CMP-7",
            "no review panel was recorded for the complaint: record the ComplaintPanelHeld first",
        )
    if event.reported_on < held:
        raise violation(
            event, "reported_on", "R-CMP-7", f"must not be before the review panel on {held.isoformat()}"
        )
    if complaint.panel_reported_on is not None:
        raise violation(
            event,
            "complaint_id",
            "R-CMP-7",
            f"the panel already reported on {complaint.panel_reported_on.isoformat()}; one report per panel",
        )


def check_referral(event: ev.ComplaintReferredToOmbudsman, book: ComplaintBook) -> None:
    """R-CMP-7 (decision 0960): once; after the council's final response, or while the council is
    out of time on what is due; never dated before anything recorded; not after a withdrawal."""
    complaint = check_known(event, book)
    if complaint.referred_on is not None:
        raise violation(
            event,
            "complaint_id",
            "R-CMP-7",
            f"the complaint was already referred to the Ombudsman on {complaint.referred_on.isoformat()}",
        )
    if complaint.withdrawn_on is not None:
        raise violation(
            event,
            "referred_on",
            "R-CMP-5",
            f"the complaint was withdrawn on {complaint.withdrawn_on.isoformat()}; withdrawal closes every stage",
        )
    latest = complaint.latest_on()
    if event.referred_on < latest:
        raise violation(
            event,
            "referred_on",
            "R-CMP-7",
            f"must not be before {latest.isoformat()}, already recorded for the complaint; "
            "the referral ends the council's procedure",
        )
    if complaint.final_response() is not None:
        return
    stage = complaint.stage
    answered = complaint.responded.get(stage)
    if answered is not None:
        raise violation(
            event,
            "referred_on",
            "R-CMP-7",
            f"{stage.value} was answered on {answered.isoformat()} and the next stage was not requested; "
            "the Ombudsman follows the council's stage 3 response (the complainant may ask for the next stage)",
        )
    what, due = complaint.next_due()
    if event.referred_on <= due:
        raise violation(
            event,
            "referred_on",
            "R-CMP-7",
            f"premature: the council's {what.replace('_', ' ')} at {stage.value} is due by {due.isoformat()}; "
            "the Ombudsman takes a complaint after the council's final response, or once it is out of time",
        )


_stream = by("complaint", "complaint_id")

HANDLERS: dict[type[Event], Handler] = {
    ev.ComplaintReceived: Handler(_stream, check_received, _receive),
    ev.ComplaintTimescaleExtended: Handler(_stream, check_extension, _extend),
    ev.ComplaintResponded: Handler(_stream, check_response, _respond),
    ev.ComplaintEscalated: Handler(_stream, check_escalation, _escalate),
    ev.ComplaintWithdrawn: Handler(_stream, check_withdrawal, _withdraw),
    ev.ComplaintPanelHeld: Handler(_stream, check_panel, _panel),
    ev.ComplaintPanelReported: Handler(_stream, check_report, _report),
    ev.ComplaintReferredToOmbudsman: Handler(_stream, check_referral, _refer),
}
