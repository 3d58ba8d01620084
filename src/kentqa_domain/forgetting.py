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

import attrs

#: The identifier kinds that are pseudonymised per child (see ``kentqa_domain.child_privacy``).
ALIAS_KINDS = ("review_id", "action_id")


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
