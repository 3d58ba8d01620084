"""Every event type round-trips JSON -> event -> JSON, and enums and tuples keep their types."""

from __future__ import annotations

from enum import Enum

import attrs
import orjson
import pytest
from hypothesis import given, settings

from kentqa_domain import events as ev
from tests.strategies import event_of


@pytest.mark.parametrize("cls", list(ev.EVENT_TYPES.values()), ids=list(ev.EVENT_TYPES))
@settings(max_examples=40)
@given(data=__import__("hypothesis").strategies.data())
def test_json_round_trip(cls: type[ev.Event], data) -> None:  # type: ignore[no-untyped-def]
    event = data.draw(event_of(cls))
    as_json = ev.to_json(event)
    assert as_json["type"] == cls.__name__
    text = orjson.dumps(as_json)  # real JSON text, as a file or HTTP body would carry it
    back = ev.parse(orjson.loads(text))
    assert back == event
    for field in attrs.fields(cls):
        value = getattr(back, field.name)
        if isinstance(getattr(event, field.name), Enum):
            assert type(value) is type(getattr(event, field.name))
        if isinstance(getattr(event, field.name), tuple):
            assert isinstance(value, tuple)


def test_json_form_uses_plain_values() -> None:
    event = ev.ReviewHeld(
        review_id="R1",
        child_ref="C1",
        kind="looked_after_review",
        held_on="2026-03-02",
        participation="PN1",
    )
    assert ev.to_json(event) == {
        "type": "ReviewHeld",
        "review_id": "R1",
        "child_ref": "C1",
        "kind": "looked_after_review",
        "held_on": "2026-03-02",
        "chair_id": None,
        "actions": [],
        "participation": "PN1",
        "plan_made": True,
    }
    assert type(ev.to_json(event)["kind"]) is str


def test_no_event_has_a_field_for_a_childs_name() -> None:
    """Children are pseudonymous references (SPEC section 3)."""
    for cls in ev.EVENT_TYPES.values():
        names = {f.name for f in attrs.fields(cls)}
        assert not {n for n in names if "name" in n and cls is not ev.TeamRegistered}, cls
        if any(n == "child_ref" for n in names):
            assert not names & {"name", "child_name", "first_name", "surname", "date_of_birth", "dob"}


def test_events_are_immutable() -> None:
    event = ev.WorkerLeft(worker_id="W1", left_on="2026-01-01")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.worker_id = "W2"  # type: ignore[misc]
