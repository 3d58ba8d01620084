"""What forgetting a child changes in folded state (erasure; ``docs/security.md``).

When a child is forgotten (``qa.forget_child``), every state that holds the child's
reference replaces it with an anonymous token, replaces the child's pseudonymised
identifiers (review ids, plan action ids) by their pseudonyms, and drops free text about
the child. The result must equal what folding the stored events gives after the child's
key is destroyed (then they decode exactly so): that is how replay after forgetting agrees
with the state kept in memory and in checkpoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import attrs

from . import events as ev

#: The identifier kinds that are pseudonymised per child (see ``kentqa_domain.child_privacy``).
ALIAS_KINDS = ("review_id", "action_id")


@attrs.frozen
class Private:
    """The child-identifying fields of one event type."""

    refs: tuple[str, ...] = ()  # hold the child's reference
    ids: tuple[str, ...] = ()  # identifiers pseudonymised (their kind is the field name)
    texts: tuple[str, ...] = ()  # free text
    actions: bool = False  # ``actions`` items: action_id pseudonymised, description is text


#: Which fields of a child's events identify the child (sealed with its key when stored).
PRIVATE: dict[type[ev.Event], Private] = {
    ev.ChildBecameLookedAfter: Private(refs=("child_ref",)),
    ev.ChildCeasedLookedAfter: Private(refs=("child_ref",)),
    ev.StrategyDiscussionHeld: Private(refs=("child_ref",)),
    ev.ChildProtectionPlanEnded: Private(refs=("child_ref",)),
    ev.ReviewHeld: Private(refs=("child_ref",), ids=("review_id",), actions=True),
    ev.MidwayReviewCompleted: Private(refs=("child_ref",)),
    ev.PlanActionCompleted: Private(refs=("child_ref",), ids=("action_id",)),
    ev.ReviewQualityAssured: Private(ids=("review_id",)),
    ev.EscalationRaised: Private(refs=("child_ref",), texts=("details",)),
    ev.EscalationResponded: Private(texts=("response",)),
    ev.EscalationResolved: Private(texts=("outcome",)),
}


@attrs.frozen
class Forgetting:
    """One child being forgotten: its reference, its anonymous token and its identifiers' pseudonyms."""

    child_ref: str
    token: str
    aliases: Mapping[str, Mapping[str, str]] = attrs.Factory(dict)

    def ref(self, value: str | None) -> str | None:
        """``value`` with the child's reference replaced by the token."""
        return self.token if value == self.child_ref else value

    def alias(self, kind: str, value: str) -> str:
        """The pseudonym of the child's identifier ``value`` of ``kind`` (``review_id``, ``action_id``)."""
        return self.aliases.get(kind, {}).get(value, value)

    def owns(self, kind: str, value: str) -> bool:
        """Whether ``value`` is one of this child's identifiers of ``kind``."""
        return value in self.aliases.get(kind, {})

    def anonymous(self, event: ev.Event) -> ev.Event:
        """``event`` (one of this child's) as it reads once the child is forgotten.

        The reference becomes the token, review and action ids their pseudonyms, free text
        empty: exactly what the stored event decodes to after its key is destroyed. A
        projection that keeps whole events can store ``forgetting.anonymous(event)`` in
        their place.
        """
        spec = PRIVATE.get(type(event))
        if spec is None:
            return event
        changes: dict[str, Any] = {}
        for name in spec.refs:
            value = getattr(event, name)
            if value is not None:
                changes[name] = self.ref(value)
        for name in spec.ids:
            changes[name] = self.alias(name, getattr(event, name))
        for name in spec.texts:
            changes[name] = "" if getattr(event, name) is not None else None
        if spec.actions:
            changes["actions"] = tuple(
                attrs.evolve(a, action_id=self.alias("action_id", a.action_id), description="")
                for a in cast("ev.ReviewHeld", event).actions
            )
        return attrs.evolve(event, **changes)  # type: ignore[misc]
