"""Stored events rebuilt without re-validation equal the validated events (decision 0801)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given

from kentqa_domain import events as ev
from kentqa_domain.serialization import unstructure_event
from kentqa_domain.serialization.convert import DECODERS, trusted_event
from kentqa_domain.serialization.mapper import EventMapper, Recorded
from tests.strategies import any_event


def _body(event: ev.Event) -> dict[str, object]:
    body = unstructure_event(event)
    del body["type"]
    return body


@given(any_event)
def test_trusted_decoding_gives_back_the_event(event: ev.Event) -> None:
    decoded = trusted_event(type(event).__name__, _body(event))
    assert decoded == event
    assert type(decoded) is type(event)
    assert hash(decoded) == hash(event)


@given(any_event)
def test_the_mapper_reads_what_it_wrote_with_and_without_validation(event: ev.Event) -> None:
    """The fast path and ``kentqa replay --verify``'s full validation agree, and the canonical
    body bytes (the digest's input) are the ones recording digested."""
    mapper = EventMapper()
    stored = mapper.to_stored_event(Recorded(uuid.uuid4(), 1, event))
    fast, fast_body, _ = mapper.decode_state(stored.topic, stored.state)
    full, full_body, _ = mapper.decode_state(stored.topic, stored.state, validate=True)
    assert fast == full == event
    assert fast_body == full_body


def test_every_event_type_has_a_decoder() -> None:
    assert set(DECODERS) == set(ev.EVENT_TYPES)


def test_a_stored_value_of_the_wrong_kind_still_fails_loudly() -> None:
    """Only checks that cannot fail for data this library wrote are skipped: an unknown enum
    value or a malformed date in the store is an error, not a silently wrong event."""
    body = _body(
        ev.FeedbackReceived(feedback_id="F1", received_on="2026-01-05", source="child", channel="momo")
    )
    with pytest.raises(KeyError):
        trusted_event("FeedbackReceived", {**body, "source": "martian"})
    with pytest.raises(ValueError):
        trusted_event("FeedbackReceived", {**body, "received_on": "5 January"})
    with pytest.raises(KeyError):
        trusted_event("FeedbackReceived", {k: v for k, v in body.items() if k != "channel"})


@given(any_event)
def test_decoded_dates_are_shared_objects_and_equal_to_the_stored_ones(event: ev.Event) -> None:
    """Decision 0820: a day decoded twice is one object (the folded state keeps one per day),
    and interning changes no value."""
    first = trusted_event(type(event).__name__, _body(event))
    second = trusted_event(type(event).__name__, _body(event))
    assert first == event == second
    for name in ("on", "held_on", "received_on", "observed_on", "completed_on", "raised_on"):
        if isinstance(getattr(event, name, None), dt.date):
            assert getattr(first, name) is getattr(second, name)
