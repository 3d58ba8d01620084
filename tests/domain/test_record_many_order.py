"""``record_many(events, order=True)`` and its result (SPEC 9.5, issue 18).

A case system's export comes in any order: by record type, newest first, shuffled. With
``order=True`` the batch is recorded in an order the rules accept (``kq.recording_order``:
business date, then subjects before what follows them up) and every answer equals that of
the same events recorded in the order they happened. The result is the list of positions in
the order given, with counts of new, already recorded and refused events.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.demo import council_events
from kentqa_domain.errors import InvalidEvent, UnknownReference

AS_OF = dt.date(2026, 11, 20)


@cache
def council() -> tuple[ev.Event, ...]:
    """A small council's year (about 3,500 events of every common type), in recording order."""
    return tuple(council_events(size=0.01, seed=3, as_of=AS_OF))


def answers(qa: kq.QualityAssurance) -> dict[str, Any]:
    return {
        "stats": qa.stats(),
        "drift": kq.to_plain(list(qa.drift_register(as_of=AS_OF))),
        "escalations": kq.to_plain(list(qa.escalations(as_of=AS_OF))),
        "complaints": kq.to_plain(list(qa.complaints_register(as_of=AS_OF))),
        "observations": kq.to_plain(list(qa.observation_compliance(as_of=AS_OF))),
        "cycle": kq.to_plain(qa.audit_cycle(kq.cycle_id_for(AS_OF), as_of=AS_OF)),
        "voice": kq.to_plain(qa.voice_summary(dt.date(2026, 4, 1), AS_OF)),
    }


@cache
def in_order_answers() -> dict[str, Any]:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        result = qa.record_many(council(), allow_future=True)
        assert (result.new, result.already_recorded, result.refused) == (len(council()), 0, 0)
        return answers(qa)


def _by_type(events: list[ev.Event]) -> list[ev.Event]:
    return sorted(events, key=lambda e: type(e).__name__)


def _newest_first(events: list[ev.Event]) -> list[ev.Event]:
    return events[::-1]


ORDERS = {"by record type": _by_type, "newest first": _newest_first}


@pytest.mark.parametrize("arrange", ORDERS.values(), ids=ORDERS.keys())
def test_an_export_in_another_order_is_refused_in_part_without_order(arrange: Any) -> None:
    """The problem: recorded as given, follow-ups come before their subjects (R-LAC-1,
    R-ESC-2 ...) and are refused as unknown references."""
    refused: list[InvalidEvent] = []
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        result = qa.record_many(
            arrange(list(council())), allow_future=True, on_invalid=lambda i, e: refused.append(e)
        )
    assert result.refused == len(refused) > 0
    assert any(isinstance(e, UnknownReference) for e in refused)


@pytest.mark.parametrize("arrange", ORDERS.values(), ids=ORDERS.keys())
def test_an_export_in_any_order_records_in_one_call_with_order(arrange: Any) -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        result = qa.record_many(arrange(list(council())), allow_future=True, order=True)
        assert (result.new, result.already_recorded, result.refused) == (len(council()), 0, 0)
        assert answers(qa) == in_order_answers()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_shuffled_export_gives_the_answers_of_the_history_as_it_happened(seed: int) -> None:
    """Oracle: any permutation of a valid history, recorded with ``order=True``, refuses
    nothing and answers every query as the history recorded in the order it happened; the
    positions returned are those of the events as given (recording them again finds each
    one at the position returned)."""
    shuffled = random.Random(seed).sample(list(council()), len(council()))
    corrected = sum(isinstance(e, kq.RecordCorrected) for e in shuffled)  # two rows each (decision 0995)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        result = qa.record_many(shuffled, allow_future=True, order=True)
        assert (result.new, result.refused) == (len(shuffled), 0)
        assert len(set(result)) == len(shuffled) and min(result) == 1
        assert result.position == max(result) == len(shuffled) + corrected == qa.position
        assert answers(qa) == in_order_answers()
        again = qa.record_many(shuffled, allow_future=True)
        assert list(again) == list(result)
        assert (again.new, again.already_recorded, again.refused) == (0, len(shuffled), 0)


def test_the_order_function_is_public_and_keeps_a_recording_order() -> None:
    events = list(council())
    assert kq.recording_order(events) == sorted(
        range(len(events)), key=lambda i: kq.recording_key(events[i], i)
    )
    once = [events[i] for i in kq.recording_order(events)]
    assert kq.recording_order(once) == list(range(len(once)))  # an ordered batch keeps its order


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_counts_and_refusals_refer_to_the_order_given(data: st.DataObject) -> None:
    """New, already recorded and refused are counted; ``on_invalid``'s index and the error's
    ``index`` are the places in the batch as given, and a refused place is None."""
    events = list(council()[:400])
    already = data.draw(st.integers(min_value=0, max_value=len(events)), label="recorded before")
    batch: list[Any] = data.draw(st.permutations(events), label="batch")
    bad_at = data.draw(st.lists(st.integers(0, len(batch)), max_size=3, unique=True), label="bad places")
    for offset, at in enumerate(sorted(bad_at)):
        batch.insert(
            at + offset,
            {
                "type": "ReviewHeld",
                "review_id": f"R-BAD-{at}",
                "child_ref": "C-NOBODY",
                "kind": "looked_after_review",
                "held_on": "2026-01-05",
            },
        )
    told: list[tuple[int, int | None]] = []
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events[:already], allow_future=True)
        result = qa.record_many(
            batch, allow_future=True, order=True, on_invalid=lambda i, e: told.append((i, e.index))
        )
        bad = [i for i, item in enumerate(batch) if isinstance(item, dict)]
        assert sorted(told) == [(i, i) for i in bad]
        assert [i for i, p in enumerate(result) if p is None] == bad
        assert (result.new, result.already_recorded, result.refused) == (
            len(events) - already,
            already,
            len(bad),
        )
        assert qa.position == len(events)


def test_without_on_invalid_the_first_refusal_raises_with_its_place_as_given() -> None:
    events = list(council()[:50])
    bad = {
        "type": "ReviewHeld",
        "review_id": "R-BAD",
        "child_ref": "C-NOBODY",
        "kind": "looked_after_review",
        "held_on": "2026-01-05",
    }
    batch = [*events[::-1], bad]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        with pytest.raises(UnknownReference) as caught:
            qa.record_many(batch, allow_future=True, order=True)
        assert caught.value.index == len(batch) - 1
        assert caught.value.field == "child_ref"
