"""R-INP-1 at the command line (issue 17, finding 12): ``kentqa record`` refuses a line whose
business date is after today, naming the line, field and rule, stores nothing of it and exits
1; ``--allow-future`` records it. A real process on a real SQLite file, on the real clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kentqa_domain.recording.future_dates import ENV
from tests.cli_run import kentqa

REAL_CLOCK = {ENV: None}  # not the suite's "today" (conftest.py)


def test_R_INP_1_record_refuses_a_future_date_unless_allowed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kentqa.db'}"
    today = dt.date.today()
    typo = (
        today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else today + dt.timedelta(days=366)
    )
    lines = "\n".join(
        json.dumps(e)
        for e in (
            {"type": "ChildBecameLookedAfter", "child_ref": "C-1", "on": today.isoformat()},
            {"type": "ChildBecameLookedAfter", "child_ref": "C-2", "on": typo.isoformat()},
        )
    )
    refused = kentqa("record", "-", "--db", db, "--json", stdin=lines, env=REAL_CLOCK)
    assert refused.returncode == 1, refused.stderr
    assert f"<stdin>:2: ChildBecameLookedAfter.on: {typo.isoformat()} is after today" in refused.stderr
    assert "[rule R-INP-1]" in refused.stderr
    assert json.loads(refused.stdout)["accepted"] == 1
    stats = kentqa("stats", "--json", "--db", db, stdin="", env=REAL_CLOCK)
    assert json.loads(stats.stdout)["total"] == 1  # only the valid line

    allowed = kentqa("record", "-", "--db", db, "--json", "--allow-future", stdin=lines, env=REAL_CLOCK)
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["accepted"] == 1
    assert json.loads(kentqa("stats", "--json", "--db", db, stdin="", env=REAL_CLOCK).stdout)["total"] == 2
