"""Erasure in the folded state: forgetting a child in memory equals replaying the log without its key.

The ORACLE is the replay: once a child's key is destroyed its events decode with an
anonymous token, pseudonymised ids and empty text, and folding them from scratch is the
obviously-correct state. ``Ledger.forget`` (the write model's and every projection's
``forget_child``) must give exactly that state, for any histories of several children, in
any order of forgetting, with events recorded before and after.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.errors import InvalidEvent, UnknownReference
from kentqa_domain.privacy.forgetting import PRIVATE
from kentqa_domain.privacy.sealing import reopened, seal
from tests.plan_strategies import as_of_dates as plan_days
from tests.plan_strategies import histories as plan_histories
from tests.reliability.children import ORGANISATION, children
from tests.reliability.state import known_children, replayed, store_dump, store_state
from tests.strategies import event_of

ON = dt.date(2026, 6, 1)


def _skip(_index: int, _error: InvalidEvent) -> None:
    """Rules of other areas may refuse a generated follow-up; the oracle holds for what was stored."""


def _texts(history: list[dict[str, object]]) -> list[str]:
    found: list[str] = []
    for event in history:
        for key in ("details", "response", "outcome"):
            if isinstance(event.get(key), str):
                found.append(str(event[key]))
        for action in event.get("actions", []) or []:  # type: ignore[union-attr]
            found.append(action["description"])
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories=children(), data=st.data())
def test_forgetting_in_memory_equals_replaying_without_the_key(histories, data) -> None:  # type: ignore[no-untyped-def]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(ORGANISATION)
        split = data.draw(st.integers(0, len(histories)))
        for history in histories[:split]:
            qa.record_many(history, on_invalid=_skip)
        stats_before = None
        order = data.draw(st.permutations(range(len(histories))))
        forgotten = order[: data.draw(st.integers(1, len(histories)))]
        for i, child in enumerate(forgotten):
            if child >= split:
                qa.record_many(histories[child], on_invalid=_skip)
            if i == 0:
                for history in histories[split:]:
                    qa.record_many(history, on_invalid=_skip)  # idempotent for those just recorded
                stats_before = qa.stats()
                # every child's plan started (later rules may refuse some of its follow-ups)
                started = stats_before.get("ChildBecameLookedAfter", 0) + stats_before.get(
                    "StrategyDiscussionHeld", 0
                )
                assert started == len(histories)
            ref = histories[child][0]["child_ref"]
            qa.forget_child(str(ref), on=ON)
        assert qa.stats() == stats_before  # still counted, anonymously
        fast = store_state(qa)
        slow = replayed(qa)
        assert fast == slow
        blob = store_dump(qa)
        kept_texts = {t for i, h in enumerate(histories) if i not in forgotten for t in _texts(h)}
        for child in forgotten:
            assert str(histories[child][0]["child_ref"]).encode() not in blob
            for text in set(_texts(histories[child])) - kept_texts:  # a kept child may say the same
                assert text.encode() not in blob


def test_forgetting_an_unknown_or_forgotten_child_is_refused() -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(
            [*ORGANISATION, {"type": "ChildBecameLookedAfter", "child_ref": "C1", "on": "2026-01-01"}]
        )
        with pytest.raises(UnknownReference, match="never recorded or already forgotten"):
            qa.forget_child("C-NOPE", on=ON)
        qa.forget_child("C1", on=ON)
        with pytest.raises(UnknownReference):
            qa.forget_child("C1", on=ON)
        with pytest.raises(InvalidEvent, match=r"forget_child.child_ref"):
            qa.forget_child("", on=ON)
        with pytest.raises(InvalidEvent, match=r"forget_child.on"):
            qa.forget_child("C1", on="2026-01-01")  # type: ignore[arg-type]


def test_a_forgotten_reference_sent_again_is_a_new_unrelated_child() -> None:
    """Nothing linking the reference to the old records is kept, so a re-sent event starts afresh."""
    first = {"type": "ChildBecameLookedAfter", "child_ref": "C1", "on": "2026-01-01"}
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*ORGANISATION, first])
        old = qa.forget_child("C1", on=ON)
        position = qa.record_json(first)
        assert position > 0
        assert qa.stats()["ChildBecameLookedAfter"] == 2
        assert "C1" in known_children(qa)
        assert old.token in known_children(qa)


def test_the_store_holds_no_child_reference_even_before_forgetting() -> None:
    """The state in the store folds a child's events anonymously (decision 0900): no table of
    the file holds a child's reference, its review and action ids or its free text, forgotten
    or not; the queries still show them (read with the child's key)."""
    review = {
        "type": "ReviewHeld",
        "review_id": "REV-SECRET-1",
        "child_ref": "C-SECRET-1",
        "kind": "looked_after_review",
        "held_on": "2026-01-20",
        "chair_id": "IRO1",
        "actions": [
            {
                "action_id": "ACT-SECRET-1",
                "description": "text about the child",
                "owner_id": "W1",
                "due_on": "2026-02-01",
            }
        ],
    }
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(
            [
                *ORGANISATION,
                {"type": "ChildBecameLookedAfter", "child_ref": "C-SECRET-1", "on": "2026-01-05"},
                review,
            ]
        )
        dump = store_dump(qa)
        for secret in (b"C-SECRET-1", b"REV-SECRET-1", b"ACT-SECRET-1", b"text about the child"):
            assert secret not in dump, secret
        rows = qa.drift_register(as_of=dt.date(2026, 11, 1))
        assert {r.child_ref for r in rows} == {"C-SECRET-1"}
        assert {r.action_id for r in rows if r.action_id} == {"ACT-SECRET-1"}


def test_forgetting_keeps_other_children_readable() -> None:
    rng = random.Random(7)
    events = [{"type": "ChildBecameLookedAfter", "child_ref": f"C{i}", "on": "2026-01-01"} for i in range(5)]
    rng.shuffle(events)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*ORGANISATION, *events])
        qa.forget_child("C2", on=ON)
        assert sorted(r for r in known_children(qa) if not r.startswith("anon-")) == ["C0", "C1", "C3", "C4"]
        assert sorted(r for r in (replayed(qa), known_children(qa))[1] if not r.startswith("anon-")) == [
            "C0",
            "C1",
            "C3",
            "C4",
        ]


@settings(max_examples=200, deadline=None)
@given(
    event=st.sampled_from(sorted(PRIVATE, key=lambda c: c.__name__)).flatmap(event_of),
    key=st.binary(min_size=32, max_size=32),
)
def test_a_sealing_reopened_from_its_stored_parts_equals_the_one_made_when_recording(event, key) -> None:  # type: ignore[no-untyped-def]
    ref = getattr(event, "child_ref", None) or "C-FOLLOW-UP"
    made = seal(event, ref, "0123456789abcdef0123", key)
    assert reopened(event, made.clear, ref, made.key_id) == made


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(events=plan_histories(), data=st.data())
def test_forgetting_leaves_the_plans_answers_as_a_rebuild_from_the_anonymous_log_gives_them(
    events, data
) -> None:  # type: ignore[no-untyped-def]
    """The plans' state in the store holds children by token and pseudonyms only, so
    forgetting changes nothing in it: the drift register, escalations and review QA answers
    after forgetting are those of the projections rebuilt from the log (which now reads the
    child's events anonymously); they name the child by its token and its reviews and actions
    by pseudonyms, and never its reference or their ids."""
    refs = sorted({e.child_ref for e in events if getattr(e, "child_ref", None)})
    ref = data.draw(st.sampled_from(refs))
    mine = {e.review_id for e in events if isinstance(e, kq.events.ReviewHeld) and e.child_ref == ref}
    mine |= {
        a.action_id
        for e in events
        if isinstance(e, kq.events.ReviewHeld) and e.child_ref == ref
        for a in e.actions
    }
    days = [data.draw(plan_days()) for _ in range(2)]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        erasure = qa.forget_child(ref, on=dt.date(2028, 12, 1))

        def answers() -> list[object]:
            return [
                (
                    qa.drift_register(as_of=d),
                    qa.escalations(as_of=d),
                    qa.review_qa_summary(as_of=d, by="chair"),
                )
                for d in days
            ]

        kept = answers()
        qa.projections.rebuild(["child_plans", "escalations"])
        assert answers() == kept
        for drift, escalations, _ in kept:
            for row in drift:
                if row.child_ref == erasure.token:
                    assert row.review_id not in mine and row.action_id not in mine
            assert ref not in {r.child_ref for r in drift} | {r.child_ref for r in escalations}


def test_a_forgotten_childs_token_is_not_accepted_as_a_live_reference() -> None:
    """Issue 17 (1): events sent under ``anon-<key id>`` are refused (the token shape is
    reserved), so a forgotten child's record can never be changed, and the store stays
    readable: forgetting the token again is refused, replay succeeds."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(
            [*ORGANISATION, {"type": "ChildBecameLookedAfter", "child_ref": "C1", "on": "2026-01-01"}]
        )
        erasure = qa.forget_child("C1", on=ON)
        later = {"type": "ChildCeasedLookedAfter", "child_ref": erasure.token, "on": "2026-03-01"}
        with pytest.raises(InvalidEvent, match=r"child_ref.*reserved"):
            qa.record_json(later)
        with pytest.raises(UnknownReference):
            qa.forget_child(erasure.token, on=ON)
        before = qa.stats()
        qa.replay(restart=True)
        assert qa.stats() == before
