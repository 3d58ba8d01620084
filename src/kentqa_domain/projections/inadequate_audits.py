"""Audits graded inadequate, for the ``audit_inadequate`` notification (SPEC section 6).

A small fold of its own so notifications do not depend on the audit-cycle views: it keeps,
per audit graded ``inadequate`` overall, what the message names. Audit ids are unique
(recording refuses a conflicting second audit with the same id), so the state is the same
whatever order the events arrive in.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ..events import AuditCompleted, Event
from ..values import AuditKind, Grade
from .base import Projection


@attrs.frozen
class InadequateAudit:
    """An audit whose overall grade is inadequate."""

    audit_id: str
    kind: AuditKind
    team_id: str
    auditor_id: str
    completed_on: dt.date
    case_ref: str | None = None
    worker_id: str | None = None


class InadequateAudits(Projection):
    name = "inadequate_audits"
    version = 1

    def __init__(self) -> None:
        self.audits: dict[str, InadequateAudit] = {}

    def apply(self, event: Event, position: int) -> None:
        if isinstance(event, AuditCompleted) and event.overall is Grade.INADEQUATE:
            self.audits[event.audit_id] = InadequateAudit(
                audit_id=event.audit_id,
                kind=event.kind,
                team_id=event.team_id,
                auditor_id=event.auditor_id,
                completed_on=event.completed_on,
                case_ref=event.case_ref,
                worker_id=event.worker_id,
            )

    def completed_between(self, start: dt.date, end: dt.date) -> list[InadequateAudit]:
        """Inadequate audits completed from ``start`` to ``end`` inclusive, by date then id."""
        found = [a for a in self.audits.values() if start <= a.completed_on <= end]
        return sorted(found, key=lambda a: (a.completed_on, a.audit_id))
