"""R-AUD-1 cycle ids and R-AUD-2 phases, across year boundaries and for any year start."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.areas.audits.grades import phase_bounds, phase_on
from kentqa_domain.areas.audits.rows import PHASE_KINDS
from kentqa_domain.calendar import cycle_bounds, cycle_id_for
from tests import audit_oracle as oracle

D = dt.date


@pytest.mark.parametrize(
    ("day", "cycle", "phase"),
    [
        (D(2026, 4, 1), "2026-T1", 1),  # the year starts in April
        (D(2026, 7, 31), "2026-T1", 4),
        (D(2026, 8, 1), "2026-T2", 1),
        (D(2026, 11, 26), "2026-T2", 4),  # SPEC's example: 26 Nov 2026 is 2026-T2
        (D(2026, 12, 1), "2026-T3", 1),  # T3 runs December to March, across the calendar year
        (D(2026, 12, 31), "2026-T3", 1),
        (D(2027, 1, 1), "2026-T3", 2),  # still the 2026 year's third cycle
        (D(2027, 2, 28), "2026-T3", 3),
        (D(2027, 3, 31), "2026-T3", 4),
        (D(2027, 4, 1), "2027-T1", 1),
        (D(2028, 2, 29), "2027-T3", 3),  # a leap day
    ],
)
def test_cycle_ids_and_phases_across_year_boundaries_r_aud_1_r_aud_2(
    day: dt.date, cycle: str, phase: int
) -> None:
    """R-AUD-1/R-AUD-2: each date's cycle id, and the month of the cycle it is in."""
    assert kq.cycle_id_for(day) == cycle
    start, end = kq.cycle_bounds(cycle)
    assert phase_on(day, start, end) == phase


def test_the_december_cycle_spans_two_calendar_years_r_aud_1() -> None:
    """R-AUD-1: 2026-T3 is 1 Dec 2026 .. 31 Mar 2027, its months Dec, Jan, Feb, Mar."""
    start, end = cycle_bounds("2026-T3")
    assert (start, end) == (D(2026, 12, 1), D(2027, 3, 31))
    assert [phase_bounds(start, p) for p in (1, 2, 3, 4)] == [
        (D(2026, 12, 1), D(2026, 12, 31)),
        (D(2027, 1, 1), D(2027, 1, 31)),
        (D(2027, 2, 1), D(2027, 2, 28)),
        (D(2027, 3, 1), D(2027, 3, 31)),
    ]


def test_phase_is_none_outside_the_cycle_r_aud_2() -> None:
    start, end = cycle_bounds("2026-T2")
    assert phase_on(D(2026, 7, 31), start, end) is None
    assert phase_on(D(2026, 12, 1), start, end) is None


def test_each_phase_is_for_the_framework_s_kind_of_audit_r_aud_2() -> None:
    """R-AUD-2 (framework 4.3): practitioner, appreciative inquiry, peer, triad."""
    assert [k.value for k in PHASE_KINDS.values()] == [
        "practitioner",
        "appreciative_inquiry",
        "peer",
        "triad",
    ]


def test_a_policy_year_start_moves_the_cycles_r_aud_1() -> None:
    """R-AUD-1: the year runs from April by policy; a January year gives 2027-T1 = Jan-Apr 2027."""
    policy = kq.Policy(year_start_month=1)
    assert kq.cycle_id_for(D(2027, 2, 3), policy) == "2027-T1"
    assert kq.cycle_id_for(D(2026, 12, 3), policy) == "2026-T3"
    assert cycle_bounds("2026-T3", 1) == (D(2026, 9, 1), D(2026, 12, 31))


@given(st.dates(D(2000, 1, 1), D(2090, 12, 31)), st.integers(1, 12))
def test_phase_matches_a_month_by_month_walk_r_aud_2(day: dt.date, start_month: int) -> None:
    """R-AUD-2 against the oracle: within its own cycle every day has a phase 1..4 whose
    month bounds contain it; in the next cycle it has none."""
    cycle = cycle_id_for(day, start_month)
    start, end = cycle_bounds(cycle, start_month)
    phase = phase_on(day, start, end)
    assert phase == oracle.phase(day, cycle, start_month)
    assert phase is not None and 1 <= phase <= 4
    first, last = phase_bounds(start, phase)
    assert first <= day <= last
    later = cycle_id_for(end + dt.timedelta(days=1), start_month)
    assert phase_on(day, *cycle_bounds(later, start_month)) is None
