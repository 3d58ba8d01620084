"""The read side: projections fold events into what the queries read (SPEC sections 5, 9.4).

Each projection is a fold (``apply(event, position)``) over the notification log into
documents and row tables in the store, at its own position (:mod:`kentqa_domain.projections.stored`,
decision 0900). Queries compute their rows from a projection and the policy at ``as_of``:
no projection reads the clock.
"""

from .activity import ActivityByDay
from .audit_cycle import AuditLedger
from .child_plans import ChildPlans
from .complaints import Complaints
from .escalations import Escalations
from .observation_compliance import ObservationCompliance
from .reveal import Reveal
from .stats import EventCounts
from .stored import StoredProjection
from .voice import Voice

#: The projections whose state lives in the store (decision 0900), each with its own position.
STORED_PROJECTIONS: tuple[type[StoredProjection], ...] = (
    EventCounts,
    Reveal,
    Voice,
    ActivityByDay,
    ObservationCompliance,
    AuditLedger,
    Complaints,
    ChildPlans,
    Escalations,
)

__all__ = [
    "STORED_PROJECTIONS",
    "ActivityByDay",
    "AuditLedger",
    "ChildPlans",
    "Complaints",
    "Escalations",
    "EventCounts",
    "ObservationCompliance",
    "StoredProjection",
    "Voice",
]
