"""The synthetic SSDA903 return (tests/data/ssda903-synthetic) into a real SQLite file.

Expected figures are computed here from the CSV files with the standard library, not taken
from the importer: every review row is accounted for exactly once (stored, a duplicate, or a
problem), repeated rows are reported once, and a second import stores nothing new.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from kentqa_ssda903 import IMPORTER

import kentqa_domain as kq
from kentqa_domain.importing import ImportOptions
from kentqa_domain.importing.session import ImportReport, run_import

IMPORT_DAY = dt.date(2026, 11, 26)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _import(url: str, paths: list[Path]) -> ImportReport:
    with kq.connect(url, policy=kq.Policy()) as qa:
        return run_import(qa, IMPORTER, paths, ImportOptions(not_after=IMPORT_DAY))


def test_sample_reviews_each_accounted_for_once_and_a_second_import_adds_nothing(
    sample_903: list[Path], tmp_path: Path, stored: Any
) -> None:
    """R-LAC-1..3 input: each distinct review stored once; duplicates reported; idempotent."""
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    reviews_csv = next(p for p in sample_903 if p.name == "reviews.csv")
    review_rows = _rows(reviews_csv)
    first = _import(url, sample_903)

    # Repeated rows, found here by counting identical (CHILD, REVIEW, REVIEW_CODE) rows.
    seen: Counter[tuple[str, str, str]] = Counter()
    repeats = []
    for number, row in enumerate(review_rows, start=2):
        key = (row["CHILD"], row["REVIEW"], row["REVIEW_CODE"])
        if seen[key]:
            repeats.append(number)
        seen[key] += 1
    assert repeats, "the sample is known to repeat review rows"
    reviews_file = str(reviews_csv)
    problem_rows = {p.location.row for p in first.problems if p.location.file == reviews_file}
    duplicate_rows = {d.location.row for d in first.duplicates if d.location.file == reviews_file}
    for number in repeats:
        assert number in duplicate_rows or number in problem_rows
    assert len(duplicate_rows) == len(first.duplicates)  # each reported once

    # Every row of reviews.csv: stored, a duplicate, or a problem: never two of these.
    assert not duplicate_rows & problem_rows
    assert first.stored_by_type["ReviewHeld"] + len(duplicate_rows) + len(problem_rows) == len(review_rows)
    # The header and UASC tables are recognised and left alone.
    kinds = {Path(f.file).name: f.kind for f in first.files.values()}
    assert kinds["header.csv"].startswith("header table") and kinds["uasc.csv"].startswith("uasc table")

    with kq.connect(url, policy=kq.Policy()) as qa:
        before = stored(qa)
    second = _import(url, sample_903)
    assert second.stored == 0
    assert second.already_recorded > 0
    assert [p.reason for p in second.problems] == [p.reason for p in first.problems]
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert stored(qa) == before
        assert sum(qa.stats().values()) == first.stored


def test_sample_stores_no_names_upns_or_postcodes(
    sample_903: list[Path], tmp_path: Path, store_bytes: Any
) -> None:
    """Privacy: UPNs (header table) and postcodes (episodes table) never reach the store."""
    db = tmp_path / "qa.db"
    _import(f"sqlite:///{db}", sample_903)
    header = _rows(next(p for p in sample_903 if p.name == "header.csv"))
    episodes = _rows(next(p for p in sample_903 if p.name == "episodes.csv"))
    secrets = {r["UPN"] for r in header[:200] if r["UPN"]}
    secrets |= {r["HOME_POST"] for r in episodes[:200] if r["HOME_POST"]}
    secrets |= {r["PL_POST"] for r in episodes[:200] if r["PL_POST"]}
    data = store_bytes(db)
    assert secrets
    leaked = sorted(s for s in secrets if s.encode() in data)
    assert leaked == []
