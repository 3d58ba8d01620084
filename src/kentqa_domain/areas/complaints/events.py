"""Complaints through the statutory stages and the corporate route (SPEC section 3; R-CMP-1..7).

Constructing an event checks its shape (:mod:`kentqa_domain.event_base`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ...errors import InvalidEvent
from ...event_base import Event, texts, themes
from ...fields import (
    choice,
    day,
    flag,
    ident,
    opt_day,
    opt_ident,
    text,
)
from ...values import (
    Complainant,
    ComplaintStage,
    Outcome,
)


@attrs.frozen
class ComplaintReceived(Event):
    """A complaint; statutory ones follow R-CMP-1..5 and R-CMP-7, others R-CMP-6.

    ``child_ref``: the child the complaint is about, if any (SPEC 9.2): sealed with the
    child's key and forgotten with the child's data.
    """

    date_field: ClassVar[str] = "received_on"
    complaint_id: str = ident()
    received_on: dt.date = day()
    complainant: Complainant = choice(Complainant)
    service: str = text(default=None)
    team_id: str | None = opt_ident()
    matter_on: dt.date | None = opt_day()
    statutory: bool = flag(default=True)
    themes: tuple[str, ...] = themes()
    child_ref: str | None = opt_ident()

    def __attrs_post_init__(self) -> None:
        if self.matter_on is not None and self.matter_on > self.received_on:
            raise InvalidEvent(
                "ComplaintReceived", "matter_on", "R-CMP-4", "the matter cannot be after the complaint"
            )


@attrs.frozen
class ComplaintTimescaleExtended(Event):
    """One extension of a stage's timescale (R-CMP-1, R-CMP-2)."""

    date_field: ClassVar[str] = "extended_on"
    complaint_id: str = ident()
    stage: ComplaintStage = choice(ComplaintStage)
    extended_on: dt.date = day()


@attrs.frozen
class ComplaintResponded(Event):
    """A stage's response; it closes the stage (R-CMP-5)."""

    date_field: ClassVar[str] = "responded_on"
    complaint_id: str = ident()
    stage: ComplaintStage = choice(ComplaintStage)
    responded_on: dt.date = day()
    outcome: Outcome = choice(Outcome)
    learning: tuple[str, ...] = texts()
    actions: tuple[str, ...] = texts()


@attrs.frozen
class ComplaintEscalated(Event):
    """The complainant asks for the next stage (R-CMP-2, R-CMP-3, R-CMP-5)."""

    date_field: ClassVar[str] = "requested_on"
    complaint_id: str = ident()
    to_stage: ComplaintStage = choice(ComplaintStage)
    requested_on: dt.date = day()


@attrs.frozen
class ComplaintWithdrawn(Event):
    """Withdrawal closes every stage (R-CMP-5)."""

    date_field: ClassVar[str] = "withdrawn_on"
    complaint_id: str = ident()
    withdrawn_on: dt.date = day()


@attrs.frozen
class ComplaintPanelHeld(Event):
    """The stage 3 review panel met (R-CMP-3); its report is due within 5 working days (R-CMP-7)."""

    date_field: ClassVar[str] = "held_on"
    complaint_id: str = ident()
    held_on: dt.date = day()


@attrs.frozen
class ComplaintPanelReported(Event):
    """The review panel's report; the council's stage 3 response is due within 15 working days (R-CMP-7)."""

    date_field: ClassVar[str] = "reported_on"
    complaint_id: str = ident()
    reported_on: dt.date = day()


@attrs.frozen
class ComplaintReferredToOmbudsman(Event):
    """The complaint went to the Local Government and Social Care Ombudsman: state ``ombudsman`` (R-CMP-7)."""

    date_field: ClassVar[str] = "referred_on"
    complaint_id: str = ident()
    referred_on: dt.date = day()
