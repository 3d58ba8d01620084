"""Every document the state keeps in the store reads back as it was written (SPEC 9.4, decision 0900).

The state is data, never a pickle: each map of the write model and of every projection is
encoded to canonical JSON by ``state/codec.py`` and decoded by its declared type. For every
map's value type: hypothesis builds values, and ``decode(encode(v)) == v`` with the same
bytes on a second encoding (equal states give equal bytes, which is how a fold knows a
document did not change). The documents a real council writes are checked the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.demo import generate
from kentqa_domain.state import codec
from tests.strategies import event_of


def _maps(qa: Any) -> Iterator[tuple[str, str, Any]]:
    sessions = {"model": qa.model, **{n: p.session for n, p in qa.projections.by_name.items()}}
    for owner, session in sessions.items():
        for space, docs in session._maps.items():
            yield owner, space, docs.value_type


with kq.connect("memory://", policy=kq.Policy()) as _qa:
    MAPS = sorted(_maps(_qa), key=lambda m: (m[0], m[1]))

for _cls in ev.EVENT_TYPES.values():  # events inside documents: valid ones, as recorded
    st.register_type_strategy(_cls, event_of(_cls))


def test_every_map_of_the_state_is_covered() -> None:
    owners = {owner for owner, _space, _type in MAPS}
    assert {"model", "child_plans", "escalations", "complaints", "audit_cycle", "voice"} <= owners
    assert len(MAPS) >= 30


@pytest.mark.parametrize(("owner", "space", "value_type"), MAPS, ids=[f"{o}.{s}" for o, s, _ in MAPS])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_a_document_reads_back_as_written(
    owner: str, space: str, value_type: Any, data: st.DataObject
) -> None:
    value = data.draw(st.from_type(value_type), label=f"{owner}.{space}")
    try:
        stored = codec.encode(value, value_type)
    except TypeError as exc:  # JSON integers are 64-bit; no count or id comes near it
        if "64-bit" not in str(exc):
            raise
        reject()
    back = codec.decode(stored, value_type)
    assert back == value
    assert codec.encode(back, value_type) == stored


def test_a_councils_documents_read_back_byte_for_byte() -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(generate("small", seed=5, as_of=dt.date(2026, 6, 30)), on_invalid=lambda _i, _e: None)
        checked = 0
        for owner, space, value_type in MAPS:
            for _key, stored in qa.state_tables.scan_docs(owner, space, None, 10_000):
                if not stored:
                    continue
                assert codec.encode(codec.decode(stored, value_type), value_type) == stored, (owner, space)
                checked += 1
    assert checked > 1_000
