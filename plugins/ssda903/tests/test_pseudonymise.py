"""Pseudonymised imports: child ids become HMAC-SHA256 refs made with the council secret; the
same secret gives the same refs across files and years; the raw id never reaches the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kentqa_ssda903 import IMPORTER

import kentqa_domain as kq
from kentqa_domain.importing import ImportOptions, Pseudonymiser
from kentqa_domain.importing.session import run_import

EPISODES = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]  # fmt: skip
REVIEWS = ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]
SECRET = b"kent-council-secret-0001"
RAW_IDS = ["LACHILD-7731", "LACHILD-8842", "LACHILD-9953"]
TODAY = dt.date(2026, 11, 26)


def _year(write_csv: Any, year: int) -> list[Path]:
    episodes = [
        [raw, f"01/04/{year}", "S", "C2", "N1", "U1", "PR1", "", "", "", "ZZ1 1ZZ", "ZZ2 2ZZ", "SC1"]
        for raw in RAW_IDS
    ]
    reviews = [[raw, "01/01/2010", f"20/04/{year}", "PN1"] for raw in RAW_IDS]
    files = [write_csv(f"episodes-{year}.csv", EPISODES, episodes)] if year == 2020 else []
    return [*files, write_csv(f"reviews-{year}.csv", REVIEWS, reviews)]


def test_pseudonymised_refs_are_stable_across_years_and_the_raw_id_is_never_stored(
    write_csv: Any, tmp_path: Path, stored: Any, store_bytes: Any
) -> None:
    db = tmp_path / "qa.db"
    options = ImportOptions(pseudonymiser=Pseudonymiser(SECRET), not_after=TODAY)
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        first = run_import(qa, IMPORTER, _year(write_csv, 2020), options)
        # Next year's reviews alone: the same secret gives the same refs, so the children
        # imported last year are known and their reviews are accepted.
        second = run_import(qa, IMPORTER, _year(write_csv, 2021), options)
        events = stored(qa)
    assert first.problems == [] and second.problems == []
    assert second.stored_by_type == {"ReviewHeld": 3}
    expected = {Pseudonymiser(SECRET).ref(raw) for raw in RAW_IDS}
    assert {e["child_ref"] for e in events} == expected
    assert all(ref.startswith("p-") and len(ref) == 34 for ref in expected)
    data = store_bytes(db)
    assert [raw for raw in RAW_IDS if raw.encode() in data] == []


def test_another_secret_gives_other_refs(write_csv: Any, stored: Any) -> None:
    refs = []
    for secret in (SECRET, b"another-council-secret-02"):
        with kq.connect("memory://", policy=kq.Policy()) as qa:
            run_import(qa, IMPORTER, _year(write_csv, 2020), ImportOptions(Pseudonymiser(secret), TODAY))
            refs.append({e["child_ref"] for e in stored(qa)})
    assert refs[0].isdisjoint(refs[1])
