"""``PlanActionAgreed``: an action added to a child's plan between reviews (SPEC 9.5, issue 18;
R-LAC-6, R-CP-6).

An IRO adds an action the day after a review. It is due like an action set at the review:
not completed by its due date, it is ``action_overdue`` in the drift register (naming the
review it follows up, if any), on every back end and whichever way the register is read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference

D = dt.date
START = D(2026, 1, 5)


def lac_child(qa: QualityAssurance, child: str = "C1") -> None:
    """A looked-after child with a first review R1 on 2 Feb 2026 (no actions set at it)."""
    qa.record_many(
        [
            {"type": "TeamRegistered", "team_id": "T1", "name": "East", "service": "CSW", "area": "East"},
            {"type": "WorkerRegistered", "worker_id": "IRO-1", "team_id": "T1", "role": "iro",
             "experience": "experienced", "registered_on": "2025-01-06"},
            {"type": "WorkerRegistered", "worker_id": "W1", "team_id": "T1", "role": "practitioner",
             "experience": "experienced", "registered_on": "2025-01-06"},
            {"type": "ChildBecameLookedAfter", "child_ref": child, "on": START.isoformat(), "iro_id": "IRO-1"},
            {"type": "ReviewHeld", "review_id": f"R1-{child}", "child_ref": child, "kind": "looked_after_review",
             "held_on": "2026-02-02", "chair_id": "IRO-1"},
        ]
    )  # fmt: skip


def agreed(
    action_id: str = "A1", *, on: str = "2026-02-03", due: str = "2026-03-02", child: str = "C1", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "PlanActionAgreed",
        "child_ref": child,
        "plan": "looked_after",
        "action": {"action_id": action_id, "description": "Arrange contact with grandmother", "owner_id": "W1",
                   "due_on": due},
        "agreed_on": on,
        **extra,
    }  # fmt: skip


def action_rows(qa: QualityAssurance, as_of: dt.date) -> list[tuple[Any, ...]]:
    return sorted(
        (r.action_id, r.due_on, r.review_id, r.worker_id, r.working_days_overdue)
        for r in qa.drift_register(as_of=as_of)
        if r.kind is kq.DriftKind.ACTION_OVERDUE
    )


def test_an_action_agreed_the_day_after_a_review_is_overdue_until_completed(qa: QualityAssurance) -> None:
    """Worked example: agreed on Tue 3 Feb, due Mon 2 Mar 2026, completed Thu 5 Mar. On 4 Mar it
    is 2 working days overdue (3 and 4 Mar); from 5 Mar it is not; before 3 Mar it is not due."""
    lac_child(qa)
    qa.record_json(agreed(review_id="R1-C1"))
    assert action_rows(qa, D(2026, 3, 2)) == []
    assert action_rows(qa, D(2026, 3, 4)) == [("A1", D(2026, 3, 2), "R1-C1", "W1", 2)]
    qa.record_json(
        {"type": "PlanActionCompleted", "child_ref": "C1", "action_id": "A1", "completed_on": "2026-03-05"}
    )
    assert action_rows(qa, D(2026, 3, 4)) == [("A1", D(2026, 3, 2), "R1-C1", "W1", 2)]  # history keeps it
    assert action_rows(qa, D(2026, 3, 5)) == []
    assert action_rows(qa, D(2027, 1, 4)) == []  # about now: the stored rows agree


def test_an_action_agreed_with_no_review_named_is_drift_without_one(qa: QualityAssurance) -> None:
    lac_child(qa)
    qa.record_json(agreed("A2", on="2026-01-20", due="2026-01-30"))  # before the first review
    assert action_rows(qa, D(2026, 2, 2)) == [("A2", D(2026, 1, 30), None, "W1", 1)]
    assert action_rows(qa, D(2026, 12, 1))[0][:3] == ("A2", D(2026, 1, 30), None)


def _refused_stores_nothing(
    qa: QualityAssurance, event: dict[str, Any], error: type[Exception]
) -> InvalidEvent:
    before = (qa.position, qa.stats())
    with pytest.raises(error) as caught:
        qa.record_json(event)
    assert (qa.position, qa.stats()) == before
    assert isinstance(caught.value, InvalidEvent)
    return caught.value


@pytest.mark.parametrize(
    ("event", "error", "field", "rule"),
    [
        (agreed(child="C-NOBODY"), UnknownReference, "child_ref", "reference"),
        (agreed(on="2026-01-02", due="2026-01-30"), RuleViolation, "agreed_on", "R-LAC-6"),
        ({**agreed(), "plan": "child_protection"}, RuleViolation, "agreed_on", "R-CP-6"),
        (agreed(review_id="R-NONE"), UnknownReference, "review_id", "reference"),
        (agreed(on="2026-01-20", review_id="R1-C1"), RuleViolation, "agreed_on", "R-LAC-6"),
        (agreed("A-AT-REVIEW"), RuleViolation, "action.action_id", "R-LAC-6"),
        (agreed(due="2026-02-01"), InvalidEvent, "action.due_on", "date-order"),
    ],
    ids=[
        "unknown child",
        "no plan open",
        "no CP plan",
        "unknown review",
        "review after",
        "id used",
        "due before",
    ],
)
def test_bad_agreed_actions_are_refused_naming_field_and_rule(
    memory_qa: QualityAssurance, event: dict[str, Any], error: type[Exception], field: str, rule: str
) -> None:
    lac_child(memory_qa)
    memory_qa.record_json(
        {"type": "ReviewHeld", "review_id": "R2", "child_ref": "C1", "kind": "looked_after_review",
         "held_on": "2026-02-10", "actions": [{"action_id": "A-AT-REVIEW", "description": "Visit", "owner_id": "W1",
                                               "due_on": "2026-03-10"}]}
    )  # fmt: skip
    refused = _refused_stores_nothing(memory_qa, event, error)
    assert (refused.field, refused.rule) == (field, rule)
    if error is UnknownReference and field == "child_ref":
        assert "ChildBecameLookedAfter" in str(refused)


def test_a_resent_agreed_action_is_a_no_op_and_a_changed_one_names_the_difference(
    memory_qa: QualityAssurance,
) -> None:
    lac_child(memory_qa)
    first = memory_qa.record_json(agreed())
    assert memory_qa.record_json(agreed()) == first
    with pytest.raises(ConflictingEvent) as caught:
        memory_qa.record_json(agreed(due="2026-03-09"))
    assert caught.value.field == "action"
    assert memory_qa.position == first


@settings(max_examples=30, deadline=None)
@given(
    actions=st.lists(
        st.tuples(
            st.integers(0, 200),  # agreed, days after the first review
            st.integers(0, 60),  # due, days after agreed
            st.none() | st.integers(0, 90),  # completed, days after agreed
        ),
        min_size=1,
        max_size=6,
    ),
    ask=st.lists(st.integers(0, 330), min_size=1, max_size=4),
)
def test_agreed_actions_overdue_equal_a_plain_fold(
    actions: list[tuple[int, int, int | None]], ask: list[int]
) -> None:
    """Oracle: the ``action_overdue`` rows at any date are exactly the agreed actions due
    before it and not completed by it (R-LAC-6), whatever order they were recorded in."""
    review = D(2026, 2, 2)
    events: list[dict[str, Any]] = []
    expected: list[tuple[str, dt.date, dt.date | None]] = []
    for n, (after, due_in, done_in) in enumerate(actions):
        on = review + dt.timedelta(days=after)
        due = on + dt.timedelta(days=due_in)
        done = None if done_in is None else on + dt.timedelta(days=done_in)
        events.append(agreed(f"A{n}", on=on.isoformat(), due=due.isoformat()))
        if done is not None:
            events.append(
                {
                    "type": "PlanActionCompleted",
                    "child_ref": "C1",
                    "action_id": f"A{n}",
                    "completed_on": done.isoformat(),
                }
            )
        expected.append((f"A{n}", due, done))
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        lac_child(qa)
        result = qa.record_many(events[::-1], order=True, allow_future=True)
        assert result.refused == 0
        for days in ask:
            as_of = review + dt.timedelta(days=days)
            oracle = sorted(
                (a, due) for a, due, done in expected if as_of > due and (done is None or done > as_of)
            )
            assert [(a, due) for a, due, *_ in action_rows(qa, as_of)] == oracle
