"""Audits, audit actions and thematic audits (SPEC section 3; R-AUD-1..6).

Constructing an event checks its shape (:mod:`kentqa_domain.event_base`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ...calendar import parse_cycle_id
from ...errors import InvalidEvent
from ...event_base import Event, actions, check_order, check_unique_actions, texts, themes
from ...fields import (
    choice,
    day,
    grade_map,
    ident,
    opt_choice,
    opt_ident,
    text,
)
from ...values import (
    Action,
    AuditKind,
    Grade,
)


@attrs.frozen
class AuditCompleted(Event):
    """An audit of the tri-annual cycle or beside it (R-AUD-1..5)."""

    date_field: ClassVar[str] = "completed_on"
    audit_id: str = ident()
    kind: AuditKind = choice(AuditKind)
    auditor_id: str = ident()
    team_id: str = ident()
    completed_on: dt.date = day()
    case_ref: str | None = opt_ident()
    worker_id: str | None = opt_ident()
    overall: Grade | None = opt_choice(Grade)
    grades: dict[str, Grade] = grade_map(None, Grade)
    strengths: tuple[str, ...] = texts()
    learning: tuple[str, ...] = texts()
    themes: tuple[str, ...] = themes()
    actions: tuple[Action, ...] = actions()
    cycle_id: str | None = opt_ident()

    def __attrs_post_init__(self) -> None:
        if self.kind.graded and self.overall is None:
            raise InvalidEvent(
                "AuditCompleted", "overall", "R-AUD-3", f"is required for a {self.kind.value} audit"
            )
        if self.kind in (AuditKind.PRACTITIONER, AuditKind.PEER) and self.case_ref is None:
            raise InvalidEvent(
                "AuditCompleted", "case_ref", "R-AUD-4", f"is required for a {self.kind.value} audit"
            )
        if self.cycle_id is not None:
            if parse_cycle_id(self.cycle_id) is None:
                raise InvalidEvent(
                    "AuditCompleted", "cycle_id", "R-AUD-1", "must look like 2026-T2 (year, then T1..T3)"
                )
        check_unique_actions(self)


@attrs.frozen
class AuditActionCompleted(Event):
    """An audit action done (R-AUD-5)."""

    date_field: ClassVar[str] = "completed_on"
    audit_id: str = ident()
    action_id: str = ident()
    completed_on: dt.date = day()


@attrs.frozen
class ThematicAuditAgreed(Event):
    """A thematic audit agreed with a hypothesis and a due date (R-AUD-6)."""

    date_field: ClassVar[str] = "agreed_on"
    theme_id: str = ident()
    title: str = text(default=None)
    hypothesis: str = text(default=None)
    agreed_on: dt.date = day()
    due_on: dt.date = day()

    def __attrs_post_init__(self) -> None:
        check_order(self, "agreed_on", "due_on")
