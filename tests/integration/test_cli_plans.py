"""``kentqa status drift|escalations|review-qa`` as real processes on a real SQLite file
(SPEC section 8; R-LAC-1..7, R-CP-1..7, R-ESC-1..5, R-ACC-1)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

from kentqa_domain.serialization import unstructure_event
from tests import cli_run
from tests.integration.test_plans_end_to_end import LATE, SCENARIO
from tests.plan_history import council

#: tables 200 columns wide
kentqa = partial(cli_run.kentqa, columns=200)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite file holding the end-to-end scenario, recorded through ``kentqa record``."""
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    path = tmp_path / "scenario.jsonl"
    path.write_text("".join(json.dumps(obj) + "\n" for obj in SCENARIO))
    result = kentqa("record", str(path), "--db", url)
    assert result.returncode == 0, result.stderr
    return url


def test_status_drift_json(db: str) -> None:
    """As of 9 Apr 2027 (derived in test_plans_end_to_end.py): A1 27, LR2's QA 5 and P1's
    initial conference 4 working days overdue."""
    result = kentqa("status", "drift", "--as-of", "2027-04-09", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [
        (r["child_ref"], r["kind"], r["due_on"], r["working_days_overdue"], r["escalation_id"]) for r in rows
    ] == [
        ("L1", "action_overdue", "2027-03-01", 27, "E1"),
        ("L1", "qa_overdue", "2027-04-02", 5, "E1"),
        ("P1", "initial_conference_overdue", "2027-04-05", 4, None),
    ]
    assert rows[0]["plan"] == "looked_after" and rows[2]["plan"] == "child_protection"


def test_status_options_on_the_group_apply_too(db: str) -> None:
    result = kentqa("status", "--db", db, "--json", "drift", "--as-of", "2027-04-09")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3


def test_status_drift_as_a_team_manager(db: str) -> None:
    """R-ACC-1: TM1 (team T1) sees L1's rows, not P1's (no team inferred for it)."""
    result = kentqa("status", "drift", "--as-of", "2027-04-09", "--json", "--as", "TM1", "--db", db)
    assert result.returncode == 0, result.stderr
    assert {r["child_ref"] for r in json.loads(result.stdout)} == {"L1"}


def test_status_drift_table(db: str) -> None:
    result = kentqa("status", "drift", "--as-of", "2027-04-09", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "Drift register as of 2027-04-09" in result.stdout
    for text in ("initial_conference_overdue", "action_overdue", "2027-03-01", "27"):
        assert text in result.stdout


def test_status_escalations_before_and_after_late_events(db: str, tmp_path: Path) -> None:
    """R-ESC-2, R-ESC-3: E1 raised Mon 15 Mar 2027, response due Mon 22 Mar, open 17 working
    days on 9 Apr; after its (late-recorded) resolution on 9 Apr it is resolved."""
    result = kentqa("status", "escalations", "--as-of", "2027-04-09", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert {
        k: row[k]
        for k in (
            "escalation_id",
            "stage",
            "state",
            "raised_on",
            "response_due_on",
            "response_overdue",
            "working_days_open",
            "breached",
        )
    } == {
        "escalation_id": "E1",
        "stage": "informal",
        "state": "open",
        "raised_on": "2027-03-15",
        "response_due_on": "2027-03-22",
        "response_overdue": True,
        "working_days_open": 17,
        "breached": False,
    }
    late = tmp_path / "late.jsonl"
    late.write_text("".join(json.dumps(obj) + "\n" for obj in LATE))
    assert kentqa("record", str(late), "--db", db).returncode == 0
    (row,) = json.loads(kentqa("status", "escalations", "--as-of", "2027-04-09", "--json", "--db", db).stdout)
    assert (row["state"], row["response_overdue"], row["closed_on"]) == ("resolved", False, "2027-04-09")
    drift = json.loads(kentqa("status", "drift", "--as-of", "2027-04-09", "--json", "--db", db).stdout)
    assert [(r["kind"], r["escalation_id"]) for r in drift] == [("action_overdue", None)]
    table = kentqa("status", "escalations", "--as-of", "2027-04-09", "--db", db)
    assert "Escalations as of 2027-04-09" in table.stdout and "resolved" in table.stdout


def test_status_review_qa_by_chair(db: str) -> None:
    result = kentqa("status", "review-qa", "--by", "chair", "--as-of", "2027-04-09", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    # LR1 assured (needs yes, timeframe no, legal yes); LR2 not yet: IRO1 1 of 2 assured.
    assert [
        (r["key"], r["plan"], r["reviews"], r["assured"], r["actions_in_child_timeframe_share"]) for r in rows
    ] == [
        ("IRO1", "looked_after", 2, 1, 0.0),
    ]
    quarter = kentqa("status", "review-qa", "--since", "2027-01-08", "--as-of", "2027-04-09", "--db", db)
    assert "Review QA by team, reviews held 2027-01-08 to 2027-04-09" in quarter.stdout


def test_an_unknown_worker_for_as_is_a_clear_error(db: str) -> None:
    result = kentqa("status", "drift", "--as-of", "2027-04-09", "--as", "NOBODY", "--db", db)
    assert result.returncode == 1
    assert "NOBODY" in result.stderr and "never registered" in result.stderr


def test_status_escalations_pages_with_limit_and_after(tmp_path: Path) -> None:
    """``--limit N --after ID`` gives the register a page at a time, in its order (raising
    date, then id); the pages together are the whole register; an unknown ``--after`` is
    refused naming it (exit 1) and ``--limit 0`` is a usage error (exit 2)."""
    url = f"sqlite:///{tmp_path / 'council.db'}"
    path = tmp_path / "council.jsonl"
    path.write_text("".join(json.dumps(unstructure_event(e), default=str) + "\n" for e in council(7)))
    assert kentqa("record", str(path), "--db", url).returncode == 0
    args = ("status", "escalations", "--as-of", "2027-06-01", "--json", "--db", url)
    whole = [r["escalation_id"] for r in json.loads(kentqa(*args).stdout)]
    assert len(whole) == 9
    pages: list[str] = []
    after: list[str] = []
    while True:
        done = kentqa(*args, "--limit", "4", *after)
        assert done.returncode == 0, done.stderr
        page = [r["escalation_id"] for r in json.loads(done.stdout)]
        pages += page
        if len(page) < 4:
            break
        after = ["--after", page[-1]]
    assert pages == whole
    table = kentqa(
        "status", "escalations", "--as-of", "2027-06-01", "--limit", "2", "--after", whole[1], "--db", url
    )
    assert table.returncode == 0 and f"after {whole[1]}" in table.stdout and whole[2] in table.stdout
    unknown = kentqa(*args, "--after", "E-NOPE")
    assert unknown.returncode == 1 and "after" in unknown.stderr
    assert kentqa(*args, "--limit", "0").returncode == 2
