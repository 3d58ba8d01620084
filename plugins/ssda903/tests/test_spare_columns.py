"""Spare columns in a return (issue 16, decision 0975): a local extra column, or rows that
lack only trailing cells the importer does not read, import every row; re-importing stores
nothing new. Built from the committed synthetic return (tests/data), copied and changed.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kentqa_ssda903 import IMPORTER

import kentqa_domain as kq
from kentqa_domain.importing import ImportOptions
from kentqa_domain.importing.session import ImportReport, run_import

IMPORT_DAY = dt.date(2026, 11, 26)
#: The first rows of each table: enough children for every kind of episode, quick to import.
ROWS = 400

Change = Callable[[list[str], list[list[str]]], tuple[list[str], list[list[str]]]]


def _copy(sample_903: list[Path], into: Path, change: Change | None = None) -> list[Path]:
    """The episodes and reviews tables of the sample (their first ROWS rows), each changed."""
    into.mkdir()
    out = []
    for source in sample_903:
        if source.name not in ("episodes.csv", "reviews.csv"):
            continue
        with source.open(encoding="utf-8-sig", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        rows = rows[:ROWS]
        if change is not None:
            header, rows = change(header, rows)
        target = into / source.name
        with target.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
        out.append(target)
    return out


def _import(qa: Any, paths: list[Path]) -> ImportReport:
    return run_import(qa, IMPORTER, paths, ImportOptions(not_after=IMPORT_DAY))


def _problems(report: ImportReport, folder: Path) -> list[tuple[str, int | None, str]]:
    """Each problem by file name, row and reason (the folder left out)."""
    return [
        (Path(p.location.file).name, p.location.row, p.reason.replace(str(folder), ""))
        for p in report.problems
    ]


def _test_column_everywhere(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    return [*header, "TEST_COLUMN"], [[*row, f"t{n}"] for n, row in enumerate(rows)]


def _test_column_in_the_header_only(
    header: list[str], rows: list[list[str]]
) -> tuple[list[str], list[list[str]]]:
    """As the public sample of issue 16: a spare header cell, and only one row in five with it."""
    return [*header, "TEST_COLUMN"], [[*row, "x"] if n % 5 == 0 else row for n, row in enumerate(rows)]


def _unread_trailing_cells_dropped(
    header: list[str], rows: list[list[str]]
) -> tuple[list[str], list[list[str]]]:
    """Each row loses its trailing cells the importer does not read (a spreadsheet saving a
    row without its empty cells, or a shortened export); a few keep blank cells after the last."""
    needed = {"CHILD", "DECOM", "RNE", "DEC", "REC", "REVIEW", "REVIEW_CODE"}
    last_read = max(i for i, name in enumerate(header) if name in needed)
    out = []
    for n, row in enumerate(rows):
        keep = last_read + 1 + n % (len(header) - last_read)
        out.append(row[:keep] + ([""] * 2 if n % 7 == 0 else []))
    return header, out


@pytest.mark.parametrize(
    "change",
    [_test_column_everywhere, _test_column_in_the_header_only, _unread_trailing_cells_dropped],
    ids=["extra-column", "extra-header-cell", "trailing-cells-dropped"],
)
def test_spare_trailing_columns_import_every_row(
    sample_903: list[Path], tmp_path: Path, stored: Any, change: Change
) -> None:
    """The changed return stores exactly what the sample stores, with no more problems; into
    the store that already holds the sample it stores nothing new."""
    plain = _copy(sample_903, tmp_path / "plain")
    changed = _copy(sample_903, tmp_path / "changed", change)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        expected = _import(qa, plain)
        events = stored(qa)
    assert expected.stored > ROWS  # the sample's rows import (episodes and reviews)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        first = _import(qa, changed)
        assert stored(qa) == events
        assert _problems(first, tmp_path / "changed") == _problems(expected, tmp_path / "plain")
        again = _import(qa, changed)
        assert (again.stored, stored(qa)) == (0, events)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        _import(qa, plain)
        assert _import(qa, changed).stored == 0


def test_a_row_lacking_a_column_the_importer_reads_is_refused(write_csv: Callable[..., Path]) -> None:
    """Only unread trailing columns may be missing: a row that stops before REC (read: why the
    episode ended) is refused naming it; so is a value after the header's last column."""
    header = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
    path = write_csv(
        "episodes.csv",
        header.split(","),
        [
            ["C1", "01/04/2024", "S", "C2", "N1", "U1", "PR1", "03/05/2024"],
            ["C2", "01/04/2024", "S", "C2", "N1", "U1", "PR1", "", "", "", "", "", "", "spare"],
            ["C3", "01/04/2024", "S", "C2", "N1", "U1", "PR1", "", ""],
        ],
    )
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = _import(qa, [path])
        assert report.stored_by_type["ChildBecameLookedAfter"] == 1  # C3 only
    reasons = [p.reason for p in report.problems]
    assert any("it lacks REC, which the importer reads" in r for r in reasons), reasons
    assert any("belong to no column" in r for r in reasons), reasons
