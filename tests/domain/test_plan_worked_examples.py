"""Worked examples of the statutory schedules across year ends and bank holidays, derived by
hand (R-LAC-1..6, R-CP-1..6, R-ESC-2, R-ESC-3).

England and Wales bank holidays used below (from the gov.uk list, checked by the calendar
tests against the ``holidays`` package): 2026: Fri 25 Dec, Mon 28 Dec (Boxing Day
substitute); 2027: Fri 1 Jan, Fri 26 Mar (Good Friday), Mon 29 Mar (Easter Monday), Mon 3 May,
Mon 31 May, Mon 30 Aug.
"""

from __future__ import annotations

import datetime as dt

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.plans.schedule import (
    initial_conference_due,
    midway_due,
    next_review_due,
    qa_due,
    schedule,
)
from kentqa_domain.values import PlanKind

D = dt.date
POLICY = kq.Policy()


def test_the_bank_holidays_the_examples_rely_on() -> None:
    cal = POLICY.calendar
    for day in (D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29)):
        assert not cal.is_working_day(day), day
    assert cal.is_working_day(D(2026, 12, 24)) and cal.is_working_day(D(2026, 12, 29))


def test_r_lac_1_first_review_across_christmas_2026() -> None:
    """R-LAC-1: looked after from Mon 7 Dec 2026. Working days after it: 8-11 Dec (4),
    14-18 Dec (9), 21-24 Dec (13); 25 and 28 Dec are bank holidays; 29-31 Dec (16); 1 Jan
    is a bank holiday; 4, 5, 6, 7 Jan (20). Due Thu 7 Jan 2027 (without the three holidays
    it would have been Mon 4 Jan)."""
    assert next_review_due(PlanKind.LOOKED_AFTER, D(2026, 12, 7), [], POLICY) == D(2027, 1, 7)


def test_r_lac_2_r_lac_3_later_reviews_and_month_end_clamping() -> None:
    """R-LAC-2: 3 months after a first review on Mon 30 Nov 2026 is 30 Feb, clamped to Sun
    28 Feb 2027. R-LAC-3: 6 months after a second review on Tue 31 Aug 2027 is 31 Feb 2028,
    clamped to Tue 29 Feb 2028 (a leap year)."""
    assert next_review_due(PlanKind.LOOKED_AFTER, D(2026, 11, 2), [D(2026, 11, 30)], POLICY) == D(2027, 2, 28)
    held = [D(2026, 11, 30), D(2027, 8, 31)]
    assert next_review_due(PlanKind.LOOKED_AFTER, D(2026, 11, 2), held, POLICY) == D(2028, 2, 29)


def test_r_lac_4_midway_between_the_first_and_second_review() -> None:
    """R-LAC-4: first review Thu 7 Jan 2027, second due Wed 7 Apr 2027 (3 months). Days
    between: 24 (rest of Jan) + 28 (Feb) + 31 (Mar) + 7 = 90; half is 45; 7 Jan + 45 days =
    Sun 21 Feb 2027 (a month-based deadline may fall on a weekend)."""
    due = next_review_due(PlanKind.LOOKED_AFTER, D(2026, 12, 7), [D(2027, 1, 7)], POLICY)
    assert due == D(2027, 4, 7)
    assert midway_due(D(2027, 1, 7), due) == D(2027, 2, 21)


def test_r_lac_4_rounds_down() -> None:
    """R-LAC-4: 24 Mar 2027 to 24 Sep 2027 is 184 days; half is 92: 7 (to 31 Mar) + 30 (Apr)
    + 31 (May) = 68, 24 more days is Thu 24 Jun 2027. With 91 days (8 Apr to 8 Jul 2027) the
    half rounds down to 45: 22 (to 30 Apr) + 23 = Sun 23 May 2027."""
    assert midway_due(D(2027, 3, 24), D(2027, 9, 24)) == D(2027, 6, 24)
    assert midway_due(D(2027, 4, 8), D(2027, 7, 8)) == D(2027, 5, 23)


def test_r_lac_5_qa_due_over_easter_2027() -> None:
    """R-LAC-5: review on Wed 24 Mar 2027: Thu 25 (1), Good Friday and Easter Monday skipped,
    Tue 30 (2), Wed 31 (3), Thu 1 Apr (4), Fri 2 Apr (5). Due Fri 2 Apr 2027."""
    assert qa_due(PlanKind.LOOKED_AFTER, D(2027, 3, 24), POLICY) == D(2027, 4, 2)


def test_r_cp_1_initial_conference_over_easter_2027() -> None:
    """R-CP-1: strategy discussion Thu 11 Mar 2027: Fri 12 (1), 15-19 Mar (6), 22-25 Mar (10),
    Easter skipped, 30 Mar-2 Apr (14), Mon 5 Apr (15). Due Mon 5 Apr 2027."""
    assert initial_conference_due(D(2027, 3, 11), POLICY) == D(2027, 4, 5)


def test_r_cp_2_r_cp_3_across_the_year_end() -> None:
    """R-CP-2: initial conference Wed 30 Sep 2026 -> first review Wed 30 Dec 2026 (3 months);
    R-CP-3: held then -> next Wed 30 Jun 2027 (6 months), then Thu 30 Dec 2027."""
    assert schedule(PlanKind.CHILD_PROTECTION, D(2026, 9, 30), [D(2026, 9, 30)], POLICY, 3) == [
        D(2026, 12, 30),
        D(2027, 6, 30),
        D(2027, 12, 30),
    ]


def test_r_cp_5_cp_chair_qa_after_christmas() -> None:
    """R-CP-5: conference on Wed 23 Dec 2026: Thu 24 (1), 25 and 28 Dec skipped, Tue 29 (2),
    Wed 30 (3), Thu 31 (4), 1 Jan skipped, Mon 4 Jan 2027 (5)."""
    assert qa_due(PlanKind.CHILD_PROTECTION, D(2026, 12, 23), POLICY) == D(2027, 1, 4)


# --- the same through the drift register -------------------------------------------------


@pytest.fixture
def lac_child(memory_qa: QualityAssurance) -> QualityAssurance:
    """Child L1 looked after from Mon 7 Dec 2026; first review held on time Thu 7 Jan 2027
    with action A1 due Mon 1 Mar 2027 (never completed); its QA on Tue 12 Jan; second review
    on Wed 24 Mar 2027 with no QA yet; an informal escalation raised Mon 15 Mar 2027."""
    memory_qa.record_many(
        [
            kq.events.TeamRegistered(
                team_id="T1", name="CSW 1", service="Children's Social Work", area="East"
            ),
            kq.events.WorkerRegistered(
                worker_id="SW1",
                team_id="T1",
                role="practitioner",
                experience="experienced",
                registered_on=D(2026, 1, 5),
            ),
            kq.events.ChildBecameLookedAfter(child_ref="L1", on=D(2026, 12, 7), iro_id="IRO1"),
            kq.events.ReviewHeld(
                review_id="LR1",
                child_ref="L1",
                kind="looked_after_review",
                held_on=D(2027, 1, 7),
                chair_id="IRO1",
                actions=(
                    kq.Action(
                        action_id="A1", description="Life story work", owner_id="SW1", due_on=D(2027, 3, 1)
                    ),
                ),
            ),
            kq.events.ReviewQualityAssured(
                review_id="LR1",
                assured_on=D(2027, 1, 12),
                by="IRO1",
                plan_reflects_needs=True,
                actions_in_child_timeframe=False,
                consistent_with_legal_duties=True,
            ),
            kq.events.EscalationRaised(
                escalation_id="E1",
                raised_by="IRO1",
                raised_on=D(2027, 3, 15),
                stage="informal",
                reason="drift",
                child_ref="L1",
                team_id="T1",
            ),
            kq.events.ReviewHeld(
                review_id="LR2",
                child_ref="L1",
                kind="looked_after_review",
                held_on=D(2027, 3, 24),
                chair_id="IRO1",
            ),
        ]
    )
    return memory_qa


def _brief(qa: QualityAssurance, as_of: dt.date) -> list[tuple[object, ...]]:
    return [
        (
            r.child_ref,
            r.plan.value,
            r.kind.value,
            r.due_on,
            r.working_days_overdue,
            r.escalation_id,
            r.review_id,
            r.action_id,
        )
        for r in qa.drift_register(as_of=as_of)
    ]


def test_drift_register_before_the_first_review_over_christmas(memory_qa: QualityAssurance) -> None:
    """R-LAC-1: looked after Mon 7 Dec 2026, no review: due Thu 7 Jan 2027 (above). On Fri 8
    Jan it is 1 working day overdue; on Mon 11 Jan, 2 (the weekend does not count)."""
    memory_qa.record(kq.events.ChildBecameLookedAfter(child_ref="L9", on=D(2026, 12, 7), iro_id="IRO1"))
    assert _brief(memory_qa, D(2027, 1, 7)) == []
    assert _brief(memory_qa, D(2027, 1, 8)) == [
        ("L9", "looked_after", "review_overdue", D(2027, 1, 7), 1, None, None, None)
    ]
    assert _brief(memory_qa, D(2027, 1, 11))[0][4] == 2


def test_drift_register_after_easter_2027(lac_child: QualityAssurance) -> None:
    """As of Fri 9 Apr 2027:
    - LR2's QA was due Fri 2 Apr (R-LAC-5, above); overdue by Mon 5-Fri 9 Apr = 5 working days;
    - A1 was due Mon 1 Mar: 2-5 Mar (4), 8-12 (9), 15-19 (14), 22-25 (18; Good Friday not),
      30 Mar-2 Apr (22; Easter Monday not), 5-9 Apr (27): 27 working days overdue (R-LAC-6);
    - the next review is due Fri 24 Sep 2027 and the midway Thu 24 Jun 2027: not yet;
    - LR1's QA was done, and the midway after LR1 (due 21 Feb) was overtaken by LR2.
    Both rows link the open escalation E1."""
    assert _brief(lac_child, D(2027, 4, 9)) == [
        ("L1", "looked_after", "action_overdue", D(2027, 3, 1), 27, "E1", "LR1", "A1"),
        ("L1", "looked_after", "qa_overdue", D(2027, 4, 2), 5, "E1", "LR2", None),
    ]


def test_drift_register_between_the_reviews(lac_child: QualityAssurance) -> None:
    """As of Mon 22 Feb 2027 (before LR2 and E1): the midway after LR1 was due Sun 21 Feb
    (R-LAC-4), 0 working days ago: a weekend only. On Tue 23 Feb it is 1 working day overdue.
    The escalation is not open yet, so no link."""
    assert _brief(lac_child, D(2027, 2, 21)) == []
    assert _brief(lac_child, D(2027, 2, 22)) == [
        ("L1", "looked_after", "midway_overdue", D(2027, 2, 21), 1, None, "LR1", None)
    ]


def test_drift_register_on_a_month_based_due_date_that_is_a_weekend(memory_qa: QualityAssurance) -> None:
    """R-LAC-2: first review Mon 30 Nov 2026 -> second due Sun 28 Feb 2027 (clamped). On Sun
    28 Feb it is not overdue; Mon 1 Mar is the first working day after it, so on Mon 1 Mar it
    is 1 working day overdue. (A midway review on 14 Jan and the QA keep other rows away.)"""
    memory_qa.record_many(
        [
            kq.events.ChildBecameLookedAfter(child_ref="L2", on=D(2026, 11, 2), iro_id="IRO1"),
            kq.events.ReviewHeld(
                review_id="R1", child_ref="L2", kind="looked_after_review", held_on=D(2026, 11, 30)
            ),
            kq.events.ReviewQualityAssured(
                review_id="R1",
                assured_on=D(2026, 12, 1),
                by="IRO1",
                plan_reflects_needs=True,
                actions_in_child_timeframe=True,
                consistent_with_legal_duties=True,
            ),
            kq.events.MidwayReviewCompleted(
                child_ref="L2", plan="looked_after", completed_on=D(2027, 1, 14), by="IRO1"
            ),
        ]
    )
    assert _brief(memory_qa, D(2027, 2, 28)) == []
    assert _brief(memory_qa, D(2027, 3, 1)) == [
        ("L2", "looked_after", "review_overdue", D(2027, 2, 28), 1, None, "R1", None)
    ]


def test_initial_conference_overdue_after_easter_then_held_late(memory_qa: QualityAssurance) -> None:
    """R-CP-1: strategy discussion Thu 11 Mar 2027, conference due Mon 5 Apr (above). On Tue
    6 Apr it is 1 working day overdue. The conference, held Thu 8 Apr, is typed up on the 20th:
    the register as of 9 Apr then has no row for it; the first review is due Thu 8 Jul 2027
    (R-CP-2), the midway Sun 23 May (R-CP-4), the CP Chair's QA Thu 15 Apr (R-CP-5: Fri 9,
    Mon 12 - Thu 15)."""
    memory_qa.record(kq.events.StrategyDiscussionHeld(child_ref="P1", held_on=D(2027, 3, 11)))
    assert _brief(memory_qa, D(2027, 4, 5)) == []
    assert _brief(memory_qa, D(2027, 4, 6)) == [
        ("P1", "child_protection", "initial_conference_overdue", D(2027, 4, 5), 1, None, None, None)
    ]
    memory_qa.record(
        kq.events.ReviewHeld(
            review_id="IC1",
            child_ref="P1",
            kind="initial_cp_conference",
            held_on=D(2027, 4, 8),
            chair_id="CPC1",
        )
    )
    assert _brief(memory_qa, D(2027, 4, 9)) == []
    assert _brief(memory_qa, D(2027, 4, 6))[0][2] == "initial_conference_overdue"  # history unchanged
    assert _brief(memory_qa, D(2027, 4, 16)) == [
        ("P1", "child_protection", "qa_overdue", D(2027, 4, 15), 1, None, "IC1", None)
    ]
    # 24 May: the midway (Sun 23 May) is overdue by 1 working day; the QA by 26 (16 Apr-21 May
    # is 26 weekdays less Mon 3 May = 25; Mon 24 May makes 26).
    assert _brief(memory_qa, D(2027, 5, 24)) == [
        ("P1", "child_protection", "qa_overdue", D(2027, 4, 15), 26, None, "IC1", None),
        ("P1", "child_protection", "midway_overdue", D(2027, 5, 23), 1, None, "IC1", None),
    ]
    # 9 Jul: the first review (Thu 8 Jul) is 1 working day overdue as well.
    assert [row[2] for row in _brief(memory_qa, D(2027, 7, 9))] == [
        "qa_overdue",
        "midway_overdue",
        "review_overdue",
    ]


def test_a_strategy_discussion_without_section_47_sets_no_conference(memory_qa: QualityAssurance) -> None:
    """R-CP-1 counts from the strategy discussion that started section 47 enquiries; one that
    did not (``section_47=False``) sets no initial conference; a later one that did sets it."""
    memory_qa.record(
        kq.events.StrategyDiscussionHeld(child_ref="P2", held_on=D(2027, 3, 1), section_47=False)
    )
    assert _brief(memory_qa, D(2027, 6, 1)) == []
    memory_qa.record(
        kq.events.StrategyDiscussionHeld(child_ref="P2", held_on=D(2027, 3, 11), section_47=True)
    )
    assert _brief(memory_qa, D(2027, 4, 6)) == [
        ("P2", "child_protection", "initial_conference_overdue", D(2027, 4, 5), 1, None, None, None)
    ]


def test_escalation_over_christmas_2026(memory_qa: QualityAssurance) -> None:
    """R-ESC-2, R-ESC-3: raised informally Mon 21 Dec 2026. Response due 5 working days after:
    Tue 22 (1), Wed 23 (2), Thu 24 (3), 25 and 28 Dec skipped, Tue 29 (4), Wed 30 Dec (5).
    Responded Wed 23 Dec. Progressed to team manager Mon 4 Jan 2027: due Tue 5 (1) .. Fri 8
    (4), Mon 11 Jan (5). Working days after 21 Dec: 22, 23, 24, 29, 30, 31 Dec (6), 4-8 Jan
    (11), 11-15 Jan (16), 18-21 Jan (20), Fri 22 Jan (21). R-ESC-3 revised (SPEC 9.2): the 20
    working days run from the first formal stage, 4 Jan: 5-8 (4), 11-15 (9), 18-22 (14),
    25-29 Jan (19), Mon 1 Feb (20): no breach on 22 Jan; resolved on Tue 26 Jan (16), never
    breached. Under the policy alternative (from raising) it is breached from 22 Jan."""
    events = [
        kq.events.ChildBecameLookedAfter(child_ref="L3", on=D(2026, 6, 1)),
        kq.events.EscalationRaised(
            escalation_id="E9",
            raised_by="IRO1",
            raised_on=D(2026, 12, 21),
            stage="informal",
            reason="drift",
            child_ref="L3",
        ),
        kq.events.EscalationResponded(
            escalation_id="E9", responded_on=D(2026, 12, 23), by="TM1", response="Booked"
        ),
    ]
    memory_qa.record_many(events)

    def row(as_of: dt.date, qa: QualityAssurance = memory_qa) -> tuple[object, ...]:
        (r,) = qa.escalations(as_of=as_of)
        return (
            r.stage.value,
            r.state.value,
            r.response_due_on,
            r.response_overdue,
            r.working_days_open,
            r.breached,
        )

    assert row(D(2026, 12, 31)) == ("informal", "open", D(2026, 12, 30), False, 6, False)
    progressed = kq.events.EscalationProgressed(
        escalation_id="E9", to_stage="team_manager", progressed_on=D(2027, 1, 4)
    )
    memory_qa.record(progressed)
    assert row(D(2027, 1, 11)) == ("team_manager", "open", D(2027, 1, 11), False, 12, False)
    assert row(D(2027, 1, 12)) == ("team_manager", "open", D(2027, 1, 11), True, 13, False)
    assert row(D(2027, 1, 21)) == ("team_manager", "open", D(2027, 1, 11), True, 20, False)
    assert row(D(2027, 1, 22)) == ("team_manager", "open", D(2027, 1, 11), True, 21, False)
    (r,) = memory_qa.escalations(as_of=D(2027, 1, 22))
    assert (r.target_from, r.target_due_on) == (D(2027, 1, 4), D(2027, 2, 1))
    assert row(D(2027, 2, 2))[-1] is True
    resolved = kq.events.EscalationResolved(escalation_id="E9", resolved_on=D(2027, 1, 26), outcome="Agreed")
    memory_qa.record(resolved)
    assert row(D(2027, 6, 1)) == ("team_manager", "resolved", D(2027, 1, 11), False, 23, False)
    with kq.connect("memory://", policy=kq.Policy(escalation_target_from="raising")) as by_raising:
        by_raising.record_many([*events, progressed])
        assert row(D(2027, 1, 21), by_raising)[-1] is False
        assert row(D(2027, 1, 22), by_raising) == ("team_manager", "open", D(2027, 1, 11), True, 21, True)
        # Resolved Tue 26 Jan (Mon 25 = 22, Tue 26 = 23): it stays breached, nothing is overdue any more.
        by_raising.record(resolved)
        assert row(D(2027, 6, 1), by_raising) == ("team_manager", "resolved", D(2027, 1, 11), False, 23, True)
    # As of a date before the stage moved, the escalation is as it was then.
    assert row(D(2026, 12, 31)) == ("informal", "open", D(2026, 12, 30), False, 6, False)
