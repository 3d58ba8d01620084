"""Audits, their actions and thematic audits (R-AUD-1..6)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Protocol

import attrs

from ...event_base import Event
from ..aggregate import Handler, no_change, stream_by, unknown
from . import events as ev


@attrs.define
class Audit:
    audit_id: str
    action_ids: frozenset[str]


class AuditBook(Protocol):
    """What these rules read and change in the write model: audits and thematic audits (the
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""

    audits: MutableMapping[str, Audit]
    themes: MutableMapping[str, bool]


def _complete(event: ev.AuditCompleted, book: AuditBook) -> None:
    book.audits[event.audit_id] = Audit(event.audit_id, frozenset(a.action_id for a in event.actions))


def _check_action(event: ev.AuditActionCompleted, book: AuditBook) -> None:
    audit = book.audits.get(event.audit_id)
    if audit is None:
        raise unknown(event, "audit_id", "audit")
    if event.action_id not in audit.action_ids:
        raise unknown(event, "action_id", f"action of audit {event.audit_id!r}:")


def _agree(event: ev.ThematicAuditAgreed, book: AuditBook) -> None:
    book.themes[event.theme_id] = True


HANDLERS: dict[type[Event], Handler] = {
    ev.AuditCompleted: Handler(stream_by("audit", "audit_id"), no_change, _complete),
    ev.AuditActionCompleted: Handler(stream_by("audit", "audit_id"), _check_action, no_change),
    ev.ThematicAuditAgreed: Handler(stream_by("theme", "theme_id"), no_change, _agree),
}
