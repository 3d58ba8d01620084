"""Working days (England and Wales bank holidays + local closures) and calendar months (SPEC 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.calendar import (
    WorkingCalendar,
    add_months,
    bank_holidays,
    cycle_bounds,
    cycle_id_for,
    parse_cycle_id,
)

D = dt.date
CAL = WorkingCalendar()


def test_christmas_and_new_year_2026() -> None:
    # Fri 18 Dec 2026; 25 Dec (Fri), 28 Dec (Mon, substitute for Boxing Day), 1 Jan 2027 are bank holidays.
    assert CAL.add_working_days(D(2026, 12, 18), 1) == D(2026, 12, 21)
    assert CAL.add_working_days(D(2026, 12, 18), 4) == D(2026, 12, 24)
    assert CAL.add_working_days(D(2026, 12, 18), 5) == D(2026, 12, 29)
    assert CAL.add_working_days(D(2026, 12, 24), 4) == D(2027, 1, 4)


def test_easter_2027() -> None:
    # Good Friday 26 Mar 2027, Easter Monday 29 Mar 2027.
    assert {D(2027, 3, 26), D(2027, 3, 29)} <= bank_holidays(2027)
    assert CAL.add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)


def test_local_closure_days_count_as_non_working() -> None:
    closed = WorkingCalendar({D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)})
    assert closed.add_working_days(D(2026, 12, 24), 1) == D(2027, 1, 4)


def test_month_end_clamping_and_leap_years() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert add_months(D(2026, 8, 31), 3) == D(2026, 11, 30)


@given(st.dates(D(2000, 1, 1), D(2090, 12, 31)), st.integers(1, 80))
def test_working_day_due_dates_are_working_days(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.is_working_day(due)
    assert due.weekday() < 5 and due not in bank_holidays(due.year)
    assert CAL.working_days_after(start, due) == n
    assert CAL.working_days_after(start, due - dt.timedelta(days=1)) == n - 1


@given(st.dates(D(2000, 1, 1), D(2090, 12, 31)), st.dates(D(2000, 1, 1), D(2090, 12, 31)))
def test_working_days_after_matches_a_day_by_day_count(a: dt.date, b: dt.date) -> None:
    if (b - a).days > 400:
        b = a + dt.timedelta(days=400)
    expected = sum(1 for k in range(1, (b - a).days + 1) if CAL.is_working_day(a + dt.timedelta(days=k)))
    assert CAL.working_days_after(a, b) == expected


@pytest.mark.parametrize(
    ("day", "cycle"),
    [
        (D(2026, 11, 26), "2026-T2"),
        (D(2026, 4, 1), "2026-T1"),
        (D(2026, 7, 31), "2026-T1"),
        (D(2026, 12, 1), "2026-T3"),
        (D(2027, 3, 31), "2026-T3"),
        (D(2027, 4, 1), "2027-T1"),
    ],
)
def test_cycle_ids_r_aud_1(day: dt.date, cycle: str) -> None:
    """R-AUD-1: the year runs from April; three four-month cycles."""
    assert cycle_id_for(day) == cycle
    start, end = cycle_bounds(cycle)
    assert start <= day <= end


@given(st.dates(D(2000, 1, 1), D(2090, 12, 31)), st.integers(1, 12))
def test_every_day_is_in_exactly_its_cycle(day: dt.date, start_month: int) -> None:
    cycle = cycle_id_for(day, start_month)
    assert parse_cycle_id(cycle) is not None
    start, end = cycle_bounds(cycle, start_month)
    assert start <= day <= end
    assert cycle_id_for(start - dt.timedelta(days=1), start_month) != cycle
    assert cycle_id_for(end + dt.timedelta(days=1), start_month) != cycle
