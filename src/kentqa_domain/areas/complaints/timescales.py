"""Complaint deadlines and the late flag (R-CMP-1..4, R-CMP-6), from the policy at query time.

Source: the Children Act 1989 Representations Procedure (England) Regulations 2006 (SI
2006/1738). "Within N working days of D" is the Nth working day after D (SPEC section 4), on
the policy's calendar (weekends, England and Wales bank holidays, local closure days).

- R-CMP-1 stage 1: 10 working days after receipt; one extension makes it 20 (reg 14).
- R-CMP-2 stage 2: 25 working days after the request; an extension makes it 65 (reg 17).
- R-CMP-3 stage 3: the review panel within 30 working days of the request (reg 19(4)).
- R-CMP-7 then the panel's report within 5 working days of the panel, and the council's
  stage 3 response within 15 working days of the report (reg 20): at stage 3 the next thing
  due is the panel, then its report, then the response (:func:`stage_3_next_due`).
- R-CMP-4 received more than 12 months after the matter: late, still accepted (reg 9).
- R-CMP-6 corporate (non-statutory): one stage, the policy's corporate timescale (20).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ...calendar import WorkingCalendar, add_months
from ...policy import Policy
from ...values import ComplaintStage


def timescale_working_days(stage: ComplaintStage, *, statutory: bool, extended: bool, policy: Policy) -> int:
    """The working days a stage has: R-CMP-1, R-CMP-2, R-CMP-3, or R-CMP-6 when not statutory."""
    if not statutory:
        return policy.corporate_complaint_working_days
    if stage is ComplaintStage.STAGE_1:
        if extended:
            return policy.complaint_stage_1_extended_working_days
        return policy.complaint_stage_1_working_days
    if stage is ComplaintStage.STAGE_2:
        if extended:
            return policy.complaint_stage_2_extended_working_days
        return policy.complaint_stage_2_working_days
    return policy.complaint_stage_3_working_days


def stage_due_on(
    stage: ComplaintStage,
    started_on: dt.date,
    *,
    statutory: bool,
    extended: bool,
    policy: Policy,
    days: WorkingCalendar | None = None,
) -> dt.date:
    """When the stage's response (stage 3: the review panel) is due.

    ``started_on`` is the receipt for stage 1 and the corporate route, else the request date;
    ``days`` is the policy calendar's working-day index when the caller has it already.
    """
    n = timescale_working_days(stage, statutory=statutory, extended=extended, policy=policy)
    index = days if days is not None else policy.calendar
    return index.add_working_days(started_on, n)


#: What is due next at a stage (R-CMP-7): a stage's response; at stage 3 first the review
#: panel, then its report, then the council's response.
RESPONSE, PANEL, PANEL_REPORT = "response", "panel", "panel_report"


def stage_3_next_due(
    requested_on: dt.date,
    held_on: dt.date | None,
    reported_on: dt.date | None,
    *,
    policy: Policy,
    days: WorkingCalendar | None = None,
) -> tuple[str, dt.date]:
    """R-CMP-3, R-CMP-7: (what is due next at stage 3, by when), from the facts known.

    No panel yet: the panel, 30 working days after the request; a panel and no report: its
    report, 5 working days after the panel; a report: the council's response, 15 working
    days after the report.
    """
    index = days if days is not None else policy.calendar
    if reported_on is not None:
        return RESPONSE, index.add_working_days(reported_on, policy.complaint_stage_3_response_working_days)
    if held_on is not None:
        return PANEL_REPORT, index.add_working_days(held_on, policy.complaint_panel_report_working_days)
    return PANEL, index.add_working_days(requested_on, policy.complaint_stage_3_working_days)


def is_late(received_on: dt.date, matter_on: dt.date | None, policy: Policy) -> bool:
    """R-CMP-4: received more than ``complaint_late_after_months`` (12) after the matter.

    Exactly a year later (the same calendar day, clamped to month end) is still in time.
    """
    if matter_on is None:
        return False
    return received_on > _months_after(matter_on, policy.complaint_late_after_months)


@lru_cache(maxsize=8192)
def _months_after(day: dt.date, months: int) -> dt.date:
    """``add_months``, remembered: a register asks it for every complaint (decision 0815)."""
    return add_months(day, months)
