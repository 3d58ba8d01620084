"""Sealing a child's event (decision 0601) copies it with pseudonyms in place without running
the validators again; the copies equal what ``attrs.evolve`` (which validates) would make."""

from __future__ import annotations

import secrets

import attrs
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.privacy.sealing import PRIVATE, seal
from tests.strategies import any_event


def _evolved(event: ev.Event, key_id: str, key: bytes) -> tuple[ev.Event, ev.Event]:
    """The clear and anonymous parts made the validating way, from the fast seal's pseudonyms."""
    fast = seal(event, "C-1", key_id, key)
    spec = PRIVATE[type(event)]
    changes = {n: getattr(fast.clear, n) for n in (*spec.refs, *spec.ids, *spec.texts)}
    if spec.actions:
        changes["actions"] = tuple(
            attrs.evolve(a, action_id=b.action_id, description=b.description)
            for a, b in zip(event.actions, fast.clear.actions, strict=True)  # type: ignore[attr-defined]
        )
    if spec.action:
        one = fast.clear.action  # type: ignore[attr-defined]
        changes["action"] = attrs.evolve(event.action, action_id=one.action_id, description=one.description)  # type: ignore[attr-defined]
    clear = attrs.evolve(event, **changes)
    blank = {n: ("" if getattr(clear, n) is not None else None) for n in spec.texts}
    if spec.actions:
        blank["actions"] = tuple(attrs.evolve(a, description="") for a in clear.actions)  # type: ignore[attr-defined]
    if spec.action:
        blank["action"] = attrs.evolve(clear.action, description="")  # type: ignore[attr-defined]
    return clear, attrs.evolve(clear, **blank)


@given(any_event.filter(lambda e: type(e) in PRIVATE), st.binary(min_size=32, max_size=32))
def test_sealed_parts_equal_the_validated_copies(event: ev.Event, key: bytes) -> None:
    key_id = secrets.token_hex(8)
    sealing = seal(event, "C-1", key_id, key)
    clear, anonymous = _evolved(event, key_id, key)
    assert sealing.clear == clear
    assert sealing.anonymous == anonymous
    assert type(sealing.clear) is type(event)
    assert hash(sealing.clear) == hash(clear)
