"""Each documented exit status of ``kentqa`` (docs/cli.md), one test apiece."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kentqa_domain.application import QualityAssurance
from kentqa_domain.cli import cli
from kentqa_domain.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_STORAGE,
    EXIT_USAGE,
)
from tests.cli_run import kentqa, python, start_python
from tests.reliability.test_storage_faults import FEEDBACK, HOLD_LOCK
from tests.reliability.test_store_busy import SQLITE_COLLIDES

TEAM = '{"type": "TeamRegistered", "team_id": "T1", "name": "A", "service": "Early Help", "area": "East"}'


def test_0_success(tmp_path: Path) -> None:
    run = kentqa("record", "-", "--json", db=f"sqlite:///{tmp_path / 'a.db'}", stdin=TEAM + "\n")
    assert run.returncode == EXIT_OK == 0
    assert json.loads(run.stdout)["accepted"] == 1


def test_1_refused_input(tmp_path: Path) -> None:
    """A refused event: the line and reason on stderr, status 1, the good lines stored."""
    bad = '{"type": "WorkerLeft", "worker_id": "nobody", "left_on": "2026-01-01"}'
    run = kentqa("record", "-", db=f"sqlite:///{tmp_path / 'a.db'}", stdin=f"{TEAM}\n{bad}\n")
    assert run.returncode == EXIT_REFUSED == 1
    assert "<stdin>:2: WorkerLeft.worker_id" in run.stderr


def test_2_usage_error(tmp_path: Path) -> None:
    run = kentqa("replay", "--no-such-option", db=f"sqlite:///{tmp_path / 'a.db'}")
    assert run.returncode == EXIT_USAGE == 2
    assert "--no-such-option" in run.stderr


def test_3_storage_error() -> None:
    run = kentqa("stats", db="nosuch://anywhere")
    assert run.returncode == EXIT_STORAGE == 3
    assert run.stderr.startswith("kentqa: error: no storage plugin for nosuch://")


def test_3_a_store_held_by_another_process_is_busy_not_refused_input(tmp_path: Path) -> None:
    """StoreBusy (issue 19): a write lock held past the lock timeout is a storage problem,
    status 3 with one line saying so, not status 1 (refused input); nothing is stored."""
    db = tmp_path / "a.db"
    assert kentqa("record", "-", db=f"sqlite:///{db}", stdin=TEAM + "\n").returncode == EXIT_OK
    holder = start_python("-c", HOLD_LOCK, db, "30")
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        run = kentqa("record", "-", db=f"sqlite:///{db}?timeout=1", stdin=json.dumps(FEEDBACK) + "\n")
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == EXIT_STORAGE == 3, run.stderr
    assert run.stderr.startswith("kentqa: error: ")
    assert "stayed locked by another process" in run.stderr and "timeout=SECONDS" in run.stderr
    assert "<stdin>:1" not in run.stderr  # not reported as a refused line
    stats = kentqa("stats", "--json", db=f"sqlite:///{db}")
    assert "FeedbackReceived" not in stats.stdout


def test_3_retries_that_run_out_are_busy_not_refused_input(tmp_path: Path) -> None:
    """Optimistic-concurrency conflicts on every attempt: StoreBusy, status 3, one line on stderr
    (stamina's log of each retry is not printed among the refused lines). The real command in
    its own process (no pytest logging), with stamina's testing mode: 3 attempts, no waits."""
    db = tmp_path / "a.db"
    assert kentqa("record", "-", db=f"sqlite:///{db}", stdin=TEAM + "\n").returncode == EXIT_OK
    with sqlite3.connect(db) as other:
        other.execute(SQLITE_COLLIDES.format(table="stored_events"))
    script = (
        "import sys, stamina; stamina.set_testing(True, attempts=3)\n"
        "from kentqa_domain.cli.main import main; sys.argv[1:] = ['record', '-', '--db', sys.argv[1]]; main()"
    )
    run = python("-c", script, f"sqlite:///{db}", stdin=json.dumps(FEEDBACK) + "\n")
    assert run.returncode == EXIT_STORAGE == 3, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("kentqa: error: recording FeedbackReceived")
    assert "gave up after 3 attempts" in lines[0] and "nothing of this batch was stored" in lines[0]


def test_70_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug is not confused with refused input: its own status, the traceback, a plain line."""

    def broken(self: QualityAssurance) -> dict[str, int]:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(QualityAssurance, "stats", broken)
    result = CliRunner().invoke(cli, ["stats", "--db", "memory://"])
    assert result.exit_code == EXIT_INTERNAL == 70
    assert "kentqa: internal error: ZeroDivisionError: a bug (please report it)" in result.output


def test_130_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during a replay: status 130, and the message says the replay resumes."""

    def interrupted(self: QualityAssurance, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(QualityAssurance, "replay", interrupted)
    result = CliRunner().invoke(cli, ["replay", "--db", "memory://"])
    assert result.exit_code == EXIT_INTERRUPTED == 130
    assert "kentqa: interrupted" in result.output and "resumes" in result.output
