"""The write model of children's plans: what is refused, with which rule, and that a refusal
stores nothing; and late events that are accepted (R-LAC-1..7, R-CP-1..7; decision 0200)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import InvalidEvent, RuleViolation, UnknownReference
from tests.plan_strategies import histories

LAC = [
    {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-03-02", "iro_id": "IRO1"},
    {
        "type": "ReviewHeld",
        "review_id": "LR1",
        "child_ref": "L1",
        "kind": "looked_after_review",
        "held_on": "2026-03-27",
        "chair_id": "IRO1",
        "actions": [
            {"action_id": "A1", "description": "Health assessment", "owner_id": "SW1", "due_on": "2026-04-30"}
        ],
    },
    {"type": "ChildCeasedLookedAfter", "child_ref": "L1", "on": "2026-06-30"},
]
CP = [
    {"type": "StrategyDiscussionHeld", "child_ref": "P1", "held_on": "2026-03-02"},
    {
        "type": "ReviewHeld",
        "review_id": "IC1",
        "child_ref": "P1",
        "kind": "initial_cp_conference",
        "held_on": "2026-03-20",
        "chair_id": "CPC1",
        "actions": [
            {"action_id": "B1", "description": "Safety plan", "owner_id": "SW1", "due_on": "2026-04-10"}
        ],
    },
    {
        "type": "ReviewHeld",
        "review_id": "RC1",
        "child_ref": "P1",
        "kind": "review_cp_conference",
        "held_on": "2026-06-19",
        "chair_id": "CPC1",
    },
    {"type": "ChildProtectionPlanEnded", "child_ref": "P1", "ended_on": "2026-06-19"},
]


def review(review_id: str, child: str, kind: str, held_on: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "ReviewHeld",
        "review_id": review_id,
        "child_ref": child,
        "kind": kind,
        "held_on": held_on,
        **extra,
    }


def qa_of(review_id: str, on: str) -> dict[str, Any]:
    return {
        "type": "ReviewQualityAssured",
        "review_id": review_id,
        "assured_on": on,
        "by": "IRO1",
        "plan_reflects_needs": True,
        "actions_in_child_timeframe": True,
        "consistent_with_legal_duties": True,
    }


def midway(child: str, plan: str, on: str) -> dict[str, Any]:
    return {
        "type": "MidwayReviewCompleted",
        "child_ref": child,
        "plan": plan,
        "completed_on": on,
        "by": "IRO1",
    }


@pytest.fixture
def book(memory_qa: QualityAssurance) -> QualityAssurance:
    memory_qa.record_many([*LAC, *CP])
    return memory_qa


REFUSED = [
    # R-LAC-7: a review on a closed plan
    (review("LR2", "L1", "looked_after_review", "2026-07-01"), RuleViolation, "held_on", "R-LAC-7"),
    # R-LAC-1: a looked-after review for a child never looked after (known from CP)
    (review("LR3", "P1", "looked_after_review", "2026-04-01"), RuleViolation, "held_on", "R-LAC-1"),
    (
        review("LR4", "NOBODY", "looked_after_review", "2026-04-01"),
        UnknownReference,
        "child_ref",
        "reference",
    ),
    # R-LAC-1: before the child became looked after
    (review("LR5", "L1", "looked_after_review", "2026-03-01"), RuleViolation, "held_on", "R-LAC-1"),
    # R-LAC-7: ceasing when not looked after (after the cessation, or before the start)
    (
        {"type": "ChildCeasedLookedAfter", "child_ref": "L1", "on": "2026-07-15"},
        RuleViolation,
        "on",
        "R-LAC-7",
    ),
    (
        {"type": "ChildCeasedLookedAfter", "child_ref": "L1", "on": "2026-02-27"},
        RuleViolation,
        "on",
        "R-LAC-7",
    ),
    (
        {"type": "ChildCeasedLookedAfter", "child_ref": "P1", "on": "2026-04-01"},
        RuleViolation,
        "on",
        "R-LAC-7",
    ),
    # R-LAC-7: a late cessation would leave the recorded review LR1 after it
    (
        {"type": "ChildCeasedLookedAfter", "child_ref": "L1", "on": "2026-03-20"},
        RuleViolation,
        "on",
        "R-LAC-7",
    ),
    # R-LAC-4: a midway review before any review, or after the plan closed
    (midway("L1", "looked_after", "2026-03-20"), RuleViolation, "completed_on", "R-LAC-4"),
    (midway("L1", "looked_after", "2026-03-27"), RuleViolation, "completed_on", "R-LAC-4"),
    (midway("L1", "looked_after", "2026-07-02"), RuleViolation, "completed_on", "R-LAC-7"),
    # R-LAC-5: the QA cannot precede its review
    (qa_of("LR1", "2026-03-26"), RuleViolation, "assured_on", "R-LAC-5"),
    (qa_of("NO-REVIEW", "2026-03-26"), UnknownReference, "review_id", "reference"),
    # R-LAC-6: an action id is used once per child; completion not before it was set
    (
        review(
            "LR6",
            "L1",
            "looked_after_review",
            "2026-05-01",
            actions=[{"action_id": "A1", "description": "again", "owner_id": "SW1", "due_on": "2026-06-01"}],
        ),
        RuleViolation,
        "actions",
        "R-LAC-6",
    ),
    (
        {"type": "PlanActionCompleted", "child_ref": "L1", "action_id": "A1", "completed_on": "2026-03-26"},
        RuleViolation,
        "completed_on",
        "R-LAC-6",
    ),
    (
        {"type": "PlanActionCompleted", "child_ref": "L1", "action_id": "ZZ", "completed_on": "2026-04-26"},
        UnknownReference,
        "action_id",
        "reference",
    ),
    # R-CP-2: a review conference before any initial conference / on its day
    (review("RC9", "L1", "review_cp_conference", "2026-04-01"), RuleViolation, "held_on", "R-CP-2"),
    (review("RC8", "P1", "review_cp_conference", "2026-03-20"), RuleViolation, "held_on", "R-CP-2"),
    (review("RC7", "P1", "review_cp_conference", "2026-03-10"), RuleViolation, "held_on", "R-CP-2"),
    # R-CP-7: a review conference after the plan ended (no new initial conference)
    (review("RC6", "P1", "review_cp_conference", "2026-07-01"), RuleViolation, "held_on", "R-CP-7"),
    # R-CP-7: a plan end with no plan open; a late end that would strand RC1
    (
        {"type": "ChildProtectionPlanEnded", "child_ref": "P1", "ended_on": "2026-08-01"},
        RuleViolation,
        "ended_on",
        "R-CP-7",
    ),
    (
        {"type": "ChildProtectionPlanEnded", "child_ref": "P1", "ended_on": "2026-02-27"},
        RuleViolation,
        "ended_on",
        "R-CP-7",
    ),
    (
        {"type": "ChildProtectionPlanEnded", "child_ref": "L1", "ended_on": "2026-04-01"},
        RuleViolation,
        "ended_on",
        "R-CP-7",
    ),
    (
        {"type": "ChildProtectionPlanEnded", "child_ref": "P1", "ended_on": "2026-05-01"},
        RuleViolation,
        "ended_on",
        "R-CP-7",
    ),
    # R-CP-4: a midway review before the initial conference; R-CP-7 after the end
    (midway("P1", "child_protection", "2026-03-10"), RuleViolation, "completed_on", "R-CP-4"),
    (midway("P1", "child_protection", "2026-06-25"), RuleViolation, "completed_on", "R-CP-7"),
    # R-CP-5 / R-CP-6
    (qa_of("RC1", "2026-06-18"), RuleViolation, "assured_on", "R-CP-5"),
    (
        {"type": "PlanActionCompleted", "child_ref": "P1", "action_id": "B1", "completed_on": "2026-03-19"},
        RuleViolation,
        "completed_on",
        "R-CP-6",
    ),
    (
        review(
            "RC5",
            "P1",
            "review_cp_conference",
            "2026-05-01",
            actions=[{"action_id": "B1", "description": "again", "owner_id": "SW1", "due_on": "2026-06-01"}],
        ),
        RuleViolation,
        "actions",
        "R-CP-6",
    ),
]


@pytest.mark.parametrize(("obj", "error", "field", "rule"), REFUSED)
def test_refused_with_the_rule_and_nothing_stored(
    book: QualityAssurance, obj: dict[str, Any], error: type[InvalidEvent], field: str, rule: str
) -> None:
    """R-LAC-1, R-LAC-4..7, R-CP-2, R-CP-4..7: a clear error naming the field and rule."""
    before = (book.position, book.stats())
    with pytest.raises(error) as caught:
        book.record_json(obj)
    assert (caught.value.event_type, caught.value.field, caught.value.rule) == (obj["type"], field, rule)
    assert rule in str(caught.value) and obj["type"] in str(caught.value)
    assert (book.position, book.stats()) == before


ACCEPTED = [
    # R-LAC-5/R-CP-5: QA and action completions follow up facts, even after the plan closed
    qa_of("LR1", "2026-07-10"),
    qa_of("RC1", "2026-06-30"),
    {"type": "PlanActionCompleted", "child_ref": "L1", "action_id": "A1", "completed_on": "2026-08-01"},
    # R-LAC-1: becoming looked after again after ceasing, a new episode
    {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-07-01"},
    # R-LAC-1: becoming looked after while looked after continues the same period of care
    {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-04-15"},
    # a review and midway on the day the plan ended belong to it
    review("LR7", "L1", "looked_after_review", "2026-06-30"),
    midway("L1", "looked_after", "2026-06-30"),
    # R-CP-1: a new CP process after the end, from a strategy discussion or an initial conference
    {"type": "StrategyDiscussionHeld", "child_ref": "P1", "held_on": "2026-09-01"},
    review("IC2", "P1", "initial_cp_conference", "2026-09-01"),
    # a late review conference inside the ended plan, and a late midway between its reviews
    review("RC0", "P1", "review_cp_conference", "2026-05-01"),
    midway("P1", "child_protection", "2026-05-05"),
    # an initial conference can be the first we hear of a child
    review("IC3", "NEW-CHILD", "initial_cp_conference", "2026-05-05"),
]


@pytest.mark.parametrize("obj", ACCEPTED)
def test_accepted(book: QualityAssurance, obj: dict[str, Any]) -> None:
    before = book.position
    assert book.record_json(obj) > before


def test_continuing_period_of_care_keeps_the_first_date(memory_qa: QualityAssurance) -> None:
    """R-LAC-1 counts from the start of the period of care: a second ChildBecameLookedAfter
    while looked after (e.g. a placement change sent as a new episode) does not restart it.
    Looked after Mon 2 Mar 2026: due on the 20th working day, Mon 30 Mar (no holidays)."""
    memory_qa.record_many(LAC[:1])
    memory_qa.record_json({"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-03-16"})
    (row,) = memory_qa.drift_register(as_of=dt.date(2026, 3, 31))
    assert (row.kind.value, row.due_on) == ("review_overdue", dt.date(2026, 3, 30))


def test_a_second_initial_conference_without_an_end_starts_a_new_plan(memory_qa: QualityAssurance) -> None:
    """R-CP-2: an initial conference while a plan has one starts a new plan (the end of the
    first was not recorded): its first review is due 3 months after the new conference, and
    the first plan's overdue QA is no longer on the register."""
    memory_qa.record_many(CP[:2])
    assert [r.kind.value for r in memory_qa.drift_register(as_of=dt.date(2026, 9, 1))] == [
        "qa_overdue",
        "action_overdue",
        "midway_overdue",
        "review_overdue",
    ]
    memory_qa.record_json(review("IC2", "P1", "initial_cp_conference", "2026-08-03"))
    (row,) = memory_qa.drift_register(as_of=dt.date(2026, 8, 11))
    assert (row.kind.value, row.review_id, row.due_on) == ("qa_overdue", "IC2", dt.date(2026, 8, 10))
    later = memory_qa.drift_register(as_of=dt.date(2026, 11, 4))
    assert ("review_overdue", dt.date(2026, 11, 3)) in [(r.kind.value, r.due_on) for r in later]


def test_late_events_waiting_for_their_subject(memory_qa: QualityAssurance) -> None:
    """A review conference typed up before its initial conference is refused (R-CP-2) and
    stores nothing; sent again after the initial conference it is accepted."""
    memory_qa.record_many(CP[:1])
    with pytest.raises(RuleViolation, match="R-CP-2"):
        memory_qa.record_json(CP[2])
    memory_qa.record_json(CP[1])
    memory_qa.record_json(CP[2])
    assert memory_qa.stats()["ReviewHeld"] == 2


@settings(max_examples=60)
@given(histories(max_children=2), st.data())
def test_a_refused_event_stores_nothing(events: list[kq.events.Event], data: st.DataObject) -> None:
    """Any event of a child's plan dated at random: either recorded, or refused with an
    InvalidEvent naming a rule of R-LAC/R-CP (or a reference) and nothing stored."""
    with kq.connect("memory://", policy=kq.Policy()) as app:
        app.record_many(events)
        children = sorted({e.child_ref for e in events if hasattr(e, "child_ref") and e.child_ref})
        child = data.draw(st.sampled_from(children))
        day = data.draw(st.dates(dt.date(2026, 8, 1), dt.date(2027, 12, 31)))
        candidates = [
            kq.events.ChildCeasedLookedAfter(child_ref=child, on=day),
            kq.events.ChildProtectionPlanEnded(child_ref=child, ended_on=day),
            kq.events.ReviewHeld(
                review_id="X-R",
                child_ref=child,
                kind=data.draw(st.sampled_from(list(kq.ReviewKind))),
                held_on=day,
            ),
            kq.events.MidwayReviewCompleted(
                child_ref=child, plan=data.draw(st.sampled_from(list(kq.PlanKind))), completed_on=day, by="I"
            ),
        ]
        event = data.draw(st.sampled_from(candidates))
        before = (app.position, app.stats(), app.drift_register(as_of=day))
        try:
            app.record(event)
        except InvalidEvent as exc:
            assert exc.rule.startswith(("R-LAC-", "R-CP-")) or exc.rule in ("reference", "idempotency")
            assert (app.position, app.stats(), app.drift_register(as_of=day)) == before
        else:  # stored, or the very event was already in the history (recording it again is a no-op)
            assert app.position > before[0] or (event in events and app.position == before[0])


SAME_DAY_RESTART = [  # the IRO named each time (R-LAC-9 has nothing to say here)
    {"type": "ChildBecameLookedAfter", "child_ref": "L7", "on": "2026-03-02", "iro_id": "IRO1"},
    {"type": "ChildCeasedLookedAfter", "child_ref": "L7", "on": "2026-09-21"},
    {"type": "ChildBecameLookedAfter", "child_ref": "L7", "on": "2026-09-21", "iro_id": "IRO1"},
    {"type": "ChildCeasedLookedAfter", "child_ref": "L7", "on": "2026-10-26"},
]


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (0, 3, 2, 1), (2, 0, 3, 1), (2, 3, 0, 1)])
def test_ceasing_and_starting_again_on_one_day(memory_qa: QualityAssurance, order: tuple[int, ...]) -> None:
    """R-LAC-1, R-LAC-7 (SSDA903 has such rows): a child looked after when 21 Sep 2026 begins
    ceases that day and starts a new period of care; recorded in any order (re-sending what
    is refused) it is the same. The new period's first review is due on the 20th working day
    after Mon 21 Sep 2026: Mon 19 Oct (four whole weeks, no bank holidays)."""
    pending = [SAME_DAY_RESTART[i] for i in order]
    while pending:
        refused = []
        for obj in pending:
            try:
                memory_qa.record_json(obj)
            except RuleViolation:
                refused.append(obj)
        assert len(refused) < len(pending)
        pending = refused
    (row,) = memory_qa.drift_register(as_of=dt.date(2026, 10, 20))
    assert (row.kind.value, row.due_on, row.working_days_overdue) == (
        "review_overdue",
        dt.date(2026, 10, 19),
        1,
    )
    assert memory_qa.drift_register(as_of=dt.date(2026, 10, 26)) == []


def test_a_one_day_episode(memory_qa: QualityAssurance) -> None:
    """R-LAC-7: looked after and ceasing on one day, not looked after before: one closed day."""
    memory_qa.record_json({"type": "ChildBecameLookedAfter", "child_ref": "L8", "on": "2026-03-05"})
    memory_qa.record_json({"type": "ChildCeasedLookedAfter", "child_ref": "L8", "on": "2026-03-05"})
    assert memory_qa.drift_register(as_of=dt.date(2026, 6, 1)) == []
    with pytest.raises(RuleViolation, match="R-LAC-7"):
        memory_qa.record_json(review("LR8", "L8", "looked_after_review", "2026-03-06"))


def test_a_new_strategy_discussion_on_the_day_a_plan_ends(book: QualityAssurance) -> None:
    """R-CP-1, R-CP-7: P1's plan ended Fri 19 Jun 2026 (after review RC1 that day); a strategy
    discussion the same day starts a new CP process: the initial conference is due on the
    15th working day after it: 22-26 Jun (5), 29 Jun-3 Jul (10), 6-10 Jul (15): Fri 10 Jul."""
    book.record_json({"type": "StrategyDiscussionHeld", "child_ref": "P1", "held_on": "2026-06-19"})
    rows = [r for r in book.drift_register(as_of=dt.date(2026, 7, 13)) if r.child_ref == "P1"]
    assert [(r.kind.value, r.due_on, r.working_days_overdue) for r in rows] == [
        ("initial_conference_overdue", dt.date(2026, 7, 10), 1)
    ]
