"""``kentqa demo`` as a new user runs it: a real process, a real SQLite file (issue 8)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_run import ROOT, kentqa

AS_OF = "2026-11-20"
ROW_DASHBOARDS = ("observations", "drift", "escalations", "complaints")


def test_the_small_demo_records_a_council_and_every_installed_dashboard_has_rows(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    report = tmp_path / "learning.html"
    run = kentqa("demo", "--scale", "small", "--as-of", AS_OF, "--json", "--report", str(report), db=db)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["events_generated"] == out["events_recorded"] > 10_000
    assert out["corrections"] > 0 and out["withdrawals"] > 0  # the data officer's year-end sweep
    dashboards = out["dashboards"]
    shown = [name for name in ROW_DASHBOARDS if name not in dashboards["missing"]]
    assert shown, "at least one dashboard is installed"
    for name in shown:
        assert dashboards[name]["rows"] > 0, name
        assert dashboards[name]["top"], name
    if out["report"] is not None:
        assert Path(out["report"]) == report.resolve()
        assert "<html" in report.read_text(encoding="utf-8").lower()
    stats = json.loads(kentqa("stats", "--json", db=db).stdout)
    # the events every answer is computed from: a correction replaces its original (two rows
    # become one), a withdrawal takes its original away (SPEC 9.1)
    assert stats["total"] == out["events_recorded"] - out["corrections"] - 2 * out["withdrawals"]


def test_running_the_same_demo_again_records_nothing_new_and_prints_tables(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    first = kentqa(
        "demo", "--scale", "small", "--as-of", AS_OF, "--json", "--report", str(tmp_path / "r.html"), db=db
    )
    assert first.returncode == 0, first.stderr
    again = kentqa(
        "demo",
        "--scale",
        "small",
        "--as-of",
        AS_OF,
        "--limit",
        "3",
        "--report",
        str(tmp_path / "r.html"),
        db=db,
    )
    assert again.returncode == 0, again.stderr
    assert " 0 recorded" in again.stdout.replace(",", "")
    installed = [n for n in ROW_DASHBOARDS if n not in json.loads(first.stdout)["dashboards"]["missing"]]
    assert installed, "no row dashboard is installed: nothing to list the most urgent rows of"
    assert any("most urgent" in line for line in again.stdout.splitlines())


def test_the_demo_refuses_a_store_holding_other_records(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'real.db'}"
    assert kentqa("record", str(ROOT / "examples" / "small-council.jsonl"), db=db).returncode == 0
    run = kentqa("demo", "--scale", "small", "--as-of", AS_OF, db=db)
    assert run.returncode == 1
    assert "only writes to an empty store" in run.stderr
    assert json.loads(kentqa("stats", "--json", db=db).stdout)["total"] < 1_000
