"""Imported returns feed the drift register (R-LAC-1..3, R-ADO-1, R-CP-5): issue 4's "done when"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.importing import ImportOptions
from kentqa_domain.importing.session import run_import
from kentqa_domain.plugins import importers, make_plugin_manager
from tests.sample_data import SAMPLE_903, SAMPLE_CIN

IMPORT_DAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def formats() -> dict[str, object]:
    missing = [str(p) for p in [*SAMPLE_903, SAMPLE_CIN] if not p.is_file()]
    if missing:
        pytest.fail(
            f"the sample data is missing: {', '.join(missing)} (it is part of the repository: tests/data)"
        )
    return {name: imp for name, (imp, _) in importers(make_plugin_manager()).items()}


def _stored(qa: QualityAssurance) -> list[ev.Event]:
    out: list[ev.Event] = []
    start = 1
    while page := qa.recorder.select_notifications(start=start, limit=1000):
        out += [qa.event_mapper.decode(n)[0].event for n in page]
        start = page[-1].id + 1
    return out


def test_looked_after_children_of_the_903_sample_with_late_reviews_are_in_the_drift_register(
    formats: dict[str, object], tmp_path: Path
) -> None:
    """R-LAC-1..3, R-ADO-1: a child looked after on the day with no review in the last 200 days
    of their current period of care (longer than any of the three intervals, 20 working days, 3
    and 6 months) has a review_overdue row; no child out of care has one. A placement for
    adoption starts R-ADO-1's schedule afresh (first review within 4 weeks of it), so it counts
    like a review here."""
    as_of = dt.date(2018, 3, 31)
    with kq.connect(f"sqlite:///{tmp_path / 'qa.db'}", policy=kq.Policy()) as qa:
        run_import(qa, formats["ssda903"], SAMPLE_903, ImportOptions(not_after=IMPORT_DAY))
        events = _stored(qa)
        rows = qa.drift_register(as_of=as_of)
    marks: dict[str, list[tuple[dt.date, int]]] = {}  # (date, 0 in / 1 out): out after in on a day
    reviews: dict[str, list[dt.date]] = {}  # reviews, and placements for adoption (R-ADO-1)
    for e in events:
        if isinstance(e, ev.ChildBecameLookedAfter) and e.on <= as_of:
            marks.setdefault(e.child_ref, []).append((e.on, 0))
        elif isinstance(e, ev.ChildCeasedLookedAfter) and e.on <= as_of:
            marks.setdefault(e.child_ref, []).append((e.on, 1))
        elif isinstance(e, ev.ReviewHeld) and e.held_on <= as_of:
            reviews.setdefault(e.child_ref, []).append(e.held_on)
        elif isinstance(e, ev.PlacedForAdoption) and e.placed_on <= as_of:
            reviews.setdefault(e.child_ref, []).append(e.placed_on)
    entered = {c: max(d for d, k in m if k == 0) for c, m in marks.items() if max(m)[1] == 0}
    late = set()
    for child, since in entered.items():
        last = max([since, *(d for d in reviews.get(child, []) if d >= since)])
        if (as_of - last).days > 200:
            late.add(child)
    overdue = {r.child_ref for r in rows if r.kind == "review_overdue" and r.plan == "looked_after"}
    assert late, "the sample has looked-after children with late reviews"
    assert any(isinstance(e, ev.PlacedForAdoption) for e in events), "the sample places children for adoption"
    assert late <= overdue
    assert overdue <= set(entered)


def test_the_cin_sample_conferences_and_review_appear_in_the_drift_register(
    formats: dict[str, object], tmp_path: Path
) -> None:
    """R-CP-5: the open plan's initial conference and its review conference, imported with no
    QA recorded, are qa_overdue while the plan is open (before CPPendDate 1971-03-14)."""
    as_of = dt.date(1971, 3, 1)
    with kq.connect(f"sqlite:///{tmp_path / 'qa.db'}", policy=kq.Policy()) as qa:
        run_import(qa, formats["cin-census"], [SAMPLE_CIN], ImportOptions(not_after=IMPORT_DAY))
        reviews = [e for e in _stored(qa) if isinstance(e, ev.ReviewHeld)]
        rows = qa.drift_register(as_of=as_of)
    latest_initial = max(r.held_on for r in reviews if r.kind == "initial_cp_conference")
    current = {r.review_id for r in reviews if latest_initial <= r.held_on <= as_of}
    assert len(current) == 2  # the conference of 1970-12-06 and the review of 1971-02-15
    assert {r.review_id for r in rows if r.kind == "qa_overdue"} == current
