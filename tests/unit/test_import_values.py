"""Importer building blocks: pseudonyms (HMAC-SHA256), deterministic review ids, recording order."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.importing import Pseudonymiser, SecretError, recording_key, review_id
from kentqa_domain.importing.order import rank
from kentqa_domain.recording.order import ENDS, STARTS
from kentqa_domain.values import ReviewKind

from ..strategies import dates

SECRET = b"a-council-secret-of-some-length"
raw_ids = st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=20)


@given(raw=raw_ids)
def test_the_same_secret_gives_the_same_ref_every_time(raw: str) -> None:
    """Across files and years: a fresh Pseudonymiser with the same secret agrees."""
    assert Pseudonymiser(SECRET).ref(raw) == Pseudonymiser(SECRET.decode()).ref(f" {raw} ")


@given(raw=raw_ids)
def test_a_ref_is_a_fixed_shape_that_does_not_hold_the_id(raw: str) -> None:
    ref = Pseudonymiser(SECRET).ref(raw)
    assert ref.startswith("p-") and len(ref) == 34 and set(ref[2:]) <= set("0123456789abcdef")
    assert raw not in ref[2:] or set(raw) <= set("0123456789abcdef")  # only hex digits could occur by chance


@given(a=raw_ids, b=raw_ids)
def test_different_ids_and_secrets_give_different_refs(a: str, b: str) -> None:
    one, other = Pseudonymiser(SECRET), Pseudonymiser(SECRET + b"2")
    assert (one.ref(a) == one.ref(b)) == (a == b)
    assert one.ref(a) != other.ref(a)


def test_secrets_must_be_long_enough_and_stay_out_of_repr() -> None:
    with pytest.raises(SecretError, match="at least 16"):
        Pseudonymiser("short")
    assert SECRET.decode() not in repr(Pseudonymiser(SECRET))
    with pytest.raises(SecretError, match="KENTQA_PSEUDONYMISE_SECRET"):
        Pseudonymiser.from_env({})
    assert Pseudonymiser.from_env({"KENTQA_PSEUDONYMISE_SECRET": SECRET.decode()}) == Pseudonymiser(SECRET)


@given(child=raw_ids, day=dates, ordinal=st.integers(1, 5), kind=st.sampled_from(list(ReviewKind)))
def test_review_ids_are_deterministic_and_differ_in_each_part(
    child: str, day: dt.date, ordinal: int, kind: ReviewKind
) -> None:
    rid = review_id(child, kind, day, ordinal)
    assert rid == review_id(child, kind.value, day, ordinal) and rid.startswith("rv-")
    others = {
        review_id(child + "x", kind, day, ordinal),
        review_id(child, kind, day + dt.timedelta(days=1), ordinal),
        review_id(child, kind, day, ordinal + 1),
        *(review_id(child, k, day, ordinal) for k in ReviewKind if k is not kind),
    }
    assert rid not in others and len(others) == 2 + len(ReviewKind)


def test_an_ordinal_counts_from_one() -> None:
    with pytest.raises(ValueError):
        review_id("c", ReviewKind.LOOKED_AFTER_REVIEW, dt.date(2024, 1, 1), 0)


def _child_events(day: dt.date) -> list[ev.Event]:
    return [
        ev.ChildCeasedLookedAfter(child_ref="c", on=day),
        ev.ChildProtectionPlanEnded(child_ref="c", ended_on=day),
        ev.ReviewHeld(review_id="r2", child_ref="c", kind="review_cp_conference", held_on=day),
        ev.ReviewHeld(review_id="r3", child_ref="c", kind="looked_after_review", held_on=day),
        ev.ReviewHeld(review_id="r1", child_ref="c", kind="initial_cp_conference", held_on=day),
        ev.StrategyDiscussionHeld(child_ref="c", held_on=day),
        ev.ChildBecameLookedAfter(child_ref="c", on=day),
    ]


@given(day=dates, order=st.permutations(range(7)))
def test_on_one_day_plans_start_then_conferences_then_reviews_then_plans_end(
    day: dt.date, order: list[int]
) -> None:
    """R-LAC-1, R-CP-2, R-LAC-7, R-CP-7: the order the write model accepts, whatever the input order."""
    events = [_child_events(day)[i] for i in order]
    ranks = [rank(e) for e in sorted(events, key=lambda e: recording_key(e, events.index(e)))]
    assert ranks == sorted(ranks)
    assert [type(e).__name__ for e in events if rank(e) == STARTS] != [] and max(ranks) == ENDS


@given(a=dates, b=dates)
def test_earlier_business_dates_are_recorded_first(a: dt.date, b: dt.date) -> None:
    late = ev.ChildBecameLookedAfter(child_ref="c", on=max(a, b))
    early = ev.ChildCeasedLookedAfter(child_ref="c", on=min(a, b))
    if a != b:
        assert recording_key(early, 1) < recording_key(late, 0)
