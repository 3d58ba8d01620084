"""``kentqa import`` run as a user would, in a subprocess, on a real SQLite file and the
sample returns in the repository (tests/data)."""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path

import pytest

from tests import cli_run
from tests.sample_data import SAMPLE_903, SAMPLE_CIN

SECRET = "cli-test-council-secret"


@pytest.fixture(scope="module")
def tables() -> list[str]:
    missing = [str(p) for p in [*SAMPLE_903, SAMPLE_CIN] if not p.is_file()]
    if missing:
        pytest.fail(
            f"the sample data is missing: {', '.join(missing)} (it is part of the repository: tests/data)"
        )
    return [str(p) for p in SAMPLE_903]


#: every installed plugin loaded (the council's policy too)
kentqa = partial(cli_run.kentqa, blocked="")


def test_import_ssda903_reports_problems_by_row_and_a_second_run_adds_nothing(
    tables: list[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    first = kentqa("import", "ssda903", *tables, "--db", db, "--as-of", "2026-11-26")
    assert first.returncode == 1, first.stderr[-2000:]  # the sample has bad rows: reported, not fatal
    notice, *lines = first.stderr.splitlines()
    assert notice.startswith("kentqa: notice: created a new store at")  # issue 17, finding 6
    assert all(re.match(r"^\S+\.csv:\d+:( [A-Z_]+:)? ", line) for line in lines), lines[:5]
    assert any("duplicate of" in line for line in lines)
    assert re.search(r"Imported: [1-9]\d* events", first.stdout)
    stats = json.loads(kentqa("stats", "--json", "--db", db).stdout)
    assert stats["by_type"]["ReviewHeld"] > 0 and stats["by_type"]["ChildBecameLookedAfter"] > 0

    second = kentqa("import", "ssda903", *tables, "--db", db, "--as-of", "2026-11-26", "--json")
    report = json.loads(second.stdout)
    assert report["stored"] == 0 and report["already_recorded"] > 0
    assert json.loads(kentqa("stats", "--json", "--db", db).stdout) == stats


def test_import_cin_census_pseudonymised_with_the_secret_from_the_environment(
    tables: list[str], tmp_path: Path
) -> None:
    db_file = tmp_path / "qa.db"
    done = kentqa(
        "import",
        "cin-census",
        str(SAMPLE_CIN),
        "--db",
        f"sqlite:///{db_file}",
        "--pseudonymise",
        env={"KENTQA_PSEUDONYMISE_SECRET": SECRET},
    )
    assert done.returncode == 0, done.stderr
    assert "Imported: 6 events" in done.stdout
    assert b"DfEX0000001" not in db_file.read_bytes()


def test_import_refuses_unknown_formats_and_a_missing_secret(tables: list[str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    unknown = kentqa("import", "no-such-format", tables[0], "--db", db)
    assert unknown.returncode == 2 and "known formats: cin-census, ssda903" in unknown.stderr
    no_secret = kentqa("import", "ssda903", tables[0], "--db", db, "--pseudonymise")
    assert no_secret.returncode == 2 and "KENTQA_PSEUDONYMISE_SECRET" in no_secret.stderr


def test_progress_bars_can_be_forced_on(tables: list[str], tmp_path: Path) -> None:
    done = kentqa(
        "import", "cin-census", str(SAMPLE_CIN), "--db", f"sqlite:///{tmp_path / 'qa.db'}", "--progress"
    )
    assert done.returncode == 0
    assert "reading cin-2022.xml" in done.stderr and "recording" in done.stderr
