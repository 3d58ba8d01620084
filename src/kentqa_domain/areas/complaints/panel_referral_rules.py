"""The complaint checks of the stage 3 review panel, its report and the referral to the
Ombudsman (R-CMP-7, with R-CMP-5 and R-CMP-6).

A review panel is held only at stage 3, never before the stage 3 request, once; its report
is not before the panel, once; nothing of the panel is dated after the council's stage 3
response; the corporate route has no panel (R-CMP-6). A referral to the Ombudsman follows the
council's final response, or comes while the council is out of time on what is due
(decision 0960); it is never dated before anything already recorded, nor after a withdrawal
(R-CMP-5). Every refusal names the field and the rule.
"""

from __future__ import annotations

import datetime as dt

from ...values import ComplaintStage
from ..aggregate import violation
from . import events as ev
from .model import Complaint, ComplaintBook
from .stage_rules import check_known, check_not_after_withdrawal


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
