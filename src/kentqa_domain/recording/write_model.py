"""The write model: every aggregate, folded from the events, that recording checks against.

It holds only what the rules need (existence, stages, open/closed, action ids), so it grows
with the number of teams, workers, children and cases, not with the number of events.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from ..areas.aggregate import Handler
from ..areas.audits import model as audit
from ..areas.complaints import handlers as complaint_handlers
from ..areas.complaints import model as complaint
from ..areas.escalations import model as escalation
from ..areas.observations import model as observation
from ..areas.organisation import model as staff
from ..areas.plans import allocation, looked_after_rules, protection_rules, review_rules
from ..areas.plans import model as child_plan
from ..areas.voice import model as feedback
from ..events import EVENT_TYPES, Event

if TYPE_CHECKING:
    from ..readmodel.docs import DocSession

HANDLERS: dict[type[Event], Handler] = {
    **staff.HANDLERS,
    **observation.HANDLERS,
    **audit.HANDLERS,
    **looked_after_rules.HANDLERS,
    **protection_rules.HANDLERS,
    **review_rules.HANDLERS,
    **allocation.HANDLERS,
    **escalation.HANDLERS,
    **complaint_handlers.HANDLERS,
    **feedback.HANDLERS,
}
assert set(HANDLERS) == set(EVENT_TYPES.values()), "every event type needs a handler"


#: The write model's maps: name -> (key type, value type). In the store each entry is one
#: document (decision 0900); a child's entries are keyed by its token and pseudonyms.
MAPS: dict[str, tuple[Any, Any]] = {
    "teams": (str, staff.Team),
    "workers": (str, staff.Worker),
    "observations": (str, observation.Observation),
    "audits": (str, audit.Audit),
    "themes": (str, bool),
    "children": (str, child_plan.Child),
    "review_child": (str, str),
    "review_lookup": (str, str),
    "child_reviews": (str, tuple[str, ...]),
    "escalations": (str, escalation.Escalation),
    "complaints": (str, complaint.Complaint),
}


#: (event field, map) the batch prefetch reads: each id field names an entry of one map.
_PREFETCH = (
    ("team_id", "teams"),
    ("worker_id", "workers"),
    ("iro_id", "workers"),  # an IRO or CP Chair assigned to a child (SPEC 9.2)
    ("chair_id", "workers"),
    ("observation_id", "observations"),
    ("audit_id", "audits"),
    ("theme_id", "themes"),
    ("child_ref", "children"),
    ("review_id", "review_child"),
    ("escalation_id", "escalations"),
    ("complaint_id", "complaints"),
)


class WriteModel:
    """All aggregates by kind and id: plain dicts, or documents in the store when ``session``
    (a :class:`~kentqa_domain.readmodel.docs.DocSession`) is given."""

    def __init__(self, session: DocSession | None = None) -> None:
        maps: dict[str, Any] = {
            name: (session.map(name, key_type, value_type) if session is not None else {})
            for name, (key_type, value_type) in MAPS.items()
        }
        self.teams: MutableMapping[str, staff.Team] = maps["teams"]
        self.workers: MutableMapping[str, staff.Worker] = maps["workers"]
        self.observations: MutableMapping[str, observation.Observation] = maps["observations"]
        self.audits: MutableMapping[str, audit.Audit] = maps["audits"]
        self.themes: MutableMapping[str, bool] = maps["themes"]
        self.children: MutableMapping[str, child_plan.Child] = maps["children"]
        #: a review's (pseudonymised) id -> its child's token
        self.review_child: MutableMapping[str, str] = maps["review_child"]
        #: a review's keyed lookup name (HMAC of its id under the store's secret) -> its child's
        #: token: how a QA, which names only the review, finds the child before it is sealed
        self.review_lookup: MutableMapping[str, str] = maps["review_lookup"]
        #: a child's token -> the lookup names of its reviews (deleted when it is forgotten)
        self.child_reviews: MutableMapping[str, tuple[str, ...]] = maps["child_reviews"]
        self.escalations: MutableMapping[str, escalation.Escalation] = maps["escalations"]
        self.complaints: MutableMapping[str, complaint.Complaint] = maps["complaints"]

    def prefetch(self, events: list[Event]) -> None:
        """Load, in one read per map, the entries a batch of events will look at (when the
        maps are documents in the store): the subjects their ids name."""
        wanted: dict[str, list[str]] = {}
        for event in events:
            for field, name in _PREFETCH:
                value = getattr(event, field, None)
                if isinstance(value, str):
                    wanted.setdefault(name, []).append(value)
        for name, keys in wanted.items():
            found = getattr(self, name)
            prefetch = getattr(found, "prefetch", None)
            if prefetch is not None:
                prefetch(keys)

    def stream(self, event: Event) -> str:
        """The aggregate stream the event belongs to, e.g. ``"worker:W1"``."""
        return HANDLERS[type(event)].stream(event, self)

    def check(self, event: Event) -> None:
        """Raise UnknownReference or RuleViolation if ``event`` may not be recorded now."""
        HANDLERS[type(event)].check(event, self)

    def apply(self, event: Event) -> None:
        """Fold an accepted (or stored) event into the aggregates."""
        HANDLERS[type(event)].apply(event, self)
