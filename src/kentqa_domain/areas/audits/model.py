"""Audits, their actions and thematic audits (R-AUD-1..6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ...event_base import Event
from ..aggregate import Handler, by, nothing, unknown
from . import events as ev

if TYPE_CHECKING:
    from ...recording.write_model import Casebook


@attrs.define
class Audit:
    audit_id: str
    action_ids: frozenset[str]


def _complete(event: ev.AuditCompleted, book: Casebook) -> None:
    book.audits[event.audit_id] = Audit(event.audit_id, frozenset(a.action_id for a in event.actions))


def _check_action(event: ev.AuditActionCompleted, book: Casebook) -> None:
    audit = book.audits.get(event.audit_id)
    if audit is None:
        raise unknown(event, "audit_id", "audit")
    if event.action_id not in audit.action_ids:
        raise unknown(event, "action_id", f"action of audit {event.audit_id!r}:")


def _agree(event: ev.ThematicAuditAgreed, book: Casebook) -> None:
    book.themes[event.theme_id] = True


HANDLERS: dict[type[Event], Handler] = {
    ev.AuditCompleted: Handler(by("audit", "audit_id"), nothing, _complete),
    ev.AuditActionCompleted: Handler(by("audit", "audit_id"), _check_action, nothing),
    ev.ThematicAuditAgreed: Handler(by("theme", "theme_id"), nothing, _agree),
}
