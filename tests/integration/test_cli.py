"""The kentqa command, run as a real process against a real SQLite file (SPEC section 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import ROOT, kentqa

EXAMPLE = ROOT / "examples" / "small-council.jsonl"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_record_then_re_record_is_idempotent(db: str) -> None:
    first = kentqa("record", str(EXAMPLE), "--json", db=db)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    n = sum(1 for line in EXAMPLE.read_text().splitlines() if line.strip() and not line.startswith("#"))
    assert summary == {"accepted": n, "unchanged": 0, "refused": []}
    again = json.loads(kentqa("record", str(EXAMPLE), "--json", db=db).stdout)
    assert again == {"accepted": 0, "unchanged": n, "refused": []}


def test_bad_lines_are_reported_by_line_and_reason_and_exit_1(db: str, tmp_path: Path) -> None:
    lines = [
        '{"type": "TeamRegistered", "team_id": "T1", "name": "A", "service": "Early Help", "area": "East"}',
        '{"type": "WorkerLeft", "worker_id": "nobody", "left_on": "2026-01-01"}',
        "this is not json",
        "",
        '{"type": "WorkerRegistered", "worker_id": "W1", "team_id": "T1", "role": "wizard", "experience": "asye", "registered_on": "2026-01-01"}',
        '{"type": "WorkerRegistered", "worker_id": "W2", "team_id": "T1", "role": "practitioner", "experience": "asye", "registered_on": "2026-01-01"}',
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = kentqa("record", str(path), db=db)
    assert result.returncode == 1
    notice, *err = result.stderr.splitlines()
    assert notice.startswith("kentqa: notice: created a new store at")  # issue 17, finding 6
    assert err[0].startswith(f"{path}:2: WorkerLeft.worker_id") and "reference" in err[0]
    assert err[1].startswith(f"{path}:3: ") and "not valid JSON" in err[1]
    assert err[2].startswith(f"{path}:5: WorkerRegistered.role") and "enum Role" in err[2]
    assert "2 recorded" in result.stdout and "3 refused" in result.stdout
    stats = json.loads(kentqa("stats", "--json", db=db).stdout)
    assert stats == {"total": 2, "by_type": {"TeamRegistered": 1, "WorkerRegistered": 1}}


def test_record_from_stdin(db: str) -> None:
    line = (
        '{"type": "TeamRegistered", "team_id": "T1", "name": "A", "service": "Early Help", "area": "East"}\n'
    )
    result = kentqa("record", "-", db=db, stdin=line)
    assert result.returncode == 0 and "1 recorded" in result.stdout


def test_kentqa_db_environment_variable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    assert kentqa("record", str(EXAMPLE), env={"KENTQA_DB": url}).returncode == 0
    assert (tmp_path / "env.db").exists()
    status = json.loads(kentqa("status", "--json", env={"KENTQA_DB": url}).stdout)
    assert status["events"] > 40 and status["store"] == url


def test_plugins_lists_builtins_and_the_postgres_adapter() -> None:
    rows = json.loads(kentqa("plugins", "--json").stdout)
    names = {r["name"]: r for r in rows}
    assert names["kentqa.builtin.storage"]["source"] == "built in"
    assert "kentqa_register_storage" in names["postgres"]["hooks"]
    assert names["postgres"]["source"].startswith("kentqa-postgres")


def test_storage_errors_exit_3_with_one_clear_line() -> None:
    result = kentqa("stats", db="nosuch://x")
    assert result.returncode == 3
    assert result.stderr.strip().startswith("kentqa: error: no storage plugin for nosuch://")
    assert "Traceback" not in result.stderr


def test_help_explains_commands() -> None:
    result = kentqa("--help")
    assert result.returncode == 0
    for command in ("record", "stats", "plugins", "status"):
        assert command in result.stdout
    assert "JSON-lines" in kentqa("record", "--help").stdout
