"""The read side: projections fold events into what the queries read (SPEC section 5).

Each projection is a plain fold (``apply(event, position)``) over the notification log; the
application keeps them caught up and checkpoints them together with the tracking position
(see :mod:`kentqa_domain.ledger`). Queries compute their rows from a projection and the
policy at ``as_of``: no projection reads the clock or the database.
"""

from .activity import ActivityByDay
from .audit_cycle import AuditLedger
from .base import Projection
from .child_plans import ChildPlans
from .complaints import Complaints
from .escalations import Escalations
from .observation_compliance import ObservationCompliance
from .reveal import Reveal
from .stats import EventCounts
from .stored import StoredProjection
from .voice import Voice

#: The projections every application maintains, in the order they are applied.
PROJECTIONS: tuple[type[Projection], ...] = ()

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
    "PROJECTIONS",
    "STORED_PROJECTIONS",
    "ActivityByDay",
    "AuditLedger",
    "ChildPlans",
    "Complaints",
    "Escalations",
    "EventCounts",
    "ObservationCompliance",
    "Projection",
    "StoredProjection",
    "Voice",
]
