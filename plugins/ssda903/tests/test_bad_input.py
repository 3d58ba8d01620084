"""Bad SSDA903 input is reported at its file, row and column, and the good rows still import.

Tables are recognised by their header row, never by the file name; a UTF-8 BOM is optional.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from kentqa_ssda903 import IMPORTER
from kentqa_ssda903.tables import recognise

import kentqa_domain as kq
from kentqa_domain.importing import ImportOptions
from kentqa_domain.importing.session import ImportReport, run_import

EPISODES = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]  # fmt: skip
REVIEWS = ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]
TODAY = dt.date(2026, 11, 26)


def episode(child: str, decom: str, rne: str = "S", dec: str = "", rec: str = "") -> list[str]:
    return [child, decom, rne, "C2", "N1", "U1", "PR1", dec, rec, "", "ZZ1 1ZZ", "ZZ2 2ZZ", "SC1"]


def run(paths: list[Path]) -> tuple[ImportReport, dict[str, int]]:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, paths, ImportOptions(not_after=TODAY))
        return report, qa.stats()


def problems(report: ImportReport) -> list[tuple[str, int | None, str | None]]:
    return [(Path(p.location.file).name, p.location.row, p.location.column) for p in report.problems]


def test_bad_dates_codes_and_blank_cells_are_reported_by_row_and_column(write_csv: Any) -> None:
    """Each bad cell is named (file, row, column, reason); the good rows are imported."""
    episodes = write_csv(
        "e.csv",
        EPISODES,
        [
            episode("A1", "01/04/2020"),  # row 2: good
            episode("A2", "31/02/2020"),  # row 3: no such date
            episode("A3", "2020-04-01"),  # row 4: not dd/mm/YYYY
            episode("A4", "01/04/2020", rne="Q"),  # row 5: unknown RNE
            episode("A5", "01/04/2020", dec="01/05/2020", rec="Z9"),  # row 6: unknown REC
            episode("", "01/04/2020"),  # row 7: blank CHILD
            episode("A6", "01/04/2020", dec="01/03/2020", rec="E11"),  # row 8: DEC before DECOM
            episode("A7", "01/04/2030"),  # row 9: after the import day
            episode("A8", "01/04/2020", dec="01/05/2020"),  # row 10: DEC without REC
        ],
    )
    reviews = write_csv(
        "r.csv",
        REVIEWS,
        [
            ["A1", "01/01/2010", "20/04/2020", "PN1"],  # row 2: good
            ["A1", "01/01/2010", "21/04/2020", "PN9"],  # row 3: unknown participation code
            ["A1", "01/01/2010", "", "PN1"],  # row 4: blank REVIEW
        ],
    )
    report, stats = run([episodes, reviews])
    assert sorted(problems(report)) == [
        ("e.csv", 3, "DECOM"),
        ("e.csv", 4, "DECOM"),
        ("e.csv", 5, "RNE"),
        ("e.csv", 6, "REC"),
        ("e.csv", 7, "CHILD"),
        ("e.csv", 8, "DEC"),
        ("e.csv", 9, "DECOM"),
        ("e.csv", 10, "REC"),
        ("r.csv", 3, "REVIEW_CODE"),
        ("r.csv", 4, "REVIEW"),
    ]
    assert all(p.reason for p in report.problems)
    assert stats == {"ChildBecameLookedAfter": 1, "ReviewHeld": 1}


def test_missing_columns_refuse_the_file_naming_them(write_csv: Any) -> None:
    """A recognised table without a column the importer needs is refused whole, column named."""
    header = [c for c in EPISODES if c != "REC"]
    path = write_csv(
        "episodes.csv", header, [episode("A1", "01/04/2020")[:8] + episode("A1", "01/04/2020")[9:]]
    )
    report, stats = run([path])
    assert problems(report) == [("episodes.csv", None, "REC")]
    assert "missing column(s) REC" in report.problems[0].reason
    assert stats == {}


def test_unrecognised_and_empty_files_are_reported(write_csv: Any, tmp_path: Path) -> None:
    unknown = write_csv("x.csv", ["NAME", "ADDRESS"], [["a", "b"]])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    report, _ = run([unknown, empty])
    reasons = {Path(p.location.file).name: p.reason for p in report.problems}
    assert "not an SSDA903 table" in reasons["x.csv"]
    assert "empty" in reasons["empty.csv"]


def test_not_utf8_is_reported_with_the_row(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_bytes(
        b"CHILD,DOB,REVIEW,REVIEW_CODE\r\nA1,01/01/2010,20/04/2020,PN1\r\nA\xe9,01/01/2010,20/04/2020,PN1\r\n"
    )
    report, _ = run([path])
    assert any("not UTF-8" in p.reason for p in report.problems)


def test_rows_with_the_wrong_number_of_values_are_reported(write_csv: Any) -> None:
    path = write_csv(
        "r.csv", REVIEWS, [["A1", "01/01/2010", "20/04/2020"], ["A1", "x", "20/04/2020", "PN1", "extra"]]
    )
    report, _ = run([path])
    assert problems(report) == [("r.csv", 2, None), ("r.csv", 3, None)]


@pytest.mark.parametrize("bom", [True, False])
def test_tables_are_recognised_by_header_not_file_name_with_or_without_bom(write_csv: Any, bom: bool) -> None:
    """A reviews table called episodes.txt and an episodes table called reviews.csv both import."""
    reviews = write_csv(
        "episodes.txt",
        list(reversed(REVIEWS)),
        [list(reversed(["A1", "01/01/2010", "20/04/2020", "PN1"]))],
        bom=bom,
    )
    episodes = write_csv("reviews.csv", EPISODES, [episode("A1", "01/04/2020")], bom=bom)
    report, stats = run([reviews, episodes])
    assert report.problems == []
    assert {Path(f.file).name: f.kind for f in report.files.values()} == {
        "episodes.txt": "reviews table",
        "reviews.csv": "episodes table",
    }
    assert stats == {"ChildBecameLookedAfter": 1, "ReviewHeld": 1}


def test_recognition_refuses_ambiguous_or_foreign_headers() -> None:
    assert recognise(["CHILD", "DOB"]).table is None  # reviews or UASC or ...: a tie
    assert recognise(["FOO", "BAR", "CHILD"]).table is None
    assert recognise([c.lower() + " " for c in REVIEWS]).table is not None  # case and spaces
    partial = recognise(["CHILD", "DOB", "REVIEW"])
    assert partial.table is not None and partial.missing == ("REVIEW_CODE",)


def test_leaving_code_without_an_end_date_keeps_the_episode_open(write_csv: Any) -> None:
    """REC E11 with a blank DEC: the start is imported, the end reported (R-LAC-7 needs DEC)."""
    episodes = write_csv("e.csv", EPISODES, [episode("A1", "01/04/2020", rec="E11")])
    reviews = write_csv("r.csv", REVIEWS, [["A1", "01/01/2010", "20/06/2020", "PN1"]])
    report, stats = run([episodes, reviews])
    assert problems(report) == [("e.csv", 2, "DEC")]
    assert stats == {"ChildBecameLookedAfter": 1, "ReviewHeld": 1}


def test_reviews_outside_periods_of_care_are_reported(write_csv: Any) -> None:
    """R-LAC-1, R-LAC-7: a review after the child ceased (and before a started period) is not imported."""
    episodes = write_csv(
        "e.csv", EPISODES, [episode("A1", "01/04/2020", rne="S", dec="01/06/2020", rec="E11")]
    )
    reviews = write_csv(
        "r.csv",
        REVIEWS,
        [
            ["A1", "01/01/2010", "15/05/2020", "PN1"],
            ["A1", "01/01/2010", "15/07/2020", "PN1"],
            ["A1", "01/01/2010", "15/03/2020", "PN1"],
        ],
    )
    report, stats = run([episodes, reviews])
    assert problems(report) == [("r.csv", 3, "REVIEW"), ("r.csv", 4, "REVIEW")]
    assert stats == {"ChildBecameLookedAfter": 1, "ChildCeasedLookedAfter": 1, "ReviewHeld": 1}


def test_started_again_while_looked_after_starts_nothing(write_csv: Any) -> None:
    episodes = write_csv(
        "e.csv",
        EPISODES,
        [episode("A1", "01/04/2020", dec="01/05/2020", rec="X1"), episode("A1", "01/05/2020", rne="S")],
    )
    report, stats = run([episodes])
    assert problems(report) == [("e.csv", 3, "RNE")]
    assert stats == {"ChildBecameLookedAfter": 1}


def test_reviews_of_a_child_unknown_everywhere_are_refused_at_their_row(write_csv: Any) -> None:
    """R-LAC-1: a review needs its child's looked-after plan: in these files or in the store."""
    reviews = write_csv("r.csv", REVIEWS, [["Z9", "01/01/2010", "20/04/2020", "PN1"]])
    report, stats = run([reviews])
    assert problems(report) == [("r.csv", 2, "REVIEW")]
    assert "no plan in the store nor in these files" in report.problems[0].reason
    assert stats == {}
