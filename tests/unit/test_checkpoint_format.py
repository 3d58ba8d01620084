"""Checkpoints pickled part by part (decision 0820): what is restored equals what was written.

ORACLE: the ledger's own state as plain data (``tests.reliability.state.ledger_state``), taken
from the ledger that was written and from the one read back; and the ledger read back goes on
folding to the same state as the one that was never written. Streams that are not of this
format (an older whole-ledger pickle, damage, truncation) raise ``ValueError`` — the caller
skips such a checkpoint and rebuilds from the log (tests/integration/test_checkpoint_rebuild.py).
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import zlib
from functools import cache
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.checkpoint_format import dump_ledger, load_ledger, plaintext
from kentqa_domain.demo import generate
from kentqa_domain.events import Event
from kentqa_domain.ledger import Ledger
from tests.reliability.children import ORGANISATION, children
from tests.reliability.state import memory_state as ledger_state

AS_OF = dt.date(2026, 11, 20)


@cache
def council() -> tuple[Event, ...]:
    return tuple(generate("small", seed=5, as_of=AS_OF))


def _written(ledger: Ledger) -> bytes:
    out = io.BytesIO()
    dump_ledger(ledger, out.write)
    return out.getvalue()


def _skip(_index: int, _error: object) -> None:
    """A generated follow-up may be refused by another area's rule; the oracle holds for what was stored."""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, 6000), more=st.integers(0, 1500))
def test_a_ledger_pickled_part_by_part_restores_equal_and_folds_on_equal(cut: int, more: int) -> None:
    """Round trip at any point of a council's history; then both ledgers fold the next events
    (late ones included) to the same state, so nothing the parts share was lost."""
    events = council()
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events[:cut])
        original = ledger_state(qa.ledger)
        restored = load_ledger(_written(qa.ledger))
        assert ledger_state(restored) == original
        assert restored.generation == qa.ledger.generation
        qa.record_many(events[cut : cut + more])
        kept = qa.ledger
        qa.ledger = restored
        qa._since_checkpoint = 0
        qa.catch_up()  # the restored ledger folds the same stored events
        assert ledger_state(qa.ledger) == ledger_state(kept)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories=children(), forget=st.data())
def test_children_aliases_and_forgettings_survive_the_round_trip(
    histories: list[list[dict[str, Any]]], forget: st.DataObject
) -> None:
    """Children known by reference (their aliases, issue 9) and forgotten children come back alike."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(ORGANISATION)
        for history in histories:
            qa.record_many(history, on_invalid=_skip)
        gone = forget.draw(st.sampled_from(histories))
        qa.forget_child(str(gone[0]["child_ref"]), on=dt.date(2026, 6, 1))
        restored = load_ledger(_written(qa.ledger))
        assert ledger_state(restored) == ledger_state(qa.ledger)
        assert restored.forgotten == qa.ledger.forgotten == 1


def _mutables(root: object, seen: set[int]) -> set[int]:
    """ids of the mutable objects reachable from ``root`` (containers and objects with state)."""
    found: set[int] = set()
    stack = [root]
    while stack:
        value = stack.pop()
        if id(value) in seen or isinstance(value, str | bytes | int | float | dt.date | type(None)):
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            found.add(id(value))
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list | set | bytearray):
            found.add(id(value))
            stack += list(value)
        elif isinstance(value, tuple | frozenset):
            stack += list(value)
        elif attrs.has(type(value)):
            if not getattr(type(value), "__attrs_attrs__", None) or not _frozen(type(value)):
                found.add(id(value))
            stack += [getattr(value, a.name) for a in attrs.fields(type(value))]
        elif hasattr(value, "__dict__"):
            found.add(id(value))
            stack += list(vars(value).values())
    return found


def _frozen(cls: type) -> bool:
    try:
        return bool(cls.__setattr__ is attrs._make._frozen_setattrs)  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - attrs internals moved
        return False


def test_the_parts_share_no_mutable_object() -> None:
    """The premise of pickling apart: no mutable object is reachable from two parts (else the
    restored parts would each hold their own copy and drift apart)."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(council()[:5000])
        _header, parts = qa.ledger.parts()
        owner: dict[int, str] = {}
        for name, part in parts:
            for ident in _mutables(part, set()):
                assert ident not in owner, f"{name} shares a mutable object with {owner[ident]}"
                owner[ident] = name
        assert len(owner) > 1000


def test_a_whole_ledger_pickle_of_the_old_format_is_refused() -> None:
    """An old checkpoint (format 3: one pickle of the whole ledger) is not read as this format."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(council()[:500])
        old = zlib.compress(pickle.dumps(qa.ledger, protocol=pickle.HIGHEST_PROTOCOL), 1)
    with pytest.raises(ValueError, match="not a checkpoint of this format"):
        load_ledger(old)


@pytest.mark.parametrize("damage", ["truncated", "flipped", "empty", "trailing"])
def test_a_damaged_checkpoint_raises_value_error(damage: str) -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(council()[:800])
        good = _written(qa.ledger)
    data = {
        "truncated": good[: len(good) // 2],
        "flipped": good[:40] + bytes([good[40] ^ 0xFF]) + good[41:],
        "empty": b"",
        "trailing": zlib.compress(plaintext(good) + b"x", 1),
    }[damage]
    with pytest.raises(ValueError):
        load_ledger(data)


def test_the_plaintext_holds_every_part_in_order() -> None:
    """The privacy audit's view (``checkpoint_plaintexts``): the header names every part."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(council()[:300])
        body = plaintext(_written(qa.ledger))
        header = pickle.loads(body)  # the first pickle of the stream
    magic, _format, small, names = header
    assert magic == "kentqa-ledger-parts"
    assert small["position"] == 300
    assert names[: len(Ledger.PARTS)] == list(Ledger.PARTS)
    assert {n.partition(":")[2] for n in names[len(Ledger.PARTS) :]} == set(qa.ledger.projections)
