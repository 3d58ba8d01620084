"""The packed identity index and stream versions behave like the dicts they replace (decision 0803)."""

from __future__ import annotations

import pickle
import random
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.packed import MAX_BUCKET, IdentityIndex, PackedMap, StreamVersions

keys64 = st.integers(min_value=0, max_value=(1 << 64) - 1)
values128 = st.integers(min_value=0, max_value=(1 << 128) - 1)


@given(st.lists(st.tuples(keys64, values128), max_size=300), st.lists(keys64, max_size=50))
def test_identity_index_is_a_first_write_wins_dict(pairs: list[tuple[int, int]], probes: list[int]) -> None:
    """setdefault keeps the first (position, digest) of an identity, as SPEC section 2's
    idempotency needs; get answers like a dict for present and absent keys."""
    index, model = IdentityIndex(), {}
    for key, value in pairs:
        index.setdefault(key, value)
        model.setdefault(key, value)
    assert len(index) == len(model)
    for key in [k for k, _ in pairs] + probes:
        assert index.get(key) == model.get(key)
        assert (key in index) == (key in model)


@given(st.lists(st.tuples(st.uuids(), st.integers(1, 10_000)), max_size=200))
def test_stream_versions_keep_the_highest_version(updates: list[tuple[uuid.UUID, int]]) -> None:
    versions, model = StreamVersions(), {}
    for stream, version in updates:
        versions.raise_to(stream, version)
        model[stream] = max(model.get(stream, 0), version)
    for stream, version in model.items():
        assert versions.get(stream) == version
        assert versions.get(stream.hex) == version  # the hex form eventsourcing stores is the same key
        assert versions[stream] == version
    assert versions.get(uuid.UUID(int=12345), 0) == model.get(uuid.UUID(int=12345), 0)
    assert sorted(dict(versions).values()) == sorted(model.values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_entries_split_the_buckets_and_survive_pickling(seed: int) -> None:
    """Past MAX_BUCKET entries a bucket on average, the buckets split; nothing is lost, and a
    checkpoint (pickle) gives the same map back."""
    rng = random.Random(seed)
    index = IdentityIndex()
    count = (MAX_BUCKET << 6) * 4 + 17  # past two splits
    model = {rng.getrandbits(64): rng.getrandbits(128) for _ in range(count)}
    for key, value in model.items():
        index.setdefault(key, value)
    assert index._bits > 6 + 2
    again = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    for key, value in model.items():
        assert index.get(key) == value == again.get(key)
    assert len(again) == len(model)
    assert dict(again.items_int()) == model


def test_a_packed_map_costs_about_24_bytes_an_identity() -> None:
    index = IdentityIndex()
    for i in range(10_000):
        index.setdefault(random.getrandbits(64), i << 64)
    assert index.nbytes() / len(index) < 32


def test_value_words_must_be_one_or_two() -> None:
    try:
        PackedMap(words=3)
    except ValueError as exc:
        assert "words" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("PackedMap(words=3) was accepted")
