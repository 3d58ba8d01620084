"""``kentqa status observations`` as a user runs it: a subprocess on a real SQLite file."""

from __future__ import annotations

import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import orjson

import kentqa_domain as kq
from tests import cli_run
from tests.integration.test_observation_backends import doc_blocks, doc_rows

#: every installed plugin loaded (the council's policy too)
kentqa = partial(cli_run.kentqa, blocked="")


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return orjson.loads(result.stdout)


def test_status_observations_cli_on_a_sqlite_file(tmp_path: Path) -> None:
    """R-OBS-1..5 and R-ACC-1 through the command line: the docs' worked example."""
    (block,) = doc_blocks("jsonl")
    events = tmp_path / "events.jsonl"
    events.write_text(block, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    recorded = kentqa("record", str(events), "--db", db, "--json", cwd=tmp_path)
    assert as_json(recorded)["accepted"] == 17
    assert (tmp_path / "qa.db").stat().st_size > 0

    base = ["status", "observations", "--db", db, "--as-of", "2026-12-01", "--json"]
    assert as_json(kentqa(*base, cwd=tmp_path)) == doc_rows()
    assert [r["worker_id"] for r in as_json(kentqa(*base, "--as", "W-CAL", cwd=tmp_path))] == ["W-CAL"]
    assert len(as_json(kentqa(*base, "--team", "T-EAST-1", cwd=tmp_path))) == 3
    (summary,) = as_json(kentqa(*base, "--by", "service", cwd=tmp_path))
    assert summary["key"] == "Children's Social Work"
    assert (summary["workers"], summary["compliant"], summary["due_soon"], summary["overdue"]) == (3, 1, 1, 1)

    table = kentqa("status", "observations", "--db", db, "--as-of", "2026-12-01", cwd=tmp_path)
    assert table.returncode == 0 and "W-CAL" in table.stdout and "overdue" in table.stdout

    learning = as_json(
        kentqa(
            "status",
            "observation-learning",
            "--db",
            db,
            "--start",
            "2026-01-01",
            "--end",
            "2026-12-31",
            "--setting",
            "practice",
            "--json",
            cwd=tmp_path,
        )
    )
    overall = next(r for r in learning if r["area"] == "overall")
    # Practice only: O-1, O-2, O-3 good; O-5 requires improvement (O-4 was a meeting).
    assert (overall["good"], overall["requires_improvement"], overall["outstanding"]) == (3, 1, 0)


def test_status_observations_cli_refuses_unknown_names(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    kq.connect(db).close()  # a store, empty (a missing one is refused before any name: issue 17)
    result = kentqa(
        "status", "observations", "--db", db, "--as-of", "2026-12-01", "--team", "T-NOPE", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "team" in result.stderr and "T-NOPE" in result.stderr
    result = kentqa(
        "status", "observations", "--db", db, "--as-of", "2026-12-01", "--as", "NOBODY", cwd=tmp_path
    )
    assert result.returncode == 1 and "NOBODY" in result.stderr
    result = kentqa("status", "observations", "--db", db, "--as-of", "01/12/2026", cwd=tmp_path)
    assert result.returncode == 2  # a usage error
