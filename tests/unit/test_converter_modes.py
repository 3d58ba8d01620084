"""The one converter's two modes (decision 1012): the trusted mode gives back every event the
validating mode accepts, and the validating mode refuses what it refused before; the mapper's
stored bytes are the layout recording always wrote."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import attrs
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.privacy.keyring import aes_decrypt
from kentqa_domain.privacy.sealing import Sealing
from kentqa_domain.serialization import convert
from kentqa_domain.serialization.mapper import (
    ChildForgotten,
    CorrectionMark,
    EventMapper,
    Recorded,
    canonical_body,
)
from tests.strategies import event_of

TYPES = sorted(ev.EVENT_TYPES)
_KEY = bytes(range(32))


@pytest.mark.parametrize("type_name", TYPES)
@settings(max_examples=25)
@given(data=st.data())
def test_the_trusted_mode_gives_back_every_event_of_every_type(type_name: str, data: st.DataObject) -> None:
    event = data.draw(event_of(ev.EVENT_TYPES[type_name]))
    body = ev.to_json(event)
    stored = orjson.loads(orjson.dumps(body))  # as the store reads it back
    assert stored.pop("type") == type_name
    decoded = convert.trusted_event(type_name, stored)
    assert decoded == event
    assert type(decoded) is type(event)
    assert hash(decoded) == hash(event)
    # Through cattrs's own entry point, the tagged union of every event, alike.
    assert convert.trusted.structure(orjson.loads(orjson.dumps(body)), ev.EventUnion) == event
    # And the validating mode agrees.
    assert ev.parse(orjson.loads(orjson.dumps(body))) == event


@pytest.mark.parametrize("type_name", TYPES)
@settings(max_examples=10)
@given(data=st.data())
def test_the_validating_mode_names_a_missing_or_unknown_field(type_name: str, data: st.DataObject) -> None:
    cls = ev.EVENT_TYPES[type_name]
    body = ev.to_json(data.draw(event_of(cls)))
    required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
    if required:
        name = data.draw(st.sampled_from(required))
        without = {k: v for k, v in body.items() if k != name}
        with pytest.raises(InvalidEvent) as refused:
            ev.parse(without)
        assert (refused.value.event_type, refused.value.field, refused.value.rule) == (
            type_name,
            name,
            "required",
        )
        assert str(refused.value) == f"{type_name}.{name}: is required [rule required]"
        del without["type"]
        with pytest.raises(KeyError):  # the trusted mode does not guess a missing field either
            convert.trusted_event(type_name, without)
    with pytest.raises(InvalidEvent) as refused:
        ev.parse({**body, "zz_extra": 1, "aa_extra": 2})
    assert str(refused.value) == f"{type_name}.aa_extra: is not a field of this event [rule unknown-field]"


def test_the_validating_mode_keeps_the_events_own_messages() -> None:
    body = ev.to_json(
        ev.FeedbackReceived(feedback_id="F1", received_on="2026-01-05", source="child", channel="momo")
    )
    with pytest.raises(InvalidEvent, match=r"FeedbackReceived\.received_on: must be a date, not int"):
        ev.parse({**body, "received_on": 5})
    with pytest.raises(InvalidEvent, match=r"FeedbackReceived\.source: must be one of .* \[rule enum"):
        ev.parse({**body, "source": "martian"})


def test_trusted_actions_and_grade_maps_are_typed() -> None:
    action = ev.Action(action_id="A1", description="do it", owner_id="W1", due_on=dt.date(2026, 2, 1))
    stored = orjson.loads(orjson.dumps(convert.validating.unstructure(action)))
    assert convert.trusted_action(stored) == action
    assert type(convert.trusted_action(stored).due_on) is dt.date
    audit = ev.AuditCompleted(
        audit_id="AU1",
        kind="thematic",
        auditor_id="W2",
        team_id="T1",
        completed_on="2026-01-05",
        overall="good",
        grades={"voice": "good"},
        actions=[{"action_id": "A1", "description": "do it", "owner_id": "W1", "due_on": "2026-02-01"}],
    )
    body = orjson.loads(orjson.dumps(ev.to_json(audit)))
    decoded = convert.trusted_event(body.pop("type"), body)
    assert decoded == audit
    assert type(decoded.grades["voice"]) is type(audit.grades["voice"])
    assert type(decoded.actions) is tuple and type(decoded.actions[0]) is ev.Action


# The stored state's layout: what the mapper wrote when it joined the bytes by hand.


def _spliced(at: str, middle: bytes) -> bytes:
    return b'{"at":"' + at.encode() + b'",' + middle + b"}"


class _Keyring:
    def child_key(self, _key_id: str) -> bytes:
        return _KEY


recorded_ats = st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2035, 1, 1)).map(
    lambda d: d.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")
)


@settings(max_examples=60)
@given(st.sampled_from(TYPES).flatmap(lambda name: event_of(ev.EVENT_TYPES[name])), recorded_ats)
def test_a_stored_event_has_the_bytes_recording_always_wrote(event: ev.Event, at: str) -> None:
    stored = EventMapper().to_stored_event(Recorded(uuid.uuid4(), 1, event, at))
    assert stored.state == _spliced(at, b'"e":' + canonical_body(event))


@given(recorded_ats, st.text("0123456789abcdef", min_size=8, max_size=32), st.dates())
def test_a_forgetting_has_the_bytes_recording_always_wrote(at: str, token: str, on: dt.date) -> None:
    stored = EventMapper().to_stored_event(Recorded(uuid.uuid4(), 1, ChildForgotten(token, on), at))
    marker = orjson.dumps({"token": token, "on": on.isoformat()})
    assert stored.state == _spliced(at, b'"m":' + marker)


@given(recorded_ats, st.integers(0, 10**6), st.none() | st.integers(0, 10**6), st.text(max_size=30))
def test_a_correction_mark_has_the_bytes_recording_always_wrote(
    at: str, original: int, replacement: int | None, reason: str
) -> None:
    mapper = EventMapper()
    mark = CorrectionMark(original, replacement, original, dt.date(2026, 3, 1), "W1", reason)
    stored = mapper.to_stored_event(Recorded(uuid.uuid4(), 1, mark, at))
    assert stored.state == _spliced(at, b'"m":' + mapper._mark(mark))


@settings(max_examples=30)
@given(st.sampled_from(TYPES).flatmap(lambda name: event_of(ev.EVENT_TYPES[name])), recorded_ats)
def test_a_sealed_event_has_the_bytes_recording_always_wrote(event: ev.Event, at: str) -> None:
    mapper = EventMapper()
    mapper.keyring = _Keyring()  # type: ignore[assignment]
    key_id = "0123456789abcdef0123456789abcdef"
    sealing = Sealing("C1", key_id, event, event, {})
    state = mapper.to_stored_event(Recorded(uuid.uuid4(), 1, event, at, sealing)).state
    sealed = orjson.loads(state)["c"]["s"]  # random nonce: taken from the output, then checked
    part = b'{"k":"' + key_id.encode() + b'","s":"' + sealed.encode() + b'"}'
    assert state == _spliced(at, b'"e":' + canonical_body(event) + b',"c":' + part)
    secret = orjson.loads(aes_decrypt(_KEY, base64.b64decode(sealed)))
    assert secret == {"r": "C1", "b": orjson.loads(canonical_body(event))}
