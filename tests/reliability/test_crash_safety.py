"""Processes killed with SIGKILL mid-run leave nothing half-recorded; the next run resumes to the
same answers as an uninterrupted run.

A feeder process (tests/reliability/feeder.py) records a workload of about 4,200 events in
batches (each one transaction with the state it changes); the test kills it at random
moments, several times, then lets a last run finish. Readers rebuilding a projection from
the whole log in small pages are killed too. The
result is compared with an ORACLE: the same workload recorded by one uninterrupted process
into another store. Compared: ``stats()``, and every stream's decoded events (identity and
content, in version order, versions 1..n without gaps); the crashed store's in-memory state
must also equal a rebuild from its own log.
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
from kentqa_domain.recording.identity import identity_of
from kentqa_domain.serialization.mapper import ChildForgotten, canonical_body
from tests.cli_run import start_python
from tests.reliability.state import replayed, store_state

ROUNDS = 900
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
                        (
                            recorded.originator_version,
                            identity_of(recorded.event),
                            canonical_body(recorded.event),
                        )
                    )
            start = page[-1].id + 1
        for events in streams.values():
            assert [v for v, _, _ in events] == list(range(1, len(events) + 1))  # no gap, nothing twice
        assert store_state(qa) == replayed(qa)  # the state in the store and the log agree
    return stats, sorted(tuple(e) for e in streams.values())


def feed_to_the_end(url: str) -> None:
    proc = start_python("-m", "tests.reliability.feeder", url, str(ROUNDS))
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
        proc = start_python("-m", module, url, *args)
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
    assert kill_midway("tests.reliability.feeder", url, rng, 6, str(ROUNDS), slices=SLICES) == 6
    feed_to_the_end(url)
    assert kill_midway("tests.reliability.reader", url, rng, 3, within=0.25) == 3
    assert fingerprint(url) == oracle
    assert oracle[0]["ChildBecameLookedAfter"] == ROUNDS // 3


def test_postgres_feeder_killed_midway_then_resumed(make_postgres_db: Callable[[], str]) -> None:
    rng = random.Random(9)
    oracle = _oracle(make_postgres_db())
    url = make_postgres_db()
    assert kill_midway("tests.reliability.feeder", url, rng, 4, str(ROUNDS), slices=SLICES) == 4
    feed_to_the_end(url)
    assert kill_midway("tests.reliability.reader", url, rng, 2, within=0.25) == 2
    assert fingerprint(url) == oracle


def test_a_document_that_does_not_fit_its_type_is_an_error_not_code(tmp_path: Path) -> None:
    """Stored state is data (decision 0900): a document is JSON read by the codec for its
    declared type; one damaged in the file is refused with a clear error, never run."""
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(__import__("tests.reliability.workload", fromlist=["events"]).events(30))
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE kentqa_docs SET doc = ? WHERE owner = 'event_counts'", (b"cos\nsystem\n(S'echo'\ntR.",)
        )
    with kq.connect(url, policy=kq.Policy()) as qa, pytest.raises(kq.errors.StorageError, match="stored"):
        qa.stats()
