"""The write model: every aggregate, folded from the events, that recording checks against.

It holds only what the rules need (existence, stages, open/closed, action ids), so it grows
with the number of teams, workers, children and cases, not with the number of events.
"""

from __future__ import annotations

from ..events import EVENT_TYPES, Event
from ..forgetting import Forgetting
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

    def forget_child(self, forgetting: Forgetting) -> None:
        """Erasure: the child, its reviews, actions and escalations under the anonymous token and pseudonyms.

        Gives the same state as folding the child's events as they read once its key is gone.
        """
        child = self.children.pop(forgetting.child_ref, None)
        if child is not None:
            child.child_ref = forgetting.token
            child.reviews = {forgetting.alias("review_id", r): v for r, v in child.reviews.items()}
            child.actions = {
                forgetting.alias("action_id", a): (plan, day, forgetting.alias("review_id", review))
                for a, (plan, day, review) in child.actions.items()
            }
            self.children[forgetting.token] = child
        for review_id, ref in list(self.review_child.items()):
            if ref == forgetting.child_ref:
                del self.review_child[review_id]
                self.review_child[forgetting.alias("review_id", review_id)] = forgetting.token
        for case in self.escalations.values():
            if case.child_ref == forgetting.child_ref:
                case.child_ref = forgetting.token
