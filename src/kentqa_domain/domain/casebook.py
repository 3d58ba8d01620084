"""The write model: every aggregate, folded from the events, that recording checks against.

It holds only what the rules need (existence, stages, open/closed, action ids), so it grows
with the number of teams, workers, children and cases, not with the number of events.
"""

from __future__ import annotations

from ..events import EVENT_TYPES, Event
from . import audit, child_plan, complaint, escalation, feedback, observation, staff
from .base import Handler

HANDLERS: dict[type[Event], Handler] = {
    **staff.HANDLERS,
    **observation.HANDLERS,
    **audit.HANDLERS,
    **child_plan.HANDLERS,
    **escalation.HANDLERS,
    **complaint.HANDLERS,
    **feedback.HANDLERS,
}
assert set(HANDLERS) == set(EVENT_TYPES.values()), "every event type needs a handler"


class Casebook:
    """All aggregates by kind and id."""

    def __init__(self) -> None:
        self.teams: dict[str, staff.Team] = {}
        self.workers: dict[str, staff.Worker] = {}
        self.observations: dict[str, observation.Observation] = {}
        self.audits: dict[str, audit.Audit] = {}
        self.themes: set[str] = set()
        self.children: dict[str, child_plan.Child] = {}
        self.review_child: dict[str, str] = {}
        self.escalations: dict[str, escalation.Escalation] = {}
        self.complaints: dict[str, complaint.Complaint] = {}

    def stream(self, event: Event) -> str:
        """The aggregate stream the event belongs to, e.g. ``"worker:W1"``."""
        return HANDLERS[type(event)].stream(event, self)

    def check(self, event: Event) -> None:
        """Raise UnknownReference or RuleViolation if ``event`` may not be recorded now."""
        HANDLERS[type(event)].check(event, self)

    def apply(self, event: Event) -> None:
        """Fold an accepted (or stored) event into the aggregates."""
        HANDLERS[type(event)].apply(event, self)
