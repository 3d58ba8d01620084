"""Child protection outcomes as Working Together 2023 has them (SPEC 9.2, issue 16):
R-CP-1 revised (the initial conference is due 15 working days after the latest strategy
discussion of an enquiry not yet concluded), R-CP-8 (an enquiry that needs no conference),
R-CP-9 (a conference that makes no plan). Each example is the issue's "tried as a new user
would" case, on every back end; refusals name the field and rule and store nothing.

Bank holidays used: 2027: Fri 26 Mar (Good Friday), Mon 29 Mar (Easter Monday), Mon 3 May.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import InvalidEvent, RuleViolation

D = dt.date


def _kinds(qa: QualityAssurance, as_of: dt.date, child: str = "P1") -> list[tuple[str, dt.date]]:
    return [(r.kind.value, r.due_on) for r in qa.drift_register(as_of=as_of) if r.child_ref == child]


def test_an_enquiry_that_needed_no_conference_is_never_overdue(qa: QualityAssurance) -> None:
    """R-CP-8: strategy discussion Thu 11 Mar 2027 (conference due Mon 5 Apr, R-CP-1); the
    enquiry concluded on Fri 2 Apr that no conference was needed. A year on nothing is due; before
    the conclusion was typed up the conference showed overdue, and history keeps that."""
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    assert _kinds(qa, D(2027, 4, 6)) == [("initial_conference_overdue", D(2027, 4, 5))]
    qa.record(ev.Section47Completed(child_ref="P1", completed_on=D(2027, 4, 2), conference_required=False))
    assert _kinds(qa, D(2027, 4, 6)) == []
    assert _kinds(qa, D(2028, 4, 6)) == []


def test_an_enquiry_concluded_after_its_conference_was_due_was_overdue_until_then(
    qa: QualityAssurance,
) -> None:
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    qa.record(ev.Section47Completed(child_ref="P1", completed_on=D(2027, 4, 20), conference_required=False))
    assert _kinds(qa, D(2027, 4, 19)) == [("initial_conference_overdue", D(2027, 4, 5))]
    assert _kinds(qa, D(2027, 4, 20)) == []


def test_a_new_enquiry_a_year_later_starts_a_new_clock(qa: QualityAssurance) -> None:
    """R-CP-1 revised: two days after a new strategy discussion (Mon 6 Mar 2028) nothing is due,
    not 239 working days from the old one; its conference is due Mon 27 Mar 2028."""
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    qa.record(ev.Section47Completed(child_ref="P1", completed_on=D(2027, 3, 30), conference_required=False))
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2028, 3, 6)))
    assert _kinds(qa, D(2028, 3, 8)) == []
    assert _kinds(qa, D(2028, 3, 28)) == [("initial_conference_overdue", D(2028, 3, 27))]


def test_the_conference_is_due_from_the_latest_strategy_discussion(qa: QualityAssurance) -> None:
    """R-CP-1 revised: a second strategy discussion of the enquiry (Thu 1 Apr 2027) moves the
    due date to 15 working days after it: Thu 22 Apr (Good Friday and Easter Monday are before)."""
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 4, 1)))
    assert _kinds(qa, D(2027, 3, 31)) == []  # before the second discussion was held: due 5 Apr
    assert _kinds(qa, D(2027, 4, 6)) == []
    assert _kinds(qa, D(2027, 4, 26)) == [("initial_conference_overdue", D(2027, 4, 22))]


def test_a_conference_that_made_no_plan_leaves_nothing_due(qa: QualityAssurance) -> None:
    """R-CP-9: initial conference Thu 8 Apr 2027 decided no plan. No review (8 Jul), midway
    or QA is ever overdue; a plan end or a review conference after it is refused (no plan)."""
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    qa.record(
        ev.ReviewHeld(
            review_id="IC1",
            child_ref="P1",
            kind="initial_cp_conference",
            held_on=D(2027, 4, 8),
            plan_made=False,
        )
    )
    for as_of in (D(2027, 4, 9), D(2027, 5, 24), D(2027, 7, 9), D(2028, 1, 10)):
        assert _kinds(qa, as_of) == []
    before = (qa.position, qa.stats())
    with pytest.raises(RuleViolation) as ended:
        qa.record(ev.ChildProtectionPlanEnded(child_ref="P1", ended_on=D(2027, 5, 1)))
    assert (ended.value.field, ended.value.rule) == ("ended_on", "R-CP-7")
    with pytest.raises(RuleViolation) as review:
        qa.record(
            ev.ReviewHeld(review_id="RC1", child_ref="P1", kind="review_cp_conference", held_on=D(2027, 7, 1))
        )
    assert review.value.field == "held_on"
    assert (qa.position, qa.stats()) == before


def test_a_plan_made_later_at_a_new_conference_has_its_schedule(qa: QualityAssurance) -> None:
    """After a no-plan conference, a new enquiry and a conference that makes a plan start the
    plan's schedule from that conference (R-CP-2: first review within 3 months)."""
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    qa.record(
        ev.ReviewHeld(
            review_id="IC1",
            child_ref="P1",
            kind="initial_cp_conference",
            held_on=D(2027, 4, 8),
            plan_made=False,
        )
    )
    qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 9, 1)))
    qa.record(
        ev.ReviewHeld(review_id="IC2", child_ref="P1", kind="initial_cp_conference", held_on=D(2027, 9, 15))
    )
    kinds = [k for k, _ in _kinds(qa, D(2028, 1, 10))]
    assert "review_overdue" in kinds and "initial_conference_overdue" not in kinds


def _refused(qa: QualityAssurance, obj: dict[str, Any]) -> InvalidEvent:
    before = (qa.position, qa.stats())
    with pytest.raises(InvalidEvent) as caught:
        qa.record_json(obj)
    assert (qa.position, qa.stats()) == before
    return caught.value


def test_bad_outcomes_are_refused_naming_field_and_rule(memory_qa: QualityAssurance) -> None:
    memory_qa.record(ev.ChildBecameLookedAfter(child_ref="P1", on=D(2027, 1, 4)))
    no_discussion = _refused(
        memory_qa,
        {
            "type": "Section47Completed",
            "child_ref": "P1",
            "completed_on": "2027-02-01",
            "conference_required": False,
        },
    )
    assert (no_discussion.field, no_discussion.rule) == ("completed_on", "R-CP-8")
    memory_qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    before = _refused(
        memory_qa,
        {
            "type": "Section47Completed",
            "child_ref": "P1",
            "completed_on": "2027-03-10",
            "conference_required": False,
        },
    )
    assert (before.field, before.rule) == ("completed_on", "R-CP-8")
    lac = _refused(
        memory_qa,
        {"type": "ReviewHeld", "review_id": "R1", "child_ref": "P1", "kind": "looked_after_review",
         "held_on": "2027-02-01", "plan_made": False},
    )  # fmt: skip
    assert (lac.field, lac.rule) == ("plan_made", "R-CP-9")
    with_actions = _refused(
        memory_qa,
        {"type": "ReviewHeld", "review_id": "IC1", "child_ref": "P1", "kind": "initial_cp_conference",
         "held_on": "2027-04-08", "plan_made": False,
         "actions": [{"action_id": "A1", "description": "x", "owner_id": "W1", "due_on": "2027-05-01"}]},
    )  # fmt: skip
    assert (with_actions.field, with_actions.rule) == ("actions", "R-CP-9")
    missing = _refused(
        memory_qa, {"type": "Section47Completed", "child_ref": "P1", "completed_on": "2027-03-20"}
    )
    assert missing.field == "conference_required"


def test_a_conclusion_after_the_plan_was_made_leaves_the_plan_standing(memory_qa: QualityAssurance) -> None:
    """An enquiry's outcome typed up after the plan was made at a conference concludes nothing
    (R-CP-8 concludes a plan still in the making): it is recorded and the plan stands."""
    memory_qa.record(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    memory_qa.record(
        ev.ReviewHeld(review_id="IC1", child_ref="P1", kind="initial_cp_conference", held_on=D(2027, 4, 8))
    )
    position = memory_qa.record(
        ev.Section47Completed(child_ref="P1", completed_on=D(2027, 4, 20), conference_required=False)
    )
    assert position == memory_qa.position
    kinds = [k for k, _ in _kinds(memory_qa, D(2027, 7, 9))]
    assert "review_overdue" in kinds  # the plan made at the conference stands


def test_order_true_puts_an_outcome_after_its_discussion() -> None:
    events = [
        ev.Section47Completed(child_ref="P1", completed_on=D(2027, 3, 11), conference_required=False),
        ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)),
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        result = qa.record_many(events, order=True, allow_future=True)
        assert (result.new, result.refused) == (2, 0)
        assert _kinds(qa, D(2027, 6, 1)) == []
