"""An event's identity: the fields that make two recordings "the same event" (SPEC section 2).

Recording an event whose identity was already recorded with identical content is a no-op;
the same identity with different content is a ``ConflictingEvent``. Events with their own id
use it; facts without one use the subject and the date (or stage) they are about.
"""

from __future__ import annotations

from hashlib import blake2b

from .. import events as ev

IDENTITY: dict[type[ev.Event], tuple[str, ...]] = {
    ev.TeamRegistered: ("team_id",),
    ev.WorkerRegistered: ("worker_id",),
    ev.WorkerMoved: ("worker_id", "moved_on"),
    # A leaver may return and leave again (SPEC 9.3): each leaving is its own fact (decision 0990).
    ev.WorkerLeft: ("worker_id", "left_on"),
    ev.WorkerRejoined: ("worker_id", "rejoined_on"),
    ev.WorkerRoleChanged: ("worker_id", "changed_on"),
    ev.ASYECompleted: ("worker_id",),
    ev.ASYEExtended: ("worker_id", "extended_to"),
    ev.SupportNeedFlagged: ("worker_id", "flagged_on"),
    ev.SupportNeedCleared: ("worker_id", "cleared_on"),
    ev.SupervisionHeld: ("worker_id", "supervisor_id", "held_on"),
    ev.ObservationRecorded: ("observation_id",),
    ev.ObservationShared: ("observation_id",),
    ev.ReflectiveReviewHeld: ("observation_id",),
    ev.AuditCompleted: ("audit_id",),
    ev.AuditActionCompleted: ("audit_id", "action_id"),
    ev.ThematicAuditAgreed: ("theme_id",),
    ev.ChildBecameLookedAfter: ("child_ref", "on"),
    ev.ChildCeasedLookedAfter: ("child_ref", "on"),
    ev.Section47Completed: ("child_ref", "completed_on"),
    ev.LegalStatusChanged: ("child_ref", "changed_on"),
    ev.PlacedForAdoption: ("child_ref", "placed_on"),
    ev.StrategyDiscussionHeld: ("child_ref", "held_on"),
    ev.ChildProtectionPlanEnded: ("child_ref", "ended_on"),
    ev.ReviewHeld: ("review_id",),
    ev.MidwayReviewCompleted: ("child_ref", "plan", "completed_on"),
    ev.PlanActionCompleted: ("child_ref", "action_id"),
    ev.PlanActionAgreed: ("child_ref", "action_id"),
    # One allocation, IRO or chair assignment per child a day (decision 0985): a second one
    # that day with another team or worker is a conflict, to be corrected, not a tie to break.
    ev.ChildAllocated: ("child_ref", "allocated_on"),
    ev.IROAssigned: ("child_ref", "assigned_on"),
    ev.CPChairAssigned: ("child_ref", "assigned_on"),
    ev.ReviewQualityAssured: ("review_id",),
    ev.EscalationRaised: ("escalation_id",),
    ev.EscalationResponded: ("escalation_id", "responded_on", "by"),
    ev.EscalationProgressed: ("escalation_id", "to_stage"),
    ev.EscalationResolved: ("escalation_id",),
    ev.EscalationReferredToCafcass: ("escalation_id",),
    ev.ComplaintReceived: ("complaint_id",),
    ev.ComplaintTimescaleExtended: ("complaint_id", "stage"),
    ev.ComplaintResponded: ("complaint_id", "stage"),
    ev.ComplaintEscalated: ("complaint_id", "to_stage"),
    ev.ComplaintWithdrawn: ("complaint_id",),
    ev.ComplaintPanelHeld: ("complaint_id",),
    ev.ComplaintPanelReported: ("complaint_id",),
    ev.ComplaintReferredToOmbudsman: ("complaint_id",),
    ev.ComplimentReceived: ("compliment_id",),
    ev.FeedbackReceived: ("feedback_id",),
}
assert set(IDENTITY) == set(ev.EVENT_TYPES.values()), "every event type needs an identity"


def identity_of(event: ev.Event) -> str:
    """A string naming the event's identity, fields joined by the unit separator (ids cannot hold control characters)."""
    values = (str(getattr(event, name)) for name in IDENTITY[type(event)])
    return "\x1f".join((type(event).__name__, *values))


def digest64(data: bytes) -> int:
    """A stable 64-bit digest (blake2b), the same in every process."""
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big")


def keyed64(secret: bytes, data: bytes) -> int:
    """A 64-bit keyed digest (blake2b with a key): an encrypted store's identity index."""
    return int.from_bytes(blake2b(data, digest_size=8, key=secret[:64]).digest(), "big")


def identity_key(event: ev.Event) -> int:
    """The 64-bit key of an event's identity (the ``kentqa_identities`` row's key)."""
    return digest64(identity_of(event).encode())
