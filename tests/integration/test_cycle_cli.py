"""``kentqa status cycle`` and ``kentqa report learning`` as a new user runs them: real
processes, a real SQLite file (R-AUD-1..6, SPEC section 8)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.audit_scenario import worked_example
from tests.cli_run import kentqa


@pytest.fixture
def recorded(tmp_path: Path) -> str:
    """A SQLite store holding the worked example, recorded through ``kentqa record``."""
    db = f"sqlite:///{tmp_path / 'cycle.db'}"
    lines = tmp_path / "cycle.jsonl"
    lines.write_text("\n".join(json.dumps(e) for e in worked_example()) + "\n", encoding="utf-8")
    result = kentqa("record", str(lines), db=db)
    assert result.returncode == 0, result.stderr
    return db


def test_status_cycle_json_gives_phase_counts_shares_and_triads_r_aud_1_to_r_aud_5(recorded: str) -> None:
    """The worked example's figures (hand-computed in tests/domain/test_audit_cycle.py)."""
    result = kentqa("status", "cycle", "--as-of", "2026-11-26", "--json", db=recorded)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["cycle_id"], data["phase"], data["phase_kind"]) == ("2026-T2", 4, "triad")
    assert data["audits_by_kind"]["practitioner"] == 4 and data["good_or_better_share"] == 0.375
    assert [(a["key"], a["good_or_better_share"]) for a in data["by_area"]] == [("East", 0.25), ("West", 0.5)]
    assert [
        (t["auditor_a"], t["auditor_b"], t["mean_gap"], t["cases"], t["qa_member"])
        for t in data["triad_recommendations"]
    ] == [("PM-X", "TM-A", 1.0, 2, "QA1"), ("PM-Y", "TM-B", 1.0, 2, "QA2")]
    assert [(a["audit_id"], a["working_days_overdue"]) for a in data["overdue_actions"]] == [("P2", 41)]


def test_status_cycle_tables_and_an_explicit_cycle_r_aud_2(recorded: str) -> None:
    tables = kentqa("status", "cycle", "--as-of", "2026-11-26", db=recorded)
    assert tables.returncode == 0, tables.stderr
    assert "Cycle 2026-T2: 2026-08-01 to 2026-11-30, as of 2026-11-26: month 4 of 4 (triad)" in tables.stdout
    assert "38% good or better" in tables.stdout
    for title in (
        "Phases",
        "Audits by kind",
        "Grades by area",
        "Grades by service",
        "Grades by team",
        "Triad recommendations",
        "Overdue audit actions",
    ):
        assert title in tables.stdout
    earlier = json.loads(
        kentqa("status", "cycle", "--cycle", "2026-T1", "--as-of", "2026-11-26", "--json", db=recorded).stdout
    )
    assert (earlier["cycle_id"], earlier["phase"], earlier["audits"]) == ("2026-T1", None, 0)


def test_status_cycle_scoped_with_as_r_acc_1(recorded: str, tmp_path: Path) -> None:
    manager = tmp_path / "tm.jsonl"
    manager.write_text(
        json.dumps(
            {
                "type": "WorkerRegistered",
                "worker_id": "TMW",
                "team_id": "T-WEST",
                "role": "team_manager",
                "experience": "experienced",
                "registered_on": "2025-01-06",
            }
        )
        + "\n"
    )
    assert kentqa("record", str(manager), db=recorded).returncode == 0
    data = json.loads(
        kentqa("status", "cycle", "--as-of", "2026-11-26", "--as", "TMW", "--json", db=recorded).stdout
    )
    assert data["audits"] == 4 and data["triad_recommendations"] == [] and data["overdue_actions"] == []


def test_a_bad_cycle_id_is_a_clear_error_r_aud_1(recorded: str) -> None:
    result = kentqa("status", "cycle", "--cycle", "2026-T9", "--as-of", "2026-11-26", db=recorded)
    assert result.returncode == 1
    assert "cycle_id" in result.stderr and "R-AUD-1" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_report_learning_writes_each_format_r_aud_6(recorded: str, tmp_path: Path, fmt: str) -> None:
    """R-AUD-6: ``kentqa report learning --cycle ID --format F -o FILE``; without --as-of a past
    cycle is reported as at its last day."""
    out = tmp_path / f"learning.{fmt}"
    result = kentqa("report", "learning", "--cycle", "2026-T2", "--format", fmt, "-o", str(out), db=recorded)
    assert result.returncode == 0, result.stderr
    assert f"as of {min(dt.date(2026, 11, 30), dt.date.today())}" in result.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert {"what_do_we_know", "how_do_we_know_it", "what_are_our_plans"} <= set(data)
        assert data["what_do_we_know"]["good_or_better_share"] == 0.375
    elif fmt == "md":
        assert text.startswith("# Learning and Improvement report: 2026-T2")
        assert "## 3. What are our plans?" in text
    else:
        assert text.startswith("<!doctype html>") and text.count("<svg") == 5


def test_report_learning_to_standard_output(recorded: str) -> None:
    result = kentqa(
        "report", "learning", "--cycle", "2026-T2", "--format", "md", "--as-of", "2026-09-20", db=recorded
    )
    assert result.returncode == 0, result.stderr
    assert "Phase: month 2 of 4 (appreciative inquiry)." in result.stdout
