"""Which fields of an event identify a child (erasure; ``docs/security.md``, decision 0601).

A child's events are stored in two parts (:mod:`kentqa_domain.privacy.sealing`): the identifying fields
listed here are replaced in the clear part by the child's token, pseudonyms (review and plan
action ids) or nothing (free text); the original is sealed with the child's key. The state
in the store folds only the clear part, read as it reads once the key is destroyed, so
forgetting a child changes nothing in it (decision 0900).
"""

from __future__ import annotations

import attrs

from .. import events as ev


@attrs.frozen
class Private:
    """The child-identifying fields of one event type."""

    refs: tuple[str, ...] = ()  # hold the child's reference
    ids: tuple[str, ...] = ()  # identifiers pseudonymised (their kind is the field name)
    texts: tuple[str, ...] = ()  # free text
    actions: bool = False  # ``actions`` items: action_id pseudonymised, description is text
    action: bool = False  # one ``action`` (PlanActionAgreed), treated as an ``actions`` item


#: Which fields of a child's events identify the child (sealed with its key when stored).
PRIVATE: dict[type[ev.Event], Private] = {
    ev.ChildBecameLookedAfter: Private(refs=("child_ref",)),
    ev.ChildCeasedLookedAfter: Private(refs=("child_ref",)),
    ev.StrategyDiscussionHeld: Private(refs=("child_ref",)),
    ev.ChildProtectionPlanEnded: Private(refs=("child_ref",)),
    ev.ReviewHeld: Private(refs=("child_ref",), ids=("review_id",), actions=True),
    ev.MidwayReviewCompleted: Private(refs=("child_ref",)),
    ev.Section47Completed: Private(refs=("child_ref",)),
    ev.LegalStatusChanged: Private(refs=("child_ref",)),
    ev.PlacedForAdoption: Private(refs=("child_ref",)),
    ev.PlanActionCompleted: Private(refs=("child_ref",), ids=("action_id",)),
    ev.PlanActionAgreed: Private(refs=("child_ref",), ids=("review_id",), action=True),
    ev.ChildAllocated: Private(refs=("child_ref",)),
    ev.IROAssigned: Private(refs=("child_ref",)),
    ev.CPChairAssigned: Private(refs=("child_ref",)),
    ev.ReviewQualityAssured: Private(ids=("review_id",)),
    ev.EscalationRaised: Private(refs=("child_ref",), texts=("details",)),
    ev.EscalationResponded: Private(texts=("response",)),
    ev.EscalationResolved: Private(texts=("outcome",)),
    ev.ComplaintReceived: Private(refs=("child_ref",)),  # when about a child (SPEC 9.2)
}
