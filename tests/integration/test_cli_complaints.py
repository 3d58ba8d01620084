"""``kentqa status complaints | complaints-summary | voice`` run as a user would: a real
subprocess on a real SQLite file (R-CMP-1..6, R-ACC-1)."""

from __future__ import annotations

import json
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests import cli_run
from tests.complaint_histories import SCENARIO
from tests.conftest import organisation

MANAGER = {
    "type": "WorkerRegistered",
    "worker_id": "TM1",
    "team_id": "T-EAST-1",
    "role": "team_manager",
    "experience": "experienced",
    "registered_on": "2026-01-05",
}


#: every installed plugin loaded (the council's policy too), tables 200 columns wide
kentqa = partial(cli_run.kentqa, blocked="", columns=200)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kentqa.db'}"
    lines = tmp_path / "events.jsonl"
    lines.write_text("\n".join(json.dumps(e) for e in [*organisation(), MANAGER, *SCENARIO]) + "\n")
    done = kentqa("record", str(lines), "--allow-future", db=url)  # the scenario runs into 2027 (R-INP-1)
    assert done.returncode == 0, done.stderr
    return url


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_R_CMP_1_register_as_json_and_as_a_table(db: str) -> None:
    """On Mon 4 Jan 2027 K1 (received Fri 18 Dec) is due Wed 6 Jan: 10 working days
    skipping Christmas Day, the substitute Boxing Day (28 Dec) and New Year's Day."""
    rows = {
        r["complaint_id"]: r
        for r in as_json(kentqa("status", "complaints", "--as-of", "2027-01-04", "--json", db=db))
    }
    assert set(rows) == {"K1", "K2"}
    spec_fields = ("stage", "state", "due_on", "extended", "breached", "late")
    assert {k: rows["K1"][k] for k in spec_fields} == {
        "stage": "stage_1",
        "state": "open",
        "due_on": "2027-01-06",
        "extended": False,
        "breached": False,
        "late": False,
    }
    assert rows["K1"]["themes"] == ["communication", "delay"]
    assert (rows["K2"]["statutory"], rows["K2"]["due_on"]) == (False, "2027-01-19")
    table = kentqa("status", "complaints", "--as-of", "2027-01-04", db=db)
    assert table.returncode == 0, table.stderr
    assert "Complaints register as of 2027-01-04" in table.stdout
    assert "2027-01-06" in table.stdout and "corp" in table.stdout
    assert "2 complaints: 2 open" in table.stdout


def test_R_CMP_5_state_filter_and_the_group_level_json_flag(db: str) -> None:
    rows = as_json(
        kentqa("status", "--json", "complaints", "--as-of", "2027-01-20", "--state", "withdrawn", db=db)
    )
    assert [(r["complaint_id"], r["late"]) for r in rows] == [("K3", True)]


def test_the_register_in_pages_with_limit_and_after(db: str) -> None:
    """``--limit N`` gives a page, ``--after ID`` (the last id shown) the next, oldest first;
    the table says what to ask for next. An unknown id exits 1 naming --after's field."""
    whole = [
        r["complaint_id"]
        for r in as_json(kentqa("status", "complaints", "--as-of", "2027-06-30", "--json", db=db))
    ]
    assert len(whole) == 3
    walked, after = [], []
    while True:
        page = as_json(
            kentqa("status", "complaints", "--as-of", "2027-06-30", "--limit", "2", *after, "--json", db=db)
        )
        walked += [r["complaint_id"] for r in page]
        if len(page) < 2:
            break
        after = ["--after", page[-1]["complaint_id"]]
    assert walked == whole
    table = kentqa("status", "complaints", "--as-of", "2027-06-30", "--limit", "1", db=db)
    assert table.returncode == 0, table.stderr
    assert f"The next page: --after {whole[0]}" in table.stdout
    unknown = kentqa("status", "complaints", "--as-of", "2027-06-30", "--after", "K99", db=db)
    assert unknown.returncode == 1 and "after" in unknown.stderr
    assert kentqa("status", "complaints", "--limit", "0", db=db).returncode == 2


def test_R_ACC_1_a_team_manager_sees_their_team(db: str) -> None:
    rows = as_json(kentqa("status", "complaints", "--as-of", "2027-02-01", "--as", "TM1", "--json", db=db))
    assert [r["complaint_id"] for r in rows] == ["K1", "K3"]
    refused = kentqa("status", "complaints", "--as-of", "2027-02-01", "--as", "NOBODY", db=db)
    assert refused.returncode == 1
    assert "never registered" in refused.stderr


def test_complaints_summary_for_the_six_monthly_report(db: str) -> None:
    """Dec 2026 - May 2027: three responses, the stage 2 one a day late (due Mon 19 Apr 2027
    after Easter, answered Tue 20 Apr): timeliness 2 of 3."""
    summary = as_json(
        kentqa("status", "complaints-summary", "--from", "2026-12-01", "--to", "2027-05-31", "--json", db=db)
    )
    assert summary["overall"]["responses"] == 3
    assert summary["overall"]["timeliness_share"] == pytest.approx(2 / 3)
    assert [t["key"] for t in summary["by_team"]] == ["T-EAST-1", "T-WEST-1"]
    assert [i["complaint_id"] for i in summary["learning"]] == ["K1", "K1"]
    text = kentqa("status", "complaints-summary", "--from", "2026-12-01", "--to", "2027-05-31", db=db)
    assert text.returncode == 0, text.stderr
    assert "3 received (1 corporate, 1 late), 3 responses, 67% on time" in text.stdout
    assert "Plans shared with parents before conferences" in text.stdout


def test_voice_by_source_team_and_theme(db: str) -> None:
    summary = as_json(
        kentqa(
            "status",
            "voice",
            "--from",
            "2027-01-01",
            "--to",
            "2027-03-31",
            "--source",
            "child",
            "--json",
            db=db,
        )
    )
    assert summary["sources"] == ["child"]
    assert summary["overall"]["feedback"] == 1 and summary["overall"]["compliments"] == 0
    assert summary["by_team_theme"] == [
        {
            "team_id": "T-EAST-1",
            "theme": "communication",
            "feedback": 1,
            "compliments": 0,
            "rated": 1,
            "mean_rating": 2.0,
        }
    ]
    text = kentqa("status", "voice", "--from", "2027-01-01", "--to", "2027-03-31", db=db)
    assert text.returncode == 0, text.stderr
    assert "1 feedback, 1 compliments" in text.stdout
    assert "By team and theme" in text.stdout


def test_a_period_that_ends_before_it_starts_is_refused_with_its_field_and_rule(db: str) -> None:
    done = kentqa("status", "voice", "--from", "2027-03-01", "--to", "2027-01-01", db=db)
    assert done.returncode == 1
    assert "voice_summary.end" in done.stderr and "[rule period]" in done.stderr
    usage = kentqa("status", "complaints-summary", "--to", "2027-01-01", db=db)
    assert usage.returncode == 2  # --from is required
    assert "--from" in usage.stderr
