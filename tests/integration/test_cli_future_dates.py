"""R-INP-1 at the command line (issue 17, finding 12): ``kentqa record`` refuses a line whose
business date is after today, naming the line, field and rule, stores nothing of it and exits
1; ``--allow-future`` records it. A real process on a real SQLite file, on the real clock."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from kentqa_domain.recording.future_dates import ENV
from tests.cli_run import ROOT


def _kentqa(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV}  # the real clock
    env["KENTQA_BLOCK_PLUGINS"] = "kent_policy"
    return subprocess.run(
        [sys.executable, "-m", "kentqa_domain", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
        cwd=ROOT,
    )


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
    refused = _kentqa("record", "-", "--db", db, "--json", stdin=lines)
    assert refused.returncode == 1, refused.stderr
    assert f"<stdin>:2: ChildBecameLookedAfter.on: {typo.isoformat()} is after today" in refused.stderr
    assert "[rule R-INP-1]" in refused.stderr
    assert json.loads(refused.stdout)["accepted"] == 1
    stats = _kentqa("stats", "--json", "--db", db, stdin="")
    assert json.loads(stats.stdout)["total"] == 1  # only the valid line

    allowed = _kentqa("record", "-", "--db", db, "--json", "--allow-future", stdin=lines)
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["accepted"] == 1
    assert json.loads(_kentqa("stats", "--json", "--db", db, stdin="").stdout)["total"] == 2
