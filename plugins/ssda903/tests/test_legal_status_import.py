"""SSDA903 legal status and placements (SPEC 9.2, decision 0978): ``LS`` to the legal status,
a series of V3 short breaks to one period of care (R-LAC-8), ``PLACE`` A3-A6 to
``PlacedForAdoption`` (R-ADO-1); re-importing stores nothing new."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kentqa_ssda903 import IMPORTER

import kentqa_domain as kq
from kentqa_domain.importing import ImportOptions
from kentqa_domain.importing.session import run_import

HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
OPTIONS = ImportOptions(not_after=dt.date(2026, 11, 26))


def _import(tmp_path: Path, rows: list[str]) -> kq.QualityAssurance:
    path = tmp_path / "episodes.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    qa = kq.connect("memory://", policy=kq.Policy())
    report = run_import(qa, IMPORTER, [path], OPTIONS)
    assert report.problems == []
    assert run_import(qa, IMPORTER, [path], OPTIONS).stored == 0
    return qa


def _review_due(qa: kq.QualityAssurance, as_of: dt.date) -> list[dt.date]:
    return [r.due_on for r in qa.drift_register(as_of=as_of) if r.kind is kq.DriftKind.REVIEW_OVERDUE]


def test_a_series_of_v3_short_breaks_is_one_period_reviewed_by_r_lac_8(tmp_path: Path) -> None:
    """Weekend breaks from Fri 3 Jan 2025 (V3, the first two ending care, the third still
    going): one period from 3 Jan, first review due 3 Apr 2025 (3 months from the first break),
    not 20 working days after each break."""
    rows = [
        "SB1,03/01/2025,S,V3,N1,R1,PR1,05/01/2025,E8,,,,",
        "SB1,07/02/2025,S,V3,N1,R1,PR1,09/02/2025,E8,,,,",
        "SB1,07/03/2025,S,V3,N1,R1,PR1,,,,,,",
    ]
    with _import(tmp_path, rows) as qa:
        assert qa.stats() == {"ChildBecameLookedAfter": 1}
        assert _review_due(qa, dt.date(2025, 3, 9)) == []
        assert _review_due(qa, dt.date(2025, 2, 5)) == []  # R-LAC-1 would say 31 Jan
        assert _review_due(qa, dt.date(2025, 4, 3)) == []
        assert _review_due(qa, dt.date(2025, 4, 4)) == [dt.date(2025, 4, 3)]  # from the first break


def test_legal_status_changes_and_a_placement_for_adoption_are_imported(tmp_path: Path) -> None:
    """LS C1 then C2 then E1 (placement order) and PLACE A3 from 1 Jun 2026: the review after
    the placement is due 4 weeks later, 29 Jun 2026 (R-ADO-1)."""
    rows = [
        "AD1,05/01/2026,S,C1,N1,U1,PR1,02/03/2026,X1,,,,",
        "AD1,02/03/2026,L,C2,N1,U1,PR1,01/06/2026,X1,,,,",
        "AD1,01/06/2026,T,E1,N1,A3,PR1,,,,,,",
    ]
    with _import(tmp_path, rows) as qa:
        assert qa.stats() == {"ChildBecameLookedAfter": 1, "LegalStatusChanged": 2, "PlacedForAdoption": 1}
        assert _review_due(qa, dt.date(2026, 6, 30)) == [dt.date(2026, 6, 29)]


def test_a_code_that_is_not_a_legal_status_is_read_as_none(tmp_path: Path) -> None:
    with _import(tmp_path, ["XX1,05/01/2026,S,Z9,N1,U1,PR1,,,,,,"]) as qa:
        assert qa.stats() == {"ChildBecameLookedAfter": 1}
