"""Children's plans and escalations end to end on memory, SQLite and PostgreSQL: record,
query, receive late events, reopen the store (R-LAC-1..7, R-CP-1..7, R-ESC-1..5, R-ACC-1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance

D = dt.date
APR_9 = D(2027, 4, 9)

SCENARIO: list[dict[str, Any]] = [
    {
        "type": "TeamRegistered",
        "team_id": "T1",
        "name": "CSW East 1",
        "service": "Children's Social Work",
        "area": "East",
    },
    {
        "type": "TeamRegistered",
        "team_id": "T-IRO",
        "name": "IRO service",
        "service": "Safeguarding",
        "area": "County",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "SW1",
        "team_id": "T1",
        "role": "practitioner",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "TM1",
        "team_id": "T1",
        "role": "team_manager",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "IRO1",
        "team_id": "T-IRO",
        "role": "iro",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "QA1",
        "team_id": "T-IRO",
        "role": "qa_unit",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-12-07", "iro_id": "IRO1"},
    {
        "type": "ReviewHeld",
        "review_id": "LR1",
        "child_ref": "L1",
        "kind": "looked_after_review",
        "held_on": "2027-01-07",
        "chair_id": "IRO1",
        "actions": [
            {"action_id": "A1", "description": "Life story work", "owner_id": "SW1", "due_on": "2027-03-01"}
        ],
    },
    {
        "type": "ReviewQualityAssured",
        "review_id": "LR1",
        "assured_on": "2027-01-12",
        "by": "IRO1",
        "plan_reflects_needs": True,
        "actions_in_child_timeframe": False,
        "consistent_with_legal_duties": True,
    },
    {
        "type": "EscalationRaised",
        "escalation_id": "E1",
        "raised_by": "IRO1",
        "raised_on": "2027-03-15",
        "stage": "informal",
        "reason": "drift",
        "child_ref": "L1",
        "team_id": "T1",
        "details": "Life story work not started",
    },
    {
        "type": "ReviewHeld",
        "review_id": "LR2",
        "child_ref": "L1",
        "kind": "looked_after_review",
        "held_on": "2027-03-24",
        "chair_id": "IRO1",
    },
    {"type": "StrategyDiscussionHeld", "child_ref": "P1", "held_on": "2027-03-11", "section_47": True},
]
LATE: list[dict[str, Any]] = [
    {
        "type": "ReviewHeld",
        "review_id": "IC1",
        "child_ref": "P1",
        "kind": "initial_cp_conference",
        "held_on": "2027-04-08",
        "chair_id": "CPC1",
    },
    {
        "type": "ReviewQualityAssured",
        "review_id": "LR2",
        "assured_on": "2027-04-08",
        "by": "IRO1",
        "plan_reflects_needs": True,
        "actions_in_child_timeframe": True,
        "consistent_with_legal_duties": True,
    },
    {
        "type": "EscalationResolved",
        "escalation_id": "E1",
        "resolved_on": "2027-04-09",
        "outcome": "Worker allocated",
    },
]


def _drift(app: QualityAssurance, as_worker: str | None = None) -> list[tuple[Any, ...]]:
    return [
        (r.child_ref, r.kind.value, r.due_on, r.working_days_overdue, r.escalation_id, r.team_id)
        for r in app.drift_register(as_of=APR_9, as_worker=as_worker)
    ]


def _escalations(app: QualityAssurance) -> list[tuple[Any, ...]]:
    return [
        (
            r.escalation_id,
            r.stage.value,
            r.state.value,
            r.response_due_on,
            r.response_overdue,
            r.working_days_open,
            r.breached,
        )
        for r in app.escalations(as_of=APR_9)
    ]


# As of Fri 9 Apr 2027 (derivations in tests/domain/test_plan_worked_examples.py):
# - A1 due Mon 1 Mar, 27 working days overdue (Good Friday and Easter Monday not counted);
# - P1's initial conference due Mon 5 Apr (15 working days after Thu 11 Mar over Easter):
#   Tue 6 - Fri 9 Apr, 4 working days overdue; no team can be inferred yet (None);
# - LR2's QA due Fri 2 Apr: 5 working days overdue.
# - E1 raised Mon 15 Mar: response due Mon 22 Mar (16-19, 22), never given; open 17 working
#   days (16-19 Mar, 22-25 Mar, 30 Mar-2 Apr, 5-9 Apr), not yet a breach.
BEFORE = [
    ("L1", "action_overdue", D(2027, 3, 1), 27, "E1", "T1"),
    ("L1", "qa_overdue", D(2027, 4, 2), 5, "E1", "T1"),
    ("P1", "initial_conference_overdue", D(2027, 4, 5), 4, None, None),
]
ESCALATIONS_BEFORE = [("E1", "informal", "open", D(2027, 3, 22), True, 17, False)]
# After the late events: the conference was held on 8 Apr, LR2 was assured on 8 Apr, E1 was
# resolved on 9 Apr: only the action remains, and no escalation is open any more.
AFTER = [("L1", "action_overdue", D(2027, 3, 1), 27, None, "T1")]
ESCALATIONS_AFTER = [("E1", "informal", "resolved", D(2027, 3, 22), False, 17, False)]


def test_end_to_end_with_late_events(qa: QualityAssurance, store_url: str) -> None:
    qa.record_many(SCENARIO)
    assert _drift(qa) == BEFORE
    assert _escalations(qa) == ESCALATIONS_BEFORE
    # R-ACC-1: the team manager of T1 sees T1's rows; a QA unit member sees everything.
    assert _drift(qa, "TM1") == BEFORE[:2]
    assert _drift(qa, "QA1") == BEFORE
    qa.record_many(LATE)
    assert _drift(qa) == AFTER
    assert _escalations(qa) == ESCALATIONS_AFTER
    # The history as of an earlier date is unchanged by events dated later.
    assert [r.kind.value for r in qa.drift_register(as_of=D(2027, 4, 6))] == [
        "action_overdue",
        "qa_overdue",
        "initial_conference_overdue",
    ]
    summary = qa.review_qa_summary(as_of=APR_9, by="chair")
    assert [(r.key, r.plan.value, r.reviews, r.assured) for r in summary] == [
        ("CPC1", "child_protection", 1, 0),
        ("IRO1", "looked_after", 2, 2),
    ]  # by plan kind, then chair
    if store_url != "memory://":
        qa.close()
        with kq.connect(store_url, policy=kq.Policy()) as again:
            assert _drift(again) == AFTER
            assert _escalations(again) == ESCALATIONS_AFTER
            assert again.review_qa_summary(as_of=APR_9, by="chair") == summary


def test_another_connection_sees_what_this_one_recorded(qa: QualityAssurance, store_url: str) -> None:
    """Queries catch up with what another process recorded (persistent back ends)."""
    if store_url == "memory://":
        qa.record_many(SCENARIO)
        assert _drift(qa) == BEFORE
        return
    with kq.connect(store_url, policy=kq.Policy()) as other:
        other.record_many(SCENARIO)
        assert _drift(qa) == BEFORE
        other.record_many(LATE)
    assert _drift(qa) == AFTER
