"""The statutory schedule functions on their own (R-LAC-1..5, R-CP-1..5): properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.areas.plans.drift import working_days_overdue
from kentqa_domain.areas.plans.schedule import initial_conference_due, midway_due, next_review_due, qa_due
from kentqa_domain.calendar import add_months
from kentqa_domain.values import PlanKind

days = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))
closures = st.sets(st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)), max_size=30)
plans = st.sampled_from(list(PlanKind))


@given(days, closures, plans)
def test_working_day_rules_land_on_working_days(day: dt.date, closed: set[dt.date], plan: PlanKind) -> None:
    """R-LAC-1, R-CP-1, R-LAC-5, R-CP-5: never a weekend, bank holiday or closure day, and
    exactly the policy's number of working days after the start."""
    policy = kq.Policy(local_closure_days=closed)
    cal = policy.calendar
    for due, n in (
        (next_review_due(PlanKind.LOOKED_AFTER, day, [], policy), policy.lac_first_review_working_days),
        (initial_conference_due(day, policy), policy.cp_initial_conference_working_days),
        (qa_due(plan, day, policy), 5),
    ):
        assert cal.is_working_day(due) and due.weekday() < 5 and due not in closed
        assert cal.working_days_after(day, due) == n
        assert cal.working_days_after(day, due - dt.timedelta(days=1)) == n - 1


@given(days, st.lists(days, min_size=1, max_size=4), plans)
def test_month_rules_and_the_midpoint(opened: dt.date, held: list[dt.date], plan: PlanKind) -> None:
    """R-LAC-2/3, R-CP-2/3: 3 months after the first review (the initial conference), then 6
    after the latest; R-LAC-4, R-CP-4: the midway falls between the review and that date,
    at half the days rounded down."""
    held = sorted(held)
    policy = kq.Policy()
    due = next_review_due(plan, opened, held, policy)
    assert due == add_months(held[-1], 3 if len(held) == 1 else 6)
    midway = midway_due(held[-1], due)
    assert held[-1] < midway < due
    assert (midway - held[-1]).days == (due - held[-1]).days // 2


@given(st.sets(days, max_size=12), days)
def test_working_days_overdue_in_one_walk_equals_counting_each(dues: set[dt.date], as_of: dt.date) -> None:
    """The drift register's batch count equals the calendar's count for every due date."""
    dues = {d for d in dues if d < as_of}
    policy = kq.Policy()
    counted = working_days_overdue(dues, as_of, policy)
    assert counted == {d: policy.calendar.working_days_after(d, as_of) for d in dues}
