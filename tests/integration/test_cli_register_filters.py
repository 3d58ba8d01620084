"""``kentqa status escalations|complaints --state ... --since ...`` as real processes on a real
SQLite file (decision 0815; R-ESC-1..5, R-CMP-5)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests import cli_run
from tests.complaint_histories import SCENARIO as COMPLAINTS
from tests.conftest import organisation
from tests.integration.test_plans_end_to_end import SCENARIO as PLANS

#: tables 200 columns wide
kentqa = partial(cli_run.kentqa, columns=200)


def _json(*args: str) -> Any:
    done = kentqa(*args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The plans scenario (escalation E1) and the complaints scenario (K1-K3) in one file."""
    url = f"sqlite:///{tmp_path / 'registers.db'}"
    path = tmp_path / "scenario.jsonl"
    extra = [e for e in COMPLAINTS if e["type"].startswith("Complaint")]
    path.write_text("".join(json.dumps(obj) + "\n" for obj in [*PLANS, *organisation(), *extra]))
    result = kentqa("record", str(path), "--db", url)
    assert result.returncode == 0, result.stderr
    return url


def test_R_ESC_4_escalations_by_state_and_since(db: str) -> None:
    """E1 (raised 15 Mar 2027) is open on 9 Apr 2027 (its resolution is recorded later in
    the plans scenario): ``--state open`` lists it, ``--state resolved`` does not, and
    ``--since`` after its raising date leaves it out."""
    everything = _json("status", "escalations", "--as-of", "2027-04-09", "--json", "--db", db)
    assert [r["escalation_id"] for r in everything] == ["E1"]
    opened = _json("status", "escalations", "--as-of", "2027-04-09", "--state", "open", "--json", "--db", db)
    assert [(r["escalation_id"], r["state"]) for r in opened] == [("E1", "open")]
    assert (
        _json("status", "escalations", "--as-of", "2027-04-09", "--state", "resolved", "--json", "--db", db)
        == []
    )
    assert (
        _json("status", "escalations", "--as-of", "2027-04-09", "--since", "2027-03-16", "--json", "--db", db)
        == []
    )
    table = kentqa("status", "escalations", "--as-of", "2027-04-09", "--state", "open", "--db", db)
    assert table.returncode == 0, table.stderr
    assert "open escalations as of 2027-04-09" in table.stdout and "E1" in table.stdout
    bad = kentqa("status", "escalations", "--state", "closed", "--db", db)
    assert bad.returncode == 2 and "closed" in bad.stderr


def test_R_CMP_5_complaints_by_state_and_since(db: str) -> None:
    """On 4 Jan 2027 K1 (received 18 Dec 2026) and K2 (17 Dec) are open; K3 arrives on 14
    Jan and is withdrawn on 20 Jan. ``--since 2026-12-18`` keeps K1 only."""
    opened = _json("status", "complaints", "--as-of", "2027-01-04", "--state", "open", "--json", "--db", db)
    assert [r["complaint_id"] for r in opened] == ["K2", "K1"]
    since = _json(
        "status", "complaints", "--as-of", "2027-01-04", "--since", "2026-12-18", "--json", "--db", db
    )
    assert [r["complaint_id"] for r in since] == ["K1"]
    later = _json(
        "status",
        "complaints",
        "--as-of",
        "2027-01-25",
        "--state",
        "withdrawn",
        "--state",
        "closed",
        "--json",
        "--db",
        db,
    )
    assert {(r["complaint_id"], r["state"]) for r in later} == {
        ("K1", "closed"),
        ("K2", "closed"),
        ("K3", "withdrawn"),
    }
