"""Scale out: 2 writer and 4 reader processes on one store (SPEC 9.4, issue 14).

Two writers record halves of a workload at once while four readers, each in its own process,
keep answering every section 5 query at one position. The state lives in the store, so:
- every answer a reader gives at a position equals every other reader's at that position;
- when the writers are done, every reader's final answer equals a single process's answer
  over the whole workload recorded in one go (the oracle), at the same position;
- no reader folds history into memory: each stays under a memory bound.
Run on a real SQLite file and a real PostgreSQL server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

import kentqa_domain as kq
from tests.cli_run import start_python
from tests.reliability.many import ORGANISATION, answers, digest, events, rounds

READERS, WRITERS = 4, 2
#: A reader answering every query over this store stays well under this (MB).
READER_RSS_MB = 150


def _oracle() -> str:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events(0)[:ORGANISATION])
        for part in range(WRITERS):
            qa.record_many(rounds(part, WRITERS))
        with qa.at_one_position() as q:
            return digest(answers(q))


def _run(url: str, tmp_path: Path) -> None:
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(events(0)[:ORGANISATION])
    stop = tmp_path / "stop"
    readers = [start_python("-m", "tests.reliability.many", "read", url, str(stop)) for _ in range(READERS)]
    start = time.time() + 2.0
    writers = [
        start_python("-m", "tests.reliability.many", "write", url, str(p), str(WRITERS), str(start))
        for p in range(WRITERS)
    ]
    written = []
    for w in writers:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err
        written.append(orjson.loads(out))
    stop.touch()
    reports = []
    for r in readers:
        out, err = r.communicate(timeout=600)
        assert r.returncode == 0, err
        reports.append(orjson.loads(out))
    by_position: dict[str, set[str]] = {}
    for report in reports:
        for position, answer in report["seen"].items():
            by_position.setdefault(position, set()).add(answer)
    assert all(len(found) == 1 for found in by_position.values()), "two readers disagreed at one position"
    last = max(w["position"] for w in written)
    expected = _oracle()
    assert {tuple(r["final"]) for r in reports} == {(last, expected)}
    assert max(r["rss_mb"] for r in reports) < READER_RSS_MB
    print(
        f"{url.split(':', 1)[0]}: positions answered by several readers {sum(len(v) for v in by_position.values())}, "
        f"reader peak RSS {[r['rss_mb'] for r in reports]} MB"
    )


def test_sqlite_two_writers_four_readers_agree(tmp_path: Path) -> None:
    _run(f"sqlite:///{tmp_path / 'qa.db'}", tmp_path)


@pytest.mark.postgres
def test_postgres_two_writers_four_readers_agree(tmp_path: Path, make_postgres_db: Callable[[], str]) -> None:
    _run(make_postgres_db(), tmp_path)
