"""A SQLite store survives reopening; the state is rows of the same file with each projection's
position; several processes writing one file lose nothing (decision 0900)."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

import kentqa_domain as kq
from kentqa_domain import application
from kentqa_domain.state.log import LogReader
from tests.cli_run import start_python
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


def test_the_state_is_in_the_file_with_its_position(tmp_path: Path) -> None:
    """Documents, identities and each projection's position are rows of the same file as the
    events, written with them (decision 0900): a plain sqlite3 reads them."""
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        last = qa.record_many(organisation())[-1]
    with sqlite3.connect(tmp_path / "qa.db") as db:
        positions = dict(db.execute("SELECT name, position FROM kentqa_projections").fetchall())
        identities = db.execute("SELECT COUNT(*) FROM kentqa_identities").fetchone()[0]
        owners = {o for (o,) in db.execute("SELECT DISTINCT owner FROM kentqa_docs")}
    assert set(positions.values()) == {last}  # the write model and every projection
    assert identities == len(organisation())
    assert {"model", "event_counts"} <= owners


def test_reopening_reads_no_history(tmp_path: Path) -> None:
    """A new connection folds nothing and holds nothing until asked: the state is in the file.
    Another writer's events are folded by that writer, in its own batch."""
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
    with kq.connect(url, policy=kq.Policy()) as writer:
        writer.record_json({"type": "WorkerLeft", "worker_id": "W2", "left_on": "2026-07-01"})
    read: list[int] = []
    original = LogReader.for_projections

    def spy(self: LogReader, start: int, limit: int, keys: bool) -> list[object]:
        rows = original(self, start, limit, keys)
        read.append(len(rows))
        return rows  # type: ignore[return-value]

    LogReader.for_projections = spy  # type: ignore[method-assign]
    try:
        with kq.connect(url, policy=kq.Policy()) as qa:
            assert qa.projections.cached() == 0 and qa.model.cached == 0
            assert qa.stats()["WorkerLeft"] == 1
            assert qa.catch_up() == 0
    finally:
        LogReader.for_projections = original  # type: ignore[method-assign]
    assert read == []  # not one event of the log was read back


def test_a_projection_of_another_version_is_rebuilt_alone(tmp_path: Path) -> None:
    """A projection whose stored version differs from the code's (an upgrade) is rebuilt from
    the log at the next connection; the others, and the write model, are not touched."""
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
    with sqlite3.connect(tmp_path / "qa.db") as db:
        db.execute("UPDATE kentqa_projections SET version = 0, position = 0 WHERE name = 'event_counts'")
        db.execute("DELETE FROM kentqa_docs WHERE owner = 'event_counts'")
        before = db.execute(
            "SELECT owner, space, key, position FROM kentqa_docs WHERE owner <> 'event_counts'"
        ).fetchall()
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert qa.stats()["TeamRegistered"] == 2  # rebuilt from the log
    with sqlite3.connect(tmp_path / "qa.db") as db:
        after = db.execute(
            "SELECT owner, space, key, position FROM kentqa_docs WHERE owner <> 'event_counts'"
        ).fetchall()
        version = db.execute("SELECT version FROM kentqa_projections WHERE name = 'event_counts'").fetchone()[
            0
        ]
    assert sorted(after) == sorted(before)
    assert version >= 1


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
    procs = [start_python(script, url, f"P{k}", "40") for k in range(3)]
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
