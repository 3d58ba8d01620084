"""An order the rules accept for a batch of events given in any order (SPEC 9.5).

The write model refuses an event about a subject it does not know (a review of a child not
yet looked after, R-LAC-1; a response to an escalation never raised, R-ESC-2; an observation
of a worker never registered, R-OBS-1 ...). A case system's export is sorted as it pleases:
by record type, by id, newest first. :func:`recording_order` puts such a batch into the order
the events happened in, and on one day subjects before what follows them up:

=====  ==================================================================================
rank   events on the same business date
=====  ==================================================================================
0      ``TeamRegistered``
1      ``WorkerRegistered``, ``WorkerRejoined``
2      what starts a subject: a child becoming looked after or a strategy discussion,
       an escalation raised, a complaint received, an audit agreed; staff facts
3      initial child protection conferences
4      other reviews (``ReviewHeld``), audits, observations; a child's legal status,
       placement, allocation and IRO or CP Chair assignment
5      plan actions agreed (after the review they follow up)
6      what follows a review or a subject up: QA of a review, midway reviews, actions
       completed, responses, progress, shares, extensions
7      escalation to the next stage (complaints), referral to Cafcass
8      what ends a subject: plans ending, escalations resolved, complaints withdrawn
9      ``WorkerLeft`` (a worker's last day's observations come first)
=====  ==================================================================================

Ties keep the order the batch gave. Events of types this module does not know (a plugin's)
take rank 4. The order is a pure function of the events: the same batch always records the
same way, and an export already in recording order keeps its order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .. import events as ev
from ..values import ReviewKind

TEAMS = 0
STAFF = 1
STARTS = 2
INITIAL = 3
DURING = 4
AGREED = 5
FOLLOW_UP = 6
NEXT_STAGE = 7
ENDS = 8
LEAVING = 9
#: Corrections and withdrawals (SPEC 9.1): after everything of their day, and never before
#: the record they correct.
CORRECTING = 10

_RANK: dict[str, int] = {
    "TeamRegistered": TEAMS,
    "WorkerRegistered": STAFF,
    "WorkerRejoined": STAFF,
    "WorkerMoved": STARTS,
    "WorkerRoleChanged": STARTS,
    "ASYECompleted": STARTS,
    "ASYEExtended": STARTS,
    "SupportNeedFlagged": STARTS,
    "ChildBecameLookedAfter": STARTS,
    "StrategyDiscussionHeld": STARTS,
    "EscalationRaised": STARTS,
    "ComplaintReceived": STARTS,
    "ThematicAuditAgreed": STARTS,
    "PlanActionAgreed": AGREED,
    "ReviewQualityAssured": FOLLOW_UP,
    "MidwayReviewCompleted": FOLLOW_UP,
    "PlanActionCompleted": FOLLOW_UP,
    "EscalationResponded": FOLLOW_UP,
    "EscalationProgressed": FOLLOW_UP,
    "ComplaintTimescaleExtended": FOLLOW_UP,
    "ComplaintResponded": FOLLOW_UP,
    "ObservationShared": FOLLOW_UP,
    "ReflectiveReviewHeld": FOLLOW_UP,
    "AuditActionCompleted": FOLLOW_UP,
    "SupportNeedCleared": FOLLOW_UP,
    "ComplaintEscalated": NEXT_STAGE,
    "ComplaintPanelHeld": NEXT_STAGE,  # R-CMP-7: after the stage 3 request of its day
    "ComplaintPanelReported": NEXT_STAGE,  # after its panel (ties keep the order given)
    "EscalationReferredToCafcass": NEXT_STAGE,
    "Section47Completed": FOLLOW_UP,
    "LegalStatusChanged": DURING,
    "PlacedForAdoption": DURING,
    # SPEC 9.2: after what makes the child known that day (and a role change that day)
    "ChildAllocated": DURING,
    "IROAssigned": DURING,
    "CPChairAssigned": DURING,
    "ChildCeasedLookedAfter": ENDS,
    "ChildProtectionPlanEnded": ENDS,
    "EscalationResolved": ENDS,
    "ComplaintWithdrawn": ENDS,
    "ComplaintReferredToOmbudsman": ENDS,  # R-CMP-7: the last fact of its complaint
    "WorkerLeft": LEAVING,
    "RecordCorrected": CORRECTING,
    "RecordWithdrawn": CORRECTING,
}


def rank(event: ev.Event) -> int:
    """Where an event goes among the events of its business date (the table above)."""
    if isinstance(event, ev.ReviewHeld):
        return INITIAL if event.kind is ReviewKind.INITIAL_CP_CONFERENCE else DURING
    return _RANK.get(type(event).__name__, DURING)


def recording_key(event: ev.Event, sequence: int) -> tuple[dt.date, int, int]:
    """Sort key: business date, rank on the day, then the order the batch gave. A correction
    or withdrawal (SPEC 9.1) goes on its date, or its original's if that is later."""
    original = getattr(event, "original", None)
    day = event.business_date if original is None else max(event.business_date, original.business_date)
    return (day, rank(event), sequence)


def recording_order(events: Sequence[ev.Event | None]) -> list[int]:
    """The indexes of ``events`` in an order the rules accept: ``[events[i] for i in
    recording_order(events)]`` is the batch to record. ``None`` (an item that is not an
    event, to be refused) goes first, keeping its place among such items."""

    def key(i: int) -> tuple[dt.date, int, int]:
        event = events[i]
        return (dt.date.min, -1, i) if event is None else recording_key(event, i)

    return sorted(range(len(events)), key=key)
