"""Hostile input: any JSON value given to ``record_json`` or ``kentqa record`` is refused with
InvalidEvent (or a subclass) naming the field and rule, stores nothing and never hangs.

Hypothesis generates arbitrary JSON-like values (huge strings, lone surrogates, control
characters, NaN and infinities, 400-digit integers, nesting 100,000 deep, unknown types and
fields, dates out of range or malformed) and valid events with one field made hostile. The
only acceptable outcomes: ``InvalidEvent`` with nothing stored, or — when the mutation
happens to leave a valid event — a normal recording. The CLI is fed the same lines in a
real process, bounded by a timeout as the guard against hanging. ``atheris`` (coverage-guided
fuzzing) runs the same contract when it is installed (tests/reliability/fuzz_record.py).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.errors import InvalidEvent
from tests.cli_run import kentqa, python
from tests.reliability.hostile import hostile_event, hostile_value

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def _refused_or_recorded(qa: kq.application.QualityAssurance, obj: object) -> None:  # type: ignore[name-defined]
    before, stats = qa.position, qa.stats()
    try:
        position = qa.record_json(obj)
    except InvalidEvent as error:
        assert error.rule and error.event_type
        str(error).encode("utf-8")  # printable: no lone surrogate in the message
        assert qa.position == before
        assert qa.stats() == stats  # nothing stored
        return
    assert position > 0


@pytest.fixture(scope="module")
def memory_store():  # type: ignore[no-untyped-def]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        yield qa


@SETTINGS
@given(obj=hostile_value)
def test_any_json_value_is_refused_cleanly(memory_store, obj) -> None:  # type: ignore[no-untyped-def]
    _refused_or_recorded(memory_store, obj)


@SETTINGS
@given(obj=hostile_event())
def test_a_valid_event_with_a_hostile_field_is_refused_cleanly(memory_store, obj) -> None:  # type: ignore[no-untyped-def]
    _refused_or_recorded(memory_store, obj)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(objs=st.lists(hostile_event() | hostile_value, min_size=1, max_size=5))
def test_hostile_batches_on_sqlite_store_nothing_refused(tmp_path_factory, objs) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('h') / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        refused: list[int] = []
        positions = qa.record_many(objs, on_invalid=lambda i, e: refused.append(i))
        assert sorted(refused) == [i for i, p in enumerate(positions) if p is None]
        assert sum(qa.stats().values()) == len({p for p in positions if p is not None})


def _json_line(obj: object) -> str | None:
    try:
        return json.dumps(obj, allow_nan=True)
    except (ValueError, TypeError, RecursionError):
        return None


#: Values every field of every event type is set to, one at a time, for the CLI run.
FIELD_POISON: list[object] = [
    None,
    True,
    -1,
    10**400,
    1.5,
    float("nan"),
    float("inf"),
    "",
    " x",
    "x" * 20_000,
    "\x00",
    "9999-12-31",
    "2026-02-30",
    "'; DROP TABLE stored_events; --",
    [],
    {},
    [[[[[]]]]],
    {"type": "TeamRegistered"},
]


def systematic_lines() -> list[str]:
    """A valid event of every type, then each of its fields set to each poison value in turn."""
    from hypothesis import find

    from kentqa_domain.events import EVENT_TYPES
    from tests.strategies import event_of

    lines = []
    for cls in EVENT_TYPES.values():
        obj = ev_json(find(event_of(cls), lambda _e: True))
        for field in [k for k in obj if k != "type"]:
            for poison in FIELD_POISON:
                line = _json_line({**obj, field: poison})
                if line is not None:
                    lines.append(line)
    return lines


def ev_json(event: object) -> dict[str, object]:
    from kentqa_domain.events import to_json

    return to_json(event)  # type: ignore[arg-type]


def test_the_cli_refuses_hostile_lines_by_number_and_stores_only_good_ones(tmp_path: Path) -> None:
    lines = systematic_lines()
    lines += [
        "{not json",
        "[" * 100_000,
        '"\\ud800"',
        "1e400",
        "NaN",
        '{"type": "TeamRegistered", "team_id": "\\ud800"}',
    ]
    good = {"type": "TeamRegistered", "team_id": "T-GOOD", "name": "n", "service": "s", "area": "a"}
    lines.append(json.dumps(good))
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    # every installed plugin loaded (the council's policy too)
    done = kentqa("record", str(path), "--db", db, "--json", blocked="", timeout=600)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    refused_lines = {r["line"] for r in summary["refused"]}
    assert summary["accepted"] + summary["unchanged"] + len(refused_lines) == len(lines)
    assert set(range(len(lines) - 5, len(lines))) <= refused_lines  # the five undecodable lines
    assert len(lines) not in refused_lines  # the good line
    assert all(
        r["error"] in {"InvalidEvent", "UnknownReference", "RuleViolation", "ConflictingEvent"}
        for r in summary["refused"]
    )
    with kq.connect(db, policy=kq.Policy()) as qa:
        assert sum(qa.stats().values()) == summary["accepted"]


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
def test_atheris_coverage_guided_fuzzing_of_record_json() -> None:
    done = python(
        "-m", "tests.reliability.fuzz_record", "-runs=100000", "-max_len=2048", "-seed=1", timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done 100000 runs" in done.stderr
