"""A SQLite store survives reopening; checkpoints carry the ledger with its tracking position;
several processes writing one file lose nothing (optimistic-concurrency retries)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import kentqa_domain as kq
from kentqa_domain import application
from tests.conftest import organisation


def test_store_survives_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        positions = qa.record_many(organisation())
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert qa.position == positions[-1]
        assert qa.stats()["WorkerRegistered"] == 2
        # the write model came back too: references and identities still work
        assert qa.record_json(organisation()[2]) == positions[2]
        qa.record_json({"type": "WorkerLeft", "worker_id": "W1", "left_on": "2026-06-30"})


def test_close_writes_a_checkpoint_at_the_tracking_position(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        last = qa.record_many(organisation())[-1]
    with sqlite3.connect(tmp_path / "qa.db") as db:
        rows = db.execute("SELECT originator_version, topic FROM stored_checkpoints").fetchall()
    assert rows and rows[-1][0] == last
    assert rows[-1][1].startswith("ledger.v")


def test_reopening_uses_the_checkpoint_and_folds_only_what_came_after(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
    # another writer adds one event without checkpointing
    writer = kq.connect(url, policy=kq.Policy())
    writer.record_json({"type": "WorkerLeft", "worker_id": "W2", "left_on": "2026-07-01"})
    writer._since_checkpoint = 0  # simulate a crash: no checkpoint on close
    writer.close()
    folded: list[int] = []
    original = application.QualityAssurance.catch_up

    def spy(self: application.QualityAssurance, own: object = None) -> int:
        n = original(self, own)  # type: ignore[arg-type]
        folded.append(n)
        return n

    application.QualityAssurance.catch_up = spy  # type: ignore[method-assign]
    try:
        with kq.connect(url, policy=kq.Policy()) as qa:
            assert qa.stats()["WorkerLeft"] == 1
    finally:
        application.QualityAssurance.catch_up = original  # type: ignore[method-assign]
    assert folded[0] == 1  # only the event after the checkpoint was read and folded


def test_a_checkpoint_of_another_shape_is_ignored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
    with sqlite3.connect(tmp_path / "qa.db") as db:
        db.execute("UPDATE stored_checkpoints SET topic = 'ledger.v0'")
        db.execute("UPDATE stored_checkpoints SET state = x'00'")
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert qa.stats()["TeamRegistered"] == 2  # rebuilt from the log


WRITER = textwrap.dedent(
    """
    import sys
    import kentqa_domain as kq
    url, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    qa = kq.connect(url, policy=kq.Policy())
    for i in range(n):
        # every writer extends the same stream (team T1's workers' supervisions are per worker,
        # so use feedback plus a shared escalation stream to force version conflicts)
        qa.record_many([
            {"type": "FeedbackReceived", "feedback_id": f"{tag}-{i}", "received_on": "2026-05-01",
             "source": "child", "channel": "momo"},
            {"type": "EscalationResponded", "escalation_id": "E1", "responded_on": "2026-05-0" + str(1 + i % 9),
             "by": f"{tag}-{i}", "response": "noted"},
        ])
    qa.close()
    """
)


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
        qa.record_json(
            {
                "type": "EscalationRaised",
                "escalation_id": "E1",
                "raised_by": "IRO1",
                "raised_on": "2026-04-01",
                "stage": "informal",
                "reason": "drift",
                "child_ref": "C-LAC-1",
            }
        )
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [
        subprocess.Popen([sys.executable, str(script), url, f"P{k}", "40"], stderr=subprocess.PIPE, text=True)
        for k in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with kq.connect(url, policy=kq.Policy()) as qa:
        stats = qa.stats()
        assert stats["FeedbackReceived"] == 120
        assert stats["EscalationResponded"] == 120
        versions = sorted(
            r.originator_version for r in qa.recorder.select_events(application.stream_id("escalation:E1"))
        )
    assert versions == list(range(1, 122))  # no gaps: raised + 120 responses
