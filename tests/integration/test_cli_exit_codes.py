"""Each documented exit status of ``kentqa`` (docs/cli.md), one test apiece."""

from __future__ import annotations

import json
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
from tests.cli_run import kentqa

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
