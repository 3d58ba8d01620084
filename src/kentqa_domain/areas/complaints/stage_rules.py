"""The complaint checks of the stages (R-CMP-1, R-CMP-2, R-CMP-3, R-CMP-5, R-CMP-6; SPEC 9.2).

Judged on business dates, not recording order (decision 0401): a complaint's team and child
are known when it is received (SPEC 9.2); stages only move forward, one at a time, and a
request closes the stage it leaves (R-CMP-5); a response closes its stage (R-CMP-5); one
extension per stage, stage 1 and stage 2 only (R-CMP-1, R-CMP-2; none at stage 3, R-CMP-3);
the corporate route has one stage and no extension (R-CMP-6); withdrawal closes all (R-CMP-5)
and nothing is recorded after a referral to the Ombudsman (R-CMP-7). Every refusal names the
field and the rule.
"""

from __future__ import annotations

import datetime as dt

from ...event_base import Event
from ...values import ComplaintStage
from ..aggregate import unknown, violation
from ..organisation.model import check_team_exists
from ..plans.model import check_child_known
from . import events as ev
from .model import Complaint, ComplaintBook

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
