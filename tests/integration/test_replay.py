"""``kentqa replay``: every projection rebuilt from the log gives the live answers; a killed
replay resumes from its newest checkpoint; checkpoint generations never collide (issue 8,
decisions 0802 and 0803)."""

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
import kentqa_domain.ledger as ledger_module
from kentqa_domain.application import QualityAssurance
from kentqa_domain.checkpoints import GENERATIONS_STREAM, checkpoint_stream
from kentqa_domain.cli.output import to_plain
from kentqa_domain.demo import generate
from kentqa_domain.events import Event
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
        assert report.folded == report.position == len(council())
        assert answers(qa) == live
    if store_url != "memory://":
        with kq.connect(store_url, policy=kq.Policy()) as reopened:
            assert reopened.ledger.generation == report.generation
            assert answers(reopened) == live


def test_verified_replay_reads_every_event_with_full_validation(sqlite_url: str) -> None:
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(council()[:3000])
        live = answers(qa)
        qa.replay(verify=True)
        assert answers(qa) == live


def _rows(path: Path, generation: int) -> list[int]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT originator_version FROM stored_checkpoints WHERE originator_id = ?",
            (checkpoint_stream(generation).hex,),
        ).fetchall()
    return sorted(r[0] for r in rows)


def _generation_marks(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT originator_version FROM stored_checkpoints WHERE originator_id = ?", (GENERATIONS_STREAM.hex,)
        ).fetchall()
    return sorted(r[0] for r in rows)


def test_a_replay_killed_mid_way_resumes_from_its_newest_checkpoint(tmp_path: Path) -> None:
    """SIGKILL a real ``kentqa replay`` after it has checkpointed; the next replay continues
    from there (not from the start) and the answers are the live ones."""
    path = tmp_path / "replay.db"
    db = f"sqlite:///{path}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_many(council())
        live = answers(qa)
    for _attempt in range(5):
        before = _generation_marks(path)
        generation = max([0, *before]) // 2 + 1
        proc = start_kentqa("replay", "--restart", "--checkpoint-every", "300", "--json", db=db)
        deadline = time.monotonic() + 120
        while len(_rows(path, generation)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        checkpoints = _rows(path, generation)
        finished = 2 * generation + 1 in _generation_marks(path)
        if checkpoints and not finished:
            break
    else:  # pragma: no cover - the machine was too fast every time
        pytest.fail("the replay finished before it could be killed, five times")
    assert proc.returncode == -signal.SIGKILL
    resumed = kentqa("replay", "--json", db=db)
    assert resumed.returncode == 0, resumed.stderr
    out = json.loads(resumed.stdout)
    assert out["generation"] == generation
    assert out["resumed"] is True
    assert out["resumed_from"] == max(checkpoints) > 0
    assert out["position"] == len(council())
    assert 2 * generation + 1 in _generation_marks(path)
    with kq.connect(db, policy=kq.Policy()) as qa:
        assert qa.ledger.generation == generation
        assert answers(qa) == live


def test_a_new_ledger_shape_checkpoints_in_a_new_generation(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an upgrade (another signature) the ledger is rebuilt at connect in a generation of
    its own, so its checkpoint at the same position does not collide with the old one; going
    back to the old code finds the old checkpoint again."""
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(council()[:2000])
        old = answers(qa)
        assert qa.ledger.generation == 0
    monkeypatch.setattr(ledger_module.Ledger, "format_version", 999)
    with kq.connect(sqlite_url, policy=kq.Policy()) as upgraded:
        assert upgraded.ledger.generation == 1
        assert answers(upgraded) == old
    with kq.connect(sqlite_url, policy=kq.Policy()) as again:
        assert again.ledger.generation == 1 and again.position == 2000
    monkeypatch.undo()
    with kq.connect(sqlite_url, policy=kq.Policy()) as back:
        assert back.ledger.generation == 0
        assert answers(back) == old


def test_kentqa_replay_prints_what_it_did(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_many(council()[:1500])
    run = kentqa("replay", db=db)
    assert run.returncode == 0, run.stderr
    assert "Replayed 1,500 events to position 1,500" in run.stdout
    out = json.loads(kentqa("replay", "--json", db=db).stdout)
    assert (out["generation"], out["folded"], out["resumed"]) == (2, 1500, False)
