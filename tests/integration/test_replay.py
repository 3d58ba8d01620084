"""``kentqa replay``: the state rebuilt from the log gives the live answers; a killed replay
resumes where it stopped; one projection is rebuilt alone (issue 14, decision 0900)."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sqlite3
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.cli.output import to_plain
from kentqa_domain.demo import generate
from kentqa_domain.events import Event
from kentqa_domain.state.log import LogReader
from tests.cli_run import kentqa, start_kentqa
from tests.reliability.state import identities, stream_versions

AS_OF = dt.date(2026, 11, 20)
QUERIES = ("observation_compliance", "drift_register", "escalations", "complaints_register")


@cache
def council() -> tuple[Event, ...]:
    return tuple(generate("small", seed=3, as_of=AS_OF))


def answers(qa: QualityAssurance) -> dict[str, Any]:
    """What a user can ask: the counts, every installed register, and the write model's indexes."""
    out: dict[str, Any] = {"stats": qa.stats(), "position": qa.position}
    for query in QUERIES:
        method = getattr(qa, query, None)
        if callable(method):
            out[query] = to_plain(method(as_of=AS_OF))
    voice = getattr(qa, "voice_summary", None)
    if callable(voice):
        out["voice"] = to_plain(voice(dt.date(2026, 1, 1), AS_OF))
    out["identities"] = identities(qa)
    out["versions"] = sorted(stream_versions(qa).items())
    return out


def test_replay_gives_the_live_answers_on_every_back_end(store_url: str) -> None:
    """Oracle: the projections folded while recording (live) against the same projections
    rebuilt from the stored log by replay, and against a new connection after it."""
    with kq.connect(store_url, policy=kq.Policy()) as qa:
        qa.record_many(council())
        live = answers(qa)
        report = qa.replay(restart=True)
        assert (
            report.folded
            == report.position
            == qa.log.end()
            == len(council()) + sum(isinstance(e, kq.RecordCorrected) for e in council())
        )
        assert answers(qa) == live
    if store_url != "memory://":
        with kq.connect(store_url, policy=kq.Policy()) as reopened:
            assert answers(reopened) == live


def test_verified_replay_reads_every_event_with_full_validation(sqlite_url: str) -> None:
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(council()[:3000])
        live = answers(qa)
        qa.replay(verify=True)
        assert answers(qa) == live


def _rebuilding(path: Path) -> dict[str, int]:
    """name -> position of the projections a rebuild has reset and not yet finished."""
    with sqlite3.connect(path) as db:
        return dict(
            db.execute("SELECT name, position FROM kentqa_projections WHERE rebuilding = 1").fetchall()
        )


def test_a_replay_killed_mid_way_resumes_where_it_stopped(tmp_path: Path) -> None:
    """SIGKILL a real ``kentqa replay`` after it has committed some pages; the next replay
    continues from there (not from the start) and the answers are the live ones."""
    path = tmp_path / "replay.db"
    db = f"sqlite:///{path}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_many(council())
        live = answers(qa)
    for _attempt in range(5):
        proc = start_kentqa("replay", "--restart", "--json", db=db)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            found = _rebuilding(path)
            if found and 0 < min(found.values()) < len(council()):
                break
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        stopped = _rebuilding(path)
        if stopped and 0 < min(stopped.values()):
            break
    else:  # pragma: no cover - the machine was too fast every time
        pytest.fail("the replay finished before it could be killed mid-way, five times")
    assert proc.returncode == -signal.SIGKILL
    # The next connection, whatever it is for, finishes the rebuild from where it stopped.
    read: list[int] = []
    original = LogReader.for_projections

    def counting(self: LogReader, start: int, limit: int, keys: bool) -> list[Any]:
        rows = original(self, start, limit, keys)
        read.extend(position for position, _e, _r in rows)
        return rows

    LogReader.for_projections = counting  # type: ignore[method-assign]
    try:
        with kq.connect(db, policy=kq.Policy()) as qa:
            assert answers(qa) == live
    finally:
        LogReader.for_projections = original  # type: ignore[method-assign]
    assert read and min(read) == min(stopped.values()) + 1 > 1  # from where it stopped, not from 1
    assert _rebuilding(path) == {}
    resumed = kentqa("replay", "--json", db=db)  # a new replay starts over (nothing to resume)
    assert resumed.returncode == 0, resumed.stderr
    out = json.loads(resumed.stdout)
    assert (out["resumed"], out["position"]) == (
        False,
        len(council()) + sum(isinstance(e, kq.RecordCorrected) for e in council()),
    )


def test_one_projection_is_rebuilt_alone(sqlite_url: str) -> None:
    """``replay(projections=[name])`` resets and refolds that projection; the others' documents
    are not written (their positions of change stay), and the answers are the live ones."""
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(council()[:2000])
        live = answers(qa)
        others = qa.state_tables.select(
            "SELECT owner, space, key, position FROM kentqa_docs WHERE owner <> 'voice' ORDER BY 1, 2, 3"
        )
        report = qa.replay(projections=["voice"])
        assert report.folded == 2000
        assert (
            qa.state_tables.select(
                "SELECT owner, space, key, position FROM kentqa_docs WHERE owner <> 'voice' ORDER BY 1, 2, 3"
            )
            == others
        )
        assert answers(qa) == live
        with pytest.raises(kq.InvalidInput, match=r"replay\.projections"):  # not an event (issue 19)
            qa.replay(projections=["nonesuch"])


def test_kentqa_replay_prints_what_it_did(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_many(council()[:1500])
    run = kentqa("replay", db=db)
    assert run.returncode == 0, run.stderr
    assert "Replayed 1,500 events to position 1,500" in run.stdout
    out = json.loads(kentqa("replay", "--json", db=db).stdout)
    assert (out["folded"], out["resumed"]) == (1500, False)
    one = kentqa("replay", "--projection", "voice", db=db)
    assert one.returncode == 0, one.stderr
    assert "Replayed 1,500 events to position 1,500" in one.stdout and "voice" in one.stdout
