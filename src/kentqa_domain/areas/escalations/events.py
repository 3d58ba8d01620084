"""Escalations by IROs and CP Chairs (SPEC section 3; R-ESC-1..5).

Constructing an event checks its shape (:mod:`kentqa_domain.event_base`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ...event_base import Event
from ...fields import (
    choice,
    day,
    ident,
    opt_ident,
    text,
)
from ...values import (
    EscalationReason,
    EscalationStage,
)


@attrs.frozen
class EscalationRaised(Event):
    """An IRO or CP Chair escalates drift or practice (R-ESC-1..5)."""

    date_field: ClassVar[str] = "raised_on"
    escalation_id: str = ident()
    raised_by: str = ident()
    raised_on: dt.date = day()
    stage: EscalationStage = choice(EscalationStage)
    reason: EscalationReason = choice(EscalationReason)
    child_ref: str | None = opt_ident()
    team_id: str | None = opt_ident()
    details: str = text()


@attrs.frozen
class EscalationResponded(Event):
    """A response at the current stage (R-ESC-2)."""

    date_field: ClassVar[str] = "responded_on"
    escalation_id: str = ident()
    responded_on: dt.date = day()
    by: str = ident()
    response: str = text(default=None)


@attrs.frozen
class EscalationProgressed(Event):
    """The escalation moves up; stages may be skipped, never go back (R-ESC-1)."""

    date_field: ClassVar[str] = "progressed_on"
    escalation_id: str = ident()
    to_stage: EscalationStage = choice(EscalationStage)
    progressed_on: dt.date = day()


@attrs.frozen
class EscalationResolved(Event):
    """The escalation is resolved; nothing more may be recorded on it (R-ESC-5)."""

    date_field: ClassVar[str] = "resolved_on"
    escalation_id: str = ident()
    resolved_on: dt.date = day()
    outcome: str = text(default=None)


@attrs.frozen
class EscalationReferredToCafcass(Event):
    """Referral to Cafcass ends the internal process; only about a child looked after that day (R-ESC-4, R-ESC-5)."""

    date_field: ClassVar[str] = "referred_on"
    escalation_id: str = ident()
    referred_on: dt.date = day()
