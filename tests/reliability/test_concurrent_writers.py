"""Several processes record into the SAME streams of one store at once, and nothing is lost.

Real processes (tests/reliability/hammer.py) on a real SQLite file and on the real PostgreSQL
server. Optimistic-concurrency conflicts are retried; a same-identity-different-content race
is reported as ConflictingEvent to every loser; nothing else escapes. The store afterwards
holds exactly what a plain function of the sent events says it must (the oracle), and every
stream's versions run 1..n with no gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson
import pytest

import kentqa_domain as kq
from kentqa_domain.application import stream_id
from kentqa_domain.events import parse
from kentqa_domain.recording.identity import identity_of
from tests.cli_run import start_python
from tests.reliability.conftest import seed
from tests.reliability.hammer import events_for

WRITERS = 4
EVENTS_EACH = 40  # i values per writer: about 2.6 events each, see hammer.py


def expected_counts(writers: int, n: int) -> dict[str, int]:
    """The oracle: distinct identities among everything sent, by type (first content wins)."""
    seen: dict[str, str] = {}
    for w in range(writers):
        for obj in events_for(w, n):
            seen.setdefault(identity_of(parse(obj)), str(obj["type"]))
    counts: dict[str, int] = {}
    for type_name in seen.values():
        counts[type_name] = counts.get(type_name, 0) + 1
    return counts


def run_writers(url: str, batch: int) -> list[dict[str, int]]:
    start_at = time.time() + 4.0  # every writer connects first, then all start together
    procs = [
        start_python(
            "-m", "tests.reliability.hammer", url, str(w), str(EVENTS_EACH), str(batch), str(start_at)
        )
        for w in range(WRITERS)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err  # no StorageError, no raw database error, no traceback
        assert "Traceback" not in err
        results.append(orjson.loads(out.strip().splitlines()[-1]))
    print(
        f"{url.split(':', maxsplit=1)[0]} batch={batch}: conflicts retried {[r['retried'] for r in results]}"
    )
    return results


def check_store(url: str, results: list[dict[str, int]]) -> None:
    sent = [len(events_for(w, EVENTS_EACH)) for w in range(WRITERS)]
    for result, n in zip(results, sent, strict=True):
        assert result["accepted"] + result["unchanged"] + result["conflicting"] == n
    shared_ids = len(range(0, EVENTS_EACH, 10))
    # Each shared feedback id is won by exactly one writer; every other writer is told ConflictingEvent.
    assert sum(r["conflicting"] for r in results) == (WRITERS - 1) * shared_ids
    with kq.connect(url, policy=kq.Policy()) as qa:
        stats = qa.stats()
        expected = expected_counts(WRITERS, EVENTS_EACH)
        for type_name, count in expected.items():
            assert stats[type_name] == count, type_name
        for stream in ("worker:W1", "escalation:E1"):
            versions = [r.originator_version for r in qa.recorder.select_events(stream_id(stream))]
            assert versions == list(range(1, len(versions) + 1)), stream
        assert len(qa.recorder.select_events(stream_id("worker:W1"))) == 1 + WRITERS * EVENTS_EACH


@pytest.mark.parametrize("batch", [1, 7])
def test_sqlite_writers_on_the_same_streams_lose_nothing(tmp_path, batch: int) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    seed(url)
    check_store(url, run_writers(url, batch))


@pytest.mark.parametrize("batch", [1, 7])
def test_postgres_writers_on_the_same_streams_lose_nothing(
    make_postgres_db: Callable[[], str], batch: int
) -> None:
    url = make_postgres_db()
    seed(url)
    check_store(url, run_writers(url, batch))


def _open_at_once(url: str, n: int) -> None:
    start_at = time.time() + 3.0
    procs = [start_python("-m", "tests.reliability.opener", url, str(i), str(start_at)) for i in range(n)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.strip() == "ok"
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert qa.stats()["TeamRegistered"] == n


def test_sqlite_many_processes_creating_a_fresh_store_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _open_at_once(f"sqlite:///{tmp_path / 'fresh.db'}", 8)


def test_postgres_many_processes_creating_a_fresh_store_at_once(make_postgres_db: Callable[[], str]) -> None:
    """eventsourcing creates its tables and functions on every start: concurrent starts race
    ("tuple concurrently updated"); opening retries such races."""
    for _ in range(3):
        _open_at_once(make_postgres_db(), 8)
