"""The write model without I/O (issue 19, "write-model unit tests without I/O").

:class:`~kentqa_domain.recording.write_model.WriteModel` with no session keeps its aggregates in plain
dicts: ``check`` raises the named refusal, ``apply`` folds an accepted event in. No store, no
keys, no pseudonyms: these tests give it plain events and read the refusals.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.errors import InvalidEvent, RuleViolation, UnknownReference
from kentqa_domain.recording.write_model import WriteModel
from kentqa_domain.values import Action

from .test_child_plan_machine import CLOSE, MIDWAY, OPEN, REVIEW, STRATEGY, consistent, day_of, plan_fact

D = dt.date


def book_of(*events: ev.Event) -> WriteModel:
    """A write model folded from ``events``, each checked first (a consistent history)."""
    book = WriteModel()
    for event in events:
        book.check(event)
        book.apply(event)
    return book


def refusal(book: WriteModel, event: ev.Event) -> tuple[type[InvalidEvent], str | None, str]:
    with pytest.raises(InvalidEvent) as caught:
        book.check(event)
    return type(caught.value), caught.value.field, caught.value.rule


AUDIT = ev.AuditCompleted(
    audit_id="AU1", kind="practitioner", auditor_id="A", team_id="T-ANY", completed_on=D(2026, 9, 1),
    case_ref="C1", overall="good",
    actions=(Action(action_id="1", description="Add timescales", owner_id="W1", due_on=D(2026, 9, 30)),),
)  # fmt: skip


def test_an_audit_action_is_completed_only_for_a_known_audit_and_action_r_aud_5() -> None:
    """R-AUD-5: the completion follows up its audit and one of its actions; an audit's team
    need not be registered (SPEC 2: actors and context are recorded as given)."""
    book = book_of(AUDIT)
    done = ev.AuditActionCompleted(audit_id="AU1", action_id="1", completed_on=D(2026, 9, 20))
    book.check(done)
    assert refusal(book, ev.AuditActionCompleted(audit_id="AU2", action_id="1", completed_on=D(2026, 9, 20))) == (
        UnknownReference, "audit_id", "reference"
    )  # fmt: skip
    assert refusal(book, ev.AuditActionCompleted(audit_id="AU1", action_id="2", completed_on=D(2026, 9, 20))) == (
        UnknownReference, "action_id", "reference"
    )  # fmt: skip


LAC_START = ev.ChildBecameLookedAfter(child_ref="L1", on=D(2026, 1, 6))


def lac_review(review_id: str, on: dt.date, *actions: str) -> ev.ReviewHeld:
    return ev.ReviewHeld(
        review_id=review_id, child_ref="L1", kind="looked_after_review", held_on=on,
        actions=tuple(Action(action_id=a, description="Do", owner_id="SW", due_on=on + dt.timedelta(days=14)) for a in actions),
    )  # fmt: skip


def test_a_review_outside_the_episode_and_a_ceasing_that_strands_one_are_refused_r_lac_1_r_lac_7() -> None:
    """R-LAC-1, R-LAC-7 by business date (decision 0200): a review before the child became
    looked after, or after ceasing, is refused; so is a late ceasing dated before a review
    already recorded; a ceasing after it is accepted."""
    book = book_of(LAC_START, lac_review("R1", D(2026, 1, 28)))
    assert refusal(book, lac_review("R0", D(2026, 1, 5))) == (RuleViolation, "held_on", "R-LAC-1")
    assert refusal(book, ev.ChildCeasedLookedAfter(child_ref="L1", on=D(2026, 1, 20))) == (
        RuleViolation,
        "on",
        "R-LAC-7",
    )
    ceased = ev.ChildCeasedLookedAfter(child_ref="L1", on=D(2026, 2, 20))
    book.check(ceased)
    book.apply(ceased)
    assert refusal(book, lac_review("R2", D(2026, 3, 4))) == (RuleViolation, "held_on", "R-LAC-7")


def test_plan_actions_are_the_childs_and_follow_their_review_r_lac_6() -> None:
    """R-LAC-6: an action id is used once per child; it is completed on or after the review
    that set it (a completion after the plan closed is accepted); an unknown id is refused."""
    book = book_of(LAC_START, lac_review("R1", D(2026, 1, 28), "A1"))
    assert refusal(book, lac_review("R2", D(2026, 4, 1), "A1")) == (RuleViolation, "actions", "R-LAC-6")
    assert refusal(book, ev.PlanActionCompleted(child_ref="L1", action_id="A1", completed_on=D(2026, 1, 27))) == (
        RuleViolation, "completed_on", "R-LAC-6"
    )  # fmt: skip
    assert (
        refusal(book, ev.PlanActionCompleted(child_ref="L1", action_id="A9", completed_on=D(2026, 2, 1)))[0]
        is UnknownReference
    )
    book.check(ev.PlanActionCompleted(child_ref="L1", action_id="A1", completed_on=D(2026, 1, 28)))


def test_cp_follow_ups_need_the_initial_conference_r_cp_2_r_cp_4_r_cp_7() -> None:
    """R-CP-2, R-CP-4: a review conference or midway review follows the plan's initial
    conference; R-CP-7: a plan ends only while one is open (a plan in the making may end)."""
    book = book_of(ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2026, 2, 2)))
    rcpc = ev.ReviewHeld(review_id="RC1", child_ref="P1", kind="review_cp_conference", held_on=D(2026, 5, 6))
    assert refusal(book, rcpc) == (RuleViolation, "held_on", "R-CP-2")
    midway = ev.MidwayReviewCompleted(
        child_ref="P1", plan="child_protection", completed_on=D(2026, 3, 5), by="CH1"
    )
    assert refusal(book, midway) == (RuleViolation, "completed_on", "R-CP-4")
    assert refusal(book, ev.ChildProtectionPlanEnded(child_ref="P1", ended_on=D(2026, 1, 30))) == (
        RuleViolation, "ended_on", "R-CP-7"
    )  # fmt: skip
    book = book_of(
        ev.StrategyDiscussionHeld(child_ref="P1", held_on=D(2026, 2, 2)),
        ev.ReviewHeld(review_id="IC1", child_ref="P1", kind="initial_cp_conference", held_on=D(2026, 2, 17)),
    )
    book.check(rcpc)
    book.check(midway)
    assert (
        refusal(
            book,
            ev.MidwayReviewCompleted(
                child_ref="Q9", plan="child_protection", completed_on=D(2026, 3, 5), by="CH1"
            ),
        )[0]
        is UnknownReference
    )


# --- the write model's plan decisions against the machine's plain model, many at a time ---

KINDS = [
    ("became", OPEN), ("ceased", CLOSE), ("strategy", STRATEGY), ("ended", CLOSE), ("lac_review", REVIEW),
    ("initial", OPEN), ("review_conference", REVIEW), ("lac_midway", MIDWAY), ("cp_midway", MIDWAY),
]  # fmt: skip


def make(kind: str, n: int, week: int) -> ev.Event:
    on = day_of(week, dict(KINDS)[kind])
    child = "C1"
    return {
        "became": lambda: ev.ChildBecameLookedAfter(child_ref=child, on=on),
        "ceased": lambda: ev.ChildCeasedLookedAfter(child_ref=child, on=on),
        "strategy": lambda: ev.StrategyDiscussionHeld(child_ref=child, held_on=on),
        "ended": lambda: ev.ChildProtectionPlanEnded(child_ref=child, ended_on=on),
        "lac_review": lambda: ev.ReviewHeld(review_id=f"R{n}", child_ref=child, kind="looked_after_review", held_on=on),
        "initial": lambda: ev.ReviewHeld(review_id=f"R{n}", child_ref=child, kind="initial_cp_conference", held_on=on),
        "review_conference": lambda: ev.ReviewHeld(review_id=f"R{n}", child_ref=child, kind="review_cp_conference", held_on=on),
        "lac_midway": lambda: ev.MidwayReviewCompleted(child_ref=child, plan="looked_after", completed_on=on, by="I"),
        "cp_midway": lambda: ev.MidwayReviewCompleted(child_ref=child, plan="child_protection", completed_on=on, by="I"),
    }[kind]()  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([k for k, _ in KINDS]), st.integers(0, 12)), max_size=25))
def test_plan_refusals_equal_the_plain_model_in_any_date_order(steps: list[tuple[str, int]]) -> None:
    """R-LAC-1, R-LAC-4, R-LAC-7, R-CP-1, R-CP-2, R-CP-4, R-CP-7 (decision 0200): one child's
    plan events sent in any order of their dates; the write model refuses exactly those the
    plain model (``consistent``, the child plan machine's) finds inconsistent with what was
    accepted, and ``UnknownReference`` for a follow-up of a child not yet introduced."""
    book = WriteModel()
    accepted: list[ev.Event] = []
    for n, (kind, week) in enumerate(steps):
        event = make(kind, n, week)
        introduces = kind in ("became", "strategy", "initial")
        plan, fact = plan_fact(event)  # type: ignore[misc]
        facts = [
            (x.business_date, f[1]) for x in accepted if (f := plan_fact(x)) is not None and f[0] is plan
        ]
        if not accepted and not introduces:
            expected: type[InvalidEvent] | None = UnknownReference
        elif not consistent(plan, [*facts, (event.business_date, fact)]):
            expected = RuleViolation
        else:
            expected = None
        try:
            book.check(event)
        except InvalidEvent as error:
            assert type(error) is expected, (event, error)
            continue
        assert expected is None, (event, expected)
        book.apply(event)
        accepted.append(event)
