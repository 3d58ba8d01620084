"""Review schedules by legal status (SPEC 9.2, issue 16): short breaks (R-LAC-8, CPPCR 2010
reg 48, legal status V3/V4) and placement for adoption (R-ADO-1, Adoption Agencies
Regulations 2005 reg 36), as worked examples on every back end; refusals name the field and
rule and store nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.plans.schedule import next_review_due
from kentqa_domain.errors import InvalidEvent, RuleViolation, UnknownReference
from kentqa_domain.values import LegalStatus, PlanKind

D = dt.date
POLICY = kq.Policy()


def _reviews_due(qa: QualityAssurance, as_of: dt.date, child: str = "L1") -> list[dt.date]:
    return [
        r.due_on
        for r in qa.drift_register(as_of=as_of)
        if r.child_ref == child and r.kind is kq.DriftKind.REVIEW_OVERDUE
    ]


def test_a_child_on_a_series_of_short_breaks_is_first_reviewed_within_three_months(
    qa: QualityAssurance,
) -> None:
    """The issue's case: short breaks from Mon 6 Jan 2025 (V4). R-LAC-1 would make the first
    review due Mon 3 Feb (20 working days); reg 48 makes it due Sun 6 Apr 2025 (3 months).
    Held 1 Apr, the next is due 1 Oct 2025 (6 months, not 3)."""
    qa.record(ev.ChildBecameLookedAfter(child_ref="L1", on=D(2025, 1, 6), legal_status=LegalStatus.V4))
    assert _reviews_due(qa, D(2025, 2, 10)) == []
    assert _reviews_due(qa, D(2025, 4, 6)) == []
    assert _reviews_due(qa, D(2025, 4, 7)) == [D(2025, 4, 6)]
    qa.record(
        ev.ReviewHeld(review_id="R1", child_ref="L1", kind="looked_after_review", held_on=D(2025, 4, 1))
    )
    assert _reviews_due(qa, D(2025, 9, 30)) == []
    assert _reviews_due(qa, D(2025, 10, 2)) == [D(2025, 10, 1)]


def test_a_status_given_later_for_the_first_day_changes_the_schedule(qa: QualityAssurance) -> None:
    qa.record(ev.ChildBecameLookedAfter(child_ref="L1", on=D(2025, 1, 6)))
    assert _reviews_due(qa, D(2025, 2, 4)) == [D(2025, 2, 3)]  # R-LAC-1
    qa.record(ev.LegalStatusChanged(child_ref="L1", changed_on=D(2025, 1, 6), legal_status=LegalStatus.V3))
    assert _reviews_due(qa, D(2025, 2, 4)) == []  # R-LAC-8


def test_a_child_placed_for_adoption_is_reviewed_within_four_weeks_then_three_then_six_months(
    qa: QualityAssurance,
) -> None:
    """R-ADO-1: looked after 5 Jan 2026 (C2), first review 30 Jan; placed for adoption Mon 2 Mar:
    the next review is due 30 Mar (4 weeks); held 25 Mar, the next is due 25 Jun (3 months);
    held 20 Jun, the next 20 Dec (6 months). Until the placement R-LAC-2 applied (30 Apr)."""
    qa.record(ev.ChildBecameLookedAfter(child_ref="L1", on=D(2026, 1, 5), legal_status=LegalStatus.C2))
    qa.record(
        ev.ReviewHeld(review_id="R1", child_ref="L1", kind="looked_after_review", held_on=D(2026, 1, 30))
    )
    qa.record(ev.PlacedForAdoption(child_ref="L1", placed_on=D(2026, 3, 2)))
    assert _reviews_due(qa, D(2026, 3, 1)) == []
    assert _reviews_due(qa, D(2026, 3, 31)) == [D(2026, 3, 30)]
    qa.record(
        ev.ReviewHeld(review_id="R2", child_ref="L1", kind="looked_after_review", held_on=D(2026, 3, 25))
    )
    assert _reviews_due(qa, D(2026, 6, 26)) == [D(2026, 6, 25)]
    qa.record(
        ev.ReviewHeld(review_id="R3", child_ref="L1", kind="looked_after_review", held_on=D(2026, 6, 20))
    )
    assert _reviews_due(qa, D(2026, 11, 30)) == []
    assert next_review_due(
        PlanKind.LOOKED_AFTER, D(2026, 1, 5), [D(2026, 1, 30), D(2026, 3, 25), D(2026, 6, 20)], POLICY,
        placed_on=D(2026, 3, 2),
    ) == D(2026, 12, 20)  # fmt: skip
    assert next_review_due(PlanKind.LOOKED_AFTER, D(2026, 1, 5), [D(2026, 1, 30)], POLICY) == D(2026, 4, 30)


def _refused(qa: QualityAssurance, obj: dict[str, Any], error: type[Exception]) -> InvalidEvent:
    before = (qa.position, qa.stats())
    with pytest.raises(error) as caught:
        qa.record_json(obj)
    assert (qa.position, qa.stats()) == before
    assert isinstance(caught.value, InvalidEvent)
    return caught.value


def test_status_changes_and_placements_outside_care_are_refused(memory_qa: QualityAssurance) -> None:
    memory_qa.record(ev.ChildBecameLookedAfter(child_ref="L1", on=D(2026, 1, 5)))
    memory_qa.record(ev.ChildCeasedLookedAfter(child_ref="L1", on=D(2026, 2, 27)))
    placed = _refused(
        memory_qa, {"type": "PlacedForAdoption", "child_ref": "L1", "placed_on": "2026-03-02"}, RuleViolation
    )
    assert (placed.field, placed.rule) == ("placed_on", "R-ADO-1")
    changed = _refused(
        memory_qa,
        {"type": "LegalStatusChanged", "child_ref": "L1", "changed_on": "2025-12-01", "legal_status": "C2"},
        RuleViolation,
    )
    assert (changed.field, changed.rule) == ("changed_on", "R-LAC-7")
    unknown = _refused(
        memory_qa,
        {"type": "PlacedForAdoption", "child_ref": "L9", "placed_on": "2026-01-06"},
        UnknownReference,
    )
    assert unknown.field == "child_ref"
    code = _refused(
        memory_qa,
        {"type": "ChildBecameLookedAfter", "child_ref": "L2", "on": "2026-01-06", "legal_status": "V9"},
        InvalidEvent,
    )
    assert code.field == "legal_status" and "V4" in str(code)
    assert (
        memory_qa.record_json({"type": "PlacedForAdoption", "child_ref": "L1", "placed_on": "2026-02-27"})
        == memory_qa.position
    )  # the last day of the episode counts


def test_legal_status_values_are_the_ssda903_codes() -> None:
    assert [s.value for s in LegalStatus] == [
        "C1",
        "C2",
        "D1",
        "E1",
        "J1",
        "J2",
        "J3",
        "L1",
        "L2",
        "L3",
        "V2",
        "V3",
        "V4",
    ]
    assert {s for s in LegalStatus if s.short_breaks} == {LegalStatus.V3, LegalStatus.V4}
    assert kq.LegalStatus is LegalStatus
