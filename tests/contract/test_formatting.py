"""``ruff format`` and ``ruff check`` are clean on every Python tree of the project (issue 19):
the house style is enforced by the test command CI runs, not by goodwill."""

from __future__ import annotations

import subprocess

from tests.cli_run import python

TREES = ["src", "adapters", "plugins", "tests", "benchmarks", "conftest.py"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return python("-m", "ruff", *args, *TREES, "--no-cache")


def test_ruff_format_would_change_nothing() -> None:
    run = _ruff("format", "--check")
    assert run.returncode == 0, (
        f"ruff format would change files (run `ruff format`):\n{run.stdout}{run.stderr}"
    )
    assert "already formatted" in run.stdout  # it looked at files, it did not skip them all


def test_ruff_check_finds_nothing() -> None:
    run = _ruff("check")
    assert run.returncode == 0, f"ruff check found problems:\n{run.stdout}{run.stderr}"
    assert "All checks passed" in run.stdout
