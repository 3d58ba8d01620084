"""Processes killed with SIGKILL mid-run leave nothing half-recorded; the next run resumes to the
same answers as an uninterrupted run.

A feeder process (tests/reliability/feeder.py) records a workload of about 4,200 events in
batches (each one transaction), checkpointing every 700 folded events; the test kills it at
random moments (mid-batch, mid-catch-up, mid-checkpoint), several times, then lets a last
run finish. Readers that fold the whole log and checkpoint on close are killed too. The
result is compared with an ORACLE: the same workload recorded by one uninterrupted process
into another store. Compared: ``stats()``, and every stream's decoded events (identity and
content, in version order, versions 1..n without gaps); the crashed store's in-memory state
must also equal a replay of its own log.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.domain.identity import identity_of
from kentqa_domain.mapper import ChildForgotten, canonical_body
from tests.reliability.conftest import spawn
from tests.reliability.state import replayed, store_state

ROUNDS = 900
CHECKPOINT_EVERY = "700"
SLICES = 8  # the feeder's slices of 500 (4,224 events: 9 slices); a kill comes before the last


def fingerprint(url: str) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """stats() and every stream's (version, identity, content) in order, independent of random key ids."""
    with kq.connect(url, policy=kq.Policy()) as qa:
        stats = qa.stats()
        streams: dict[Any, list[tuple[int, str, bytes]]] = defaultdict(list)
        start = 1
        while page := qa.recorder.select_notifications(start=start, limit=1000):
            for n in page:
                recorded, _ = qa.event_mapper.decode(n)
                if not isinstance(recorded.event, ChildForgotten):
                    streams[recorded.originator_id].append(
                        (recorded.originator_version, identity_of(recorded.event), canonical_body(recorded.event))
                    )
            start = page[-1].id + 1
        for events in streams.values():
            assert [v for v, _, _ in events] == list(range(1, len(events) + 1))  # no gap, nothing twice
        assert store_state(qa) == replayed(qa)  # checkpoint + log agree
    return stats, sorted(tuple(e) for e in streams.values())


def feed_to_the_end(url: str) -> None:
    proc = spawn("tests.reliability.feeder", url, str(ROUNDS), CHECKPOINT_EVERY)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "done" in out


def kill_midway(
    module: str, url: str, rng: random.Random, kills: int, *args: str, within: float = 0.05, slices: int = 0
) -> int:
    """Start ``module`` and SIGKILL it mid-run: after a random number of its ``slice`` lines
    (when ``slices``), then a random while up to ``within`` seconds."""
    landed = 0
    for _ in range(kills * 4):
        proc = spawn(module, url, *args)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        for _line in range(rng.randrange(slices) if slices else 0):
            assert proc.stdout.readline().startswith("slice")
        time.sleep(rng.uniform(0.0, within))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if proc.returncode == -signal.SIGKILL:
            landed += 1
        else:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        if landed == kills:
            break
    return landed


def _oracle(url: str) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    feed_to_the_end(url)
    return fingerprint(url)


def test_sqlite_feeder_and_readers_killed_midway_then_resumed(tmp_path: Path) -> None:
    rng = random.Random(2026)
    oracle = _oracle(f"sqlite:///{tmp_path / 'oracle.db'}")
    db = tmp_path / "crashed.db"
    url = f"sqlite:///{db}"
    assert kill_midway("tests.reliability.feeder", url, rng, 6, str(ROUNDS), CHECKPOINT_EVERY, slices=SLICES) == 6
    feed_to_the_end(url)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM stored_checkpoints")  # readers must fold the whole log
    assert kill_midway("tests.reliability.reader", url, rng, 3, within=0.25) == 3
    assert fingerprint(url) == oracle
    assert oracle[0]["ChildBecameLookedAfter"] == ROUNDS // 3


def test_postgres_feeder_killed_midway_then_resumed(make_postgres_db: Callable[[], str]) -> None:
    rng = random.Random(9)
    oracle = _oracle(make_postgres_db())
    url = make_postgres_db()
    assert kill_midway("tests.reliability.feeder", url, rng, 4, str(ROUNDS), CHECKPOINT_EVERY, slices=SLICES) == 4
    feed_to_the_end(url)
    assert kill_midway("tests.reliability.reader", url, rng, 2, within=0.25) == 2
    assert fingerprint(url) == oracle


@pytest.mark.parametrize("stage", ["before", "after"])
def test_a_checkpoint_is_all_or_nothing(tmp_path: Path, stage: str) -> None:
    """A checkpoint is one row: one that is cut short cannot be half-read; a damaged one is skipped."""
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(__import__("tests.reliability.workload", fromlist=["events"]).events(30))
        expected = store_state(qa)
    with sqlite3.connect(db) as conn:
        (state,) = conn.execute("SELECT state FROM stored_checkpoints ORDER BY originator_version DESC").fetchone()
        cut = state[: len(state) // 2] if stage == "before" else state[:-1] + bytes([state[-1] ^ 0xFF])
        conn.execute("UPDATE stored_checkpoints SET state=?", (cut,))
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert store_state(qa) == expected  # rebuilt from the log
