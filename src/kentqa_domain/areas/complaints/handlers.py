"""The complaints' handlers: each complaint event's stream, its check and how the write model
folds it once accepted (R-CMP-1..7; the checks: :mod:`.stage_rules`, :mod:`.panel_referral_rules`).
"""

from __future__ import annotations

from ...event_base import Event
from ...values import ComplaintStage
from ..aggregate import Handler, stream_by
from . import events as ev
from .model import Complaint, ComplaintBook
from .panel_referral_rules import check_panel, check_referral, check_report
from .stage_rules import check_escalation, check_extension, check_received, check_response, check_withdrawal

# --- folding accepted events -----------------------------------------------------------------


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


_stream = stream_by("complaint", "complaint_id")

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
