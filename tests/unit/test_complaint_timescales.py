"""Complaint deadlines (R-CMP-1, R-CMP-2, R-CMP-3, R-CMP-6) and the late flag (R-CMP-4).

Expected dates are derived by hand below from the England and Wales bank holidays:
Christmas 2026 — Fri 25 Dec (Christmas Day), Sat 26 Dec (Boxing Day) so Mon 28 Dec is the
substitute holiday, Fri 1 Jan 2027 (New Year's Day). Easter 2027 — Good Friday 26 Mar,
Easter Monday 29 Mar. "Within N working days of D" is the Nth working day after D.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.areas.complaints.timescales import is_late, stage_due_on, timescale_working_days
from kentqa_domain.policy import Policy
from kentqa_domain.values import ComplaintStage
from tests.complaint_histories import nth_working_day_after, one_year_after

S1, S2, S3 = ComplaintStage.STAGE_1, ComplaintStage.STAGE_2, ComplaintStage.STAGE_3
D = dt.date
POLICY = Policy()


def due(
    stage: ComplaintStage, started: dt.date, *, extended: bool = False, statutory: bool = True
) -> dt.date:
    return stage_due_on(stage, started, statutory=statutory, extended=extended, policy=POLICY)


def test_R_CMP_1_stage_1_across_christmas_2026() -> None:
    """Received Fri 18 Dec 2026. Working days after it: Mon 21 (1), Tue 22 (2), Wed 23 (3),
    Thu 24 (4); Fri 25 Christmas, Sat 26, Sun 27, Mon 28 substitute Boxing Day are skipped;
    Tue 29 (5), Wed 30 (6), Thu 31 (7); Fri 1 Jan New Year's Day, weekend; Mon 4 Jan (8),
    Tue 5 (9), Wed 6 Jan 2027 (10). Ten weekdays ignoring holidays would have said Fri 1 Jan.
    """
    assert due(S1, D(2026, 12, 18)) == D(2027, 1, 6)


def test_R_CMP_1_one_extension_makes_stage_1_twenty_working_days_across_christmas() -> None:
    """From Wed 6 Jan (10): Thu 7 (11), Fri 8 (12), Mon 11 .. Fri 15 (13-17), Mon 18 (18),
    Tue 19 (19), Wed 20 Jan 2027 (20)."""
    assert due(S1, D(2026, 12, 18), extended=True) == D(2027, 1, 20)


def test_R_CMP_2_stage_2_across_christmas_2026_and_its_extension() -> None:
    """Requested Wed 2 Dec 2026. Thu 3 (1), Fri 4 (2), 7-11 Dec (3-7), 14-18 Dec (8-12),
    21-24 Dec (13-16), [25, 28 Dec holidays] 29-31 Dec (17-19), [1 Jan] 4-8 Jan (20-24),
    Mon 11 Jan 2027 (25).
    Extended to 65: no holiday falls between 11 Jan and early March 2027. Tue 12 .. Fri 15
    Jan (26-29), then the seven whole weeks from Mon 18 Jan to Fri 5 Mar (30-64), and
    Mon 8 Mar 2027 is the 65th."""
    assert due(S2, D(2026, 12, 2)) == D(2027, 1, 11)
    assert due(S2, D(2026, 12, 2), extended=True) == D(2027, 3, 8)


def test_R_CMP_3_review_panel_across_easter_2027() -> None:
    """Requested Mon 15 Mar 2027. Tue 16 .. Fri 19 (1-4), Mon 22 .. Thu 25 (5-8), [Good
    Friday 26, weekend, Easter Monday 29], Tue 30, Wed 31, Thu 1 Apr, Fri 2 Apr (9-12),
    5-9 Apr (13-17), 12-16 Apr (18-22), 19-23 Apr (23-27), Mon 26 (28), Tue 27 (29),
    Wed 28 Apr 2027 (30)."""
    assert due(S3, D(2027, 3, 15)) == D(2027, 4, 28)


def test_R_CMP_1_stage_1_across_easter_2027() -> None:
    """Received Mon 22 Mar 2027: Tue 23 (1), Wed 24 (2), Thu 25 (3), [26 Good Friday, 27,
    28, 29 Easter Monday], Tue 30 (4), Wed 31 (5), Thu 1 Apr (6), Fri 2 (7), Mon 5 (8),
    Tue 6 (9), Wed 7 Apr (10). Extended: Thu 8 (11), Fri 9 (12), 12-16 Apr (13-17),
    Mon 19 (18), Tue 20 (19), Wed 21 Apr 2027 (20)."""
    assert due(S1, D(2027, 3, 22)) == D(2027, 4, 7)
    assert due(S1, D(2027, 3, 22), extended=True) == D(2027, 4, 21)


def test_R_CMP_2_stage_2_across_easter_2027() -> None:
    """Requested Thu 11 Mar 2027: Fri 12 (1), 15-19 Mar (2-6), 22-25 Mar (7-10), [26, 29],
    30 Mar - 2 Apr (11-14), 5-9 Apr (15-19), 12-16 Apr (20-24), Mon 19 Apr 2027 (25)."""
    assert due(S2, D(2027, 3, 11)) == D(2027, 4, 19)


def test_R_CMP_6_corporate_route_is_twenty_working_days_whatever_the_stage() -> None:
    """Received Thu 17 Dec 2026 on the corporate route: Fri 18 (1), 21-24 Dec (2-5),
    [25, 28], 29-31 Dec (6-8), [1 Jan], 4-8 Jan (9-13), 11-15 Jan (14-18), Mon 18 (19),
    Tue 19 Jan 2027 (20). An extension does not change the corporate timescale."""
    for stage in ComplaintStage:
        for extended in (False, True):
            assert due(stage, D(2026, 12, 17), statutory=False, extended=extended) == D(2027, 1, 19)


def test_R_CMP_6_the_corporate_timescale_is_a_policy_default() -> None:
    """A council may set its corporate timescale: 15 working days from Thu 17 Dec 2026 is
    Fri 18 (1), 21-24 (2-5), 29-31 (6-8), 4-8 Jan (9-13), Mon 11 (14), Tue 12 Jan (15)."""
    local = attrs.evolve(POLICY, corporate_complaint_working_days=15)
    assert stage_due_on(S1, D(2026, 12, 17), statutory=False, extended=False, policy=local) == D(2027, 1, 12)


def test_local_closure_days_move_complaint_deadlines() -> None:
    """R-CMP-1 on the policy calendar: a closure on Wed 6 Jan 2027 pushes the stage 1
    deadline of a complaint received Fri 18 Dec 2026 to Thu 7 Jan."""
    local = attrs.evolve(POLICY, local_closure_days=[D(2027, 1, 6)])
    assert stage_due_on(S1, D(2026, 12, 18), statutory=True, extended=False, policy=local) == D(2027, 1, 7)


@pytest.mark.parametrize(
    ("stage", "extended", "days"),
    [(S1, False, 10), (S1, True, 20), (S2, False, 25), (S2, True, 65), (S3, False, 30), (S3, True, 30)],
)
def test_statutory_timescales_are_the_regulations_numbers(
    stage: ComplaintStage, extended: bool, days: int
) -> None:
    """R-CMP-1 (10, 20), R-CMP-2 (25, 65), R-CMP-3 (30; the panel has no extension)."""
    assert timescale_working_days(stage, statutory=True, extended=extended, policy=POLICY) == days


@given(
    st.sampled_from(list(ComplaintStage)),
    st.dates(D(2015, 1, 1), D(2035, 12, 31)),
    st.booleans(),
    st.booleans(),
)
def test_R_CMP_1_2_3_6_due_dates_agree_with_counting_day_by_day(
    stage: ComplaintStage, started: dt.date, extended: bool, statutory: bool
) -> None:
    """Any start, any stage: the due date is the Nth weekday after the start that is not a
    bank holiday, N from SPEC section 4 (R-CMP-1..3; R-CMP-6 for the corporate route)."""
    if not statutory:
        n = 20
    else:
        n = {S1: (10, 20), S2: (25, 65), S3: (30, 30)}[stage][extended]
    assert due(stage, started, extended=extended, statutory=statutory) == nth_working_day_after(started, n)


@pytest.mark.parametrize(
    ("matter_on", "received_on", "late"),
    [
        (D(2025, 12, 18), D(2026, 12, 18), False),  # exactly a year: in time
        (D(2025, 12, 18), D(2026, 12, 19), True),  # a day more than a year
        (D(2024, 2, 29), D(2025, 2, 28), False),  # 29 Feb + 12 months = 28 Feb (clamped)
        (D(2024, 2, 29), D(2025, 3, 1), True),
        (None, D(2026, 12, 18), False),  # no matter date: never late
    ],
)
def test_R_CMP_4_late_means_more_than_twelve_months_after_the_matter(
    matter_on: dt.date | None, received_on: dt.date, late: bool
) -> None:
    assert is_late(received_on, matter_on, POLICY) is late


@given(st.dates(D(2015, 1, 1), D(2034, 12, 31)), st.integers(0, 800))
def test_R_CMP_4_late_flag_agrees_with_a_year_counted_by_hand(matter_on: dt.date, days: int) -> None:
    received_on = matter_on + dt.timedelta(days=days)
    assert is_late(received_on, matter_on, POLICY) is (received_on > one_year_after(matter_on))
