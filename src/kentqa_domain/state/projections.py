"""The read side: projections fold events into what the queries read (SPEC sections 5, 9.4).

Each projection is a fold (``apply(event, position)``) over the notification log into
documents and row tables in the store, at its own position (:mod:`kentqa_domain.readmodel.projection`,
decision 0900). Queries compute their rows from a projection and the policy at ``as_of``:
no projection reads the clock.
"""

from ..areas.audits.activity import ActivityByDay
from ..areas.audits.projection import Audits
from ..areas.complaints.projection import Complaints
from ..areas.escalations.projection import Escalations
from ..areas.observations.projection import ObservationCompliance
from ..areas.plans.projection import ChildPlans
from ..areas.voice.projection import Voice
from ..privacy.pseudonyms import Reveal
from ..readmodel.projection import StoredProjection
from .stats import EventCounts

#: The projections whose state lives in the store (decision 0900), each with its own position.
STORED_PROJECTIONS: tuple[type[StoredProjection], ...] = (
    EventCounts,
    Reveal,
    Voice,
    ActivityByDay,
    ObservationCompliance,
    Audits,
    Complaints,
    ChildPlans,
    Escalations,
)

__all__ = [
    "STORED_PROJECTIONS",
    "ActivityByDay",
    "Audits",
    "ChildPlans",
    "Complaints",
    "Escalations",
    "EventCounts",
    "ObservationCompliance",
    "StoredProjection",
    "Voice",
]
