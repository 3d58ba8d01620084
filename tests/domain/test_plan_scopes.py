"""R-ACC-1 for the drift register, escalations and the review QA summary: a row is visible to
its team and to the team of the chair / IRO or of the worker who raised it (decision 0201)."""

from __future__ import annotations

import datetime as dt

import pytest

from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import UnknownReference

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture
def council(memory_qa: QualityAssurance) -> QualityAssurance:
    teams = [
        ("T-A", "Children's Social Work", "East"),
        ("T-B", "Children's Social Work", "West"),
        ("T-IRO", "Safeguarding", "County"),
        ("T-EH", "Early Help", "East"),
    ]
    workers = [
        ("SW-A", "T-A", "practitioner"),
        ("SW-A2", "T-A", "practitioner"),
        ("TM-A", "T-A", "team_manager"),
        ("TM-B", "T-B", "team_manager"),
        ("IRO1", "T-IRO", "iro"),
        ("SM-CSW", "T-B", "service_manager"),
        ("AD-EAST", "T-EH", "assistant_director"),
        ("DIR", "T-IRO", "director"),
    ]
    memory_qa.record_many(
        [{"type": "TeamRegistered", "team_id": t, "name": t, "service": s, "area": a} for t, s, a in teams]
        + [
            {
                "type": "WorkerRegistered",
                "worker_id": w,
                "team_id": t,
                "role": r,
                "experience": "experienced",
                "registered_on": "2026-01-05",
            }
            for w, t, r in workers
        ]
        + [
            {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-03-02", "iro_id": "IRO1"},
            {
                "type": "ReviewHeld",
                "review_id": "R1",
                "child_ref": "L1",
                "kind": "looked_after_review",
                "held_on": "2026-03-27",
                "chair_id": "IRO1",
                "actions": [
                    {
                        "action_id": "A1",
                        "description": "Health assessment",
                        "owner_id": "SW-A",
                        "due_on": "2026-04-30",
                    },
                    {"action_id": "A2", "description": "PEP", "owner_id": "SW-A2", "due_on": "2026-05-29"},
                ],
            },
            {
                "type": "EscalationRaised",
                "escalation_id": "E1",
                "raised_by": "IRO1",
                "raised_on": "2026-06-01",
                "stage": "team_manager",
                "reason": "drift",
                "child_ref": "L1",
                "team_id": "T-A",
            },
            {
                "type": "EscalationRaised",
                "escalation_id": "E2",
                "raised_by": "IRO1",
                "raised_on": "2026-06-02",
                "stage": "informal",
                "reason": "resources",
                "team_id": "T-B",
            },
        ]
    )
    return memory_qa


def _drift(app: QualityAssurance, who: str | None) -> set[tuple[str, str | None]]:
    return {(r.kind.value, r.action_id) for r in app.drift_register(as_of=AS_OF, as_worker=who)}


def test_drift_rows_by_principal(council: QualityAssurance) -> None:
    everything = _drift(council, None)
    assert everything == {
        ("review_overdue", None),
        ("midway_overdue", None),
        ("qa_overdue", None),
        ("action_overdue", "A1"),
        ("action_overdue", "A2"),
    }
    assert _drift(council, "SW-A") == {("action_overdue", "A1")}  # own rows only
    assert _drift(council, "TM-A") == everything  # the plan's team (action owners' team T-A)
    assert _drift(council, "IRO1") == everything  # the chair's team
    assert _drift(council, "DIR") == everything
    assert _drift(council, "TM-B") == set()
    assert _drift(council, "AD-EAST") == everything  # T-A is in the East area
    assert _drift(council, "SM-CSW") == everything  # T-A is a Children's Social Work team


def test_escalation_rows_by_principal(council: QualityAssurance) -> None:
    def ids(who: str | None) -> list[str]:
        return [r.escalation_id for r in council.escalations(as_of=AS_OF, as_worker=who)]

    assert ids(None) == ["E1", "E2"]
    assert ids("TM-A") == ["E1"] and ids("TM-B") == ["E2"]
    assert ids("IRO1") == ["E1", "E2"]  # raised by them (team T-IRO)
    assert ids("SW-A") == []


def test_review_qa_summary_by_principal(council: QualityAssurance) -> None:
    assert [r.key for r in council.review_qa_summary(as_of=AS_OF, as_worker="TM-A")] == ["T-A"]
    assert council.review_qa_summary(as_of=AS_OF, as_worker="TM-B") == []


def test_unknown_principal(council: QualityAssurance) -> None:
    with pytest.raises(UnknownReference, match="NOBODY"):
        council.drift_register(as_of=AS_OF, as_worker="NOBODY")
