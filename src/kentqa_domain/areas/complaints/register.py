"""The complaints register row of one complaint as of a date (``qa.complaints_register``;
SPEC section 5; R-CMP-1..7).

A row's stage is the furthest begun by ``as_of`` (R-CMP-5); its due date the next thing due
at that stage (R-CMP-1..3, R-CMP-6, counting an extension made by ``as_of``; at stage 3 the
review panel, then its report, then the council's response: R-CMP-7); its state ``ombudsman``
(R-CMP-7), ``closed``, ``withdrawn`` or ``open`` (R-CMP-5); ``late`` is R-CMP-4.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ...calendar import WorkingCalendar
from ...plain import Row
from ...policy import Policy
from ...values import Complainant, ComplaintStage, Outcome
from .files import CLOSED, OMBUDSMAN, OPEN, WITHDRAWN, ComplaintFile
from .timescales import RESPONSE, is_late


@attrs.frozen
class ComplaintRow(Row):
    """One complaint in ``qa.complaints_register(as_of=...)`` (SPEC section 5).

    ``stage`` is the furthest stage begun by ``as_of`` (corporate complaints: ``stage_1``);
    ``due_on`` the next thing due at that stage, ``due_for`` what it is (R-CMP-1..3, R-CMP-6,
    R-CMP-7): the stage's ``response``, counting an extension made by ``as_of``; at stage 3
    the ``panel``, then its ``panel_report``, then the ``response``. ``state`` is ``ombudsman``
    once referred to the Ombudsman (R-CMP-7), else ``closed`` once that stage has its
    response, ``withdrawn`` if it was withdrawn before a response, else ``open`` (R-CMP-5);
    ``breached`` when the stage was still open after ``due_on`` (a late response, a withdrawal
    or referral after the deadline, or open past it at ``as_of``); ``late`` is R-CMP-4.
    ``child_ref``: the child the complaint is about (the token until a query reveals it; the
    token for ever once the child is forgotten).
    """

    complaint_id: str
    stage: ComplaintStage
    state: str
    due_on: dt.date
    extended: bool
    breached: bool
    late: bool
    statutory: bool
    service: str
    team_id: str | None
    complainant: Complainant
    received_on: dt.date
    stage_started_on: dt.date
    responded_on: dt.date | None
    outcome: Outcome | None
    withdrawn_on: dt.date | None
    themes: tuple[str, ...]
    due_for: str = RESPONSE
    panel_held_on: dt.date | None = None
    panel_reported_on: dt.date | None = None
    referred_on: dt.date | None = None
    child_ref: str | None = None


def register_row(
    found: ComplaintFile, policy: Policy, as_of: dt.date, days: WorkingCalendar | None = None
) -> ComplaintRow | None:
    """The register row of one complaint at ``as_of``; None if it was not yet received
    (``days``: the policy calendar's working-day index, looked up once by a register)."""
    received = found.received
    if received is None:
        return None
    stage = found.stage_as_of(as_of)
    if stage is None:
        return None
    started = found.started_on(stage)
    assert started is not None
    extension = found.extended.get(stage)
    extended = extension is not None and extension <= as_of
    due_for, due = found.next_due(stage, policy, known_by=as_of, days=days)
    response = found.responses.get(stage)
    if response is not None and response.responded_on > as_of:
        response = None
    withdrawn_on = found.withdrawn_on if found.withdrawn_on and found.withdrawn_on <= as_of else None
    referred_on = found.referred_by(as_of)
    if referred_on is not None:
        state, closed_on = OMBUDSMAN, response.responded_on if response is not None else referred_on
    elif response is not None:
        state, closed_on = CLOSED, response.responded_on
    elif withdrawn_on is not None:
        state, closed_on = WITHDRAWN, withdrawn_on
    else:
        state, closed_on = OPEN, as_of
    return ComplaintRow(
        complaint_id=received.complaint_id,
        stage=stage,
        state=state,
        due_on=due,
        extended=extended,
        breached=closed_on > due,
        late=is_late(received.received_on, received.matter_on, policy),
        statutory=received.statutory,
        service=received.service,
        team_id=received.team_id,
        complainant=received.complainant,
        received_on=received.received_on,
        stage_started_on=started,
        responded_on=response.responded_on if response else None,
        outcome=response.outcome if response else None,
        withdrawn_on=withdrawn_on,
        themes=tuple(dict.fromkeys(received.themes)),
        due_for=due_for,
        panel_held_on=found.panel_held_on if found.panel_held_on and found.panel_held_on <= as_of else None,
        panel_reported_on=(
            found.panel_reported_on if found.panel_reported_on and found.panel_reported_on <= as_of else None
        ),
        referred_on=referred_on,
        child_ref=received.child_ref,
    )
