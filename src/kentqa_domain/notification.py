"""A notification: who must be told what, about which subject, by when (SPEC section 6).

A notification is a value derived from the events and the policy at a date. Its ``key``
(kind + subject + due date) is stable: deriving it again on a later day gives the same key,
so delivery can be tracked per key and never repeated once a channel has acknowledged it.
When the due date moves (an observation happens and the next one falls due, a complaint's
timescale is extended) the key changes and the new deadline is a new notification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import attrs

from .plain import to_plain


class NotificationKind(StrEnum):
    """What happened or fell due; each kind names the rule it comes from."""

    OBSERVATION_OVERDUE = "observation_overdue"  # R-OBS-1..3, R-OBS-5
    REVIEW_OVERDUE = "review_overdue"  # R-LAC-1..3, R-CP-2..3
    INITIAL_CONFERENCE_OVERDUE = "initial_conference_overdue"  # R-CP-1
    MIDWAY_OVERDUE = "midway_overdue"  # R-LAC-4, R-CP-4
    QA_OVERDUE = "qa_overdue"  # R-LAC-5, R-CP-5
    PLAN_ACTION_OVERDUE = "plan_action_overdue"  # R-LAC-6, R-CP-6
    IRO_NOT_ASSIGNED = "iro_not_assigned"  # R-LAC-9
    ESCALATION_RAISED = "escalation_raised"  # R-ESC-1
    ESCALATION_RESPONSE_OVERDUE = "escalation_response_overdue"  # R-ESC-2
    ESCALATION_BREACHED = "escalation_breached"  # R-ESC-3
    COMPLAINT_DEADLINE_NEAR = "complaint_deadline_near"  # R-CMP-1..3, R-CMP-6
    COMPLAINT_DEADLINE_BREACHED = "complaint_deadline_breached"  # R-CMP-1..3, R-CMP-6
    AUDIT_INADEQUATE = "audit_inadequate"  # framework 4.3 "Audits"

    @property
    def words(self) -> str:
        """The kind in words, e.g. "Observation overdue" (e-mail subjects use it)."""
        return self.value.replace("_", " ").capitalize()


def _non_blank(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValueError(f"Notification.{attribute.name} must be non-blank text, not {value!r}")


def _refs(value: Mapping[str, object] | Iterable[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


@attrs.frozen
class Notification:
    """One thing an audience must be told.

    ``subject`` names what it is about (``worker:W1``, ``child:C1:looked_after``,
    ``escalation:E1``, ``complaint:CMP1:stage_1``, ``audit:A1``); ``audience`` is a role
    (``team_manager``, ``iro``, ``cp_chair``, ``service_manager``) or the policy's
    ``customer_care_audience``; ``refs`` are the ids the message names, for routing.
    """

    kind: NotificationKind = attrs.field(converter=NotificationKind)
    subject: str = attrs.field(validator=_non_blank)
    due_on: dt.date = attrs.field(validator=attrs.validators.instance_of(dt.date))
    audience: str = attrs.field(validator=_non_blank)
    message: str = attrs.field(validator=_non_blank)
    team_id: str | None = None
    refs: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_refs)

    @property
    def key(self) -> str:
        """The idempotency key: kind, subject and due date, e.g. ``observation_overdue:worker:W1:2026-03-01``."""
        return f"{self.kind.value}:{self.subject}:{self.due_on.isoformat()}"

    @property
    def headline(self) -> str:
        """One line: the kind in words, the subject and the due date (e-mail subjects)."""
        return f"{self.kind.words}: {self.subject} (due {self.due_on.isoformat()})"

    def ref(self, name: str) -> str | None:
        return dict(self.refs).get(name)

    def to_dict(self) -> dict[str, Any]:
        """The notification as JSON-ready data, like every row's ``to_dict()`` (SPEC 9.5)."""
        plain: dict[str, Any] = to_plain(self)
        return plain

    def to_json(self) -> dict[str, Any]:
        """The JSON object channels send: plain strings, dates ISO, keys stable."""
        return {
            "key": self.key,
            "kind": self.kind.value,
            "subject": self.subject,
            "due_on": self.due_on.isoformat(),
            "audience": self.audience,
            "team_id": self.team_id,
            "message": self.message,
            "refs": dict(self.refs),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Notification:
        """Back from :meth:`to_json` (the ``key`` is recomputed, not trusted)."""
        return cls(
            kind=obj["kind"],
            subject=obj["subject"],
            due_on=dt.date.fromisoformat(obj["due_on"]),
            audience=obj["audience"],
            message=obj["message"],
            team_id=obj.get("team_id"),
            refs=obj.get("refs") or {},
        )
