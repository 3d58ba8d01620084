"""Properties of observation compliance (hypothesis): the oracle, order independence, the rules.

- The query equals :func:`oracle_rows`, a separate plain reading of SPEC R-OBS-1..5.
- Order independence: the same events in any order (late typing-up is normal) give the same
  rows, both folded straight into the projection and recorded through the application.
- Each rule as a property over arbitrary histories (R-OBS-1, R-OBS-2, R-OBS-3, R-OBS-5).
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.projections.observation_compliance import LEARNING_AREAS, ObservationCompliance

from .observation_histories import respecting_references, scenarios
from .observation_oracle import as_tuples, oracle_learning, oracle_rows, plus_months

POLICY = kq.Policy()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fold(events: list[ev.Event]) -> ObservationCompliance:
    view = ObservationCompliance()
    for position, event in enumerate(events, start=1):
        view.apply(event, position)
    return view


def view_rows(view: ObservationCompliance, as_of: dt.date) -> list[tuple[object, ...]]:
    rows = sorted(view.compliance_rows(as_of, POLICY), key=lambda r: (r.team_id, r.worker_id))
    return as_tuples(rows)


def recorded(events: list[ev.Event]) -> QualityAssurance:
    qa = kq.connect("memory://", policy=POLICY)
    qa.record_many(events)
    return qa


@SETTINGS
@given(scenarios(days=4))
def test_query_equals_the_oracle(scenario: tuple[list[ev.Event], list[dt.date]]) -> None:
    """R-OBS-1..5: qa.observation_compliance == oracle_rows, at several dates."""
    events, days = scenario
    with recorded(events) as qa:
        for as_of in days:
            assert as_tuples(qa.observation_compliance(as_of=as_of)) == oracle_rows(events, as_of)


@SETTINGS
@given(scenarios(days=3), st.randoms(use_true_random=False))
def test_projection_is_order_independent(
    scenario: tuple[list[ev.Event], list[dt.date]], rnd: random.Random
) -> None:
    """Any arrival order, even follow-ups before what they follow, folds to the same rows."""
    events, days = scenario
    mixed = list(events)
    rnd.shuffle(mixed)
    in_order, shuffled = fold(events), fold(mixed)
    for as_of in days:
        assert view_rows(shuffled, as_of) == view_rows(in_order, as_of) == oracle_rows(events, as_of)


@SETTINGS
@given(scenarios(days=3), st.randoms(use_true_random=False))
def test_recording_in_any_valid_order_gives_the_same_rows(
    scenario: tuple[list[ev.Event], list[dt.date]], rnd: random.Random
) -> None:
    """Late typing-up: recorded shuffled (subjects still registered first), the rows are the same."""
    events, days = scenario
    mixed = list(events)
    rnd.shuffle(mixed)
    with recorded(events) as first, recorded(respecting_references(mixed)) as second:
        for as_of in days:
            assert first.observation_compliance(as_of=as_of) == second.observation_compliance(as_of=as_of)
        start, end = min(days), max(days)
        assert first.observation_learning(start=start, end=end) == second.observation_learning(
            start=start, end=end
        )


@SETTINGS
@given(scenarios(days=2))
def test_learning_view_equals_a_plain_count(scenario: tuple[list[ev.Event], list[dt.date]]) -> None:
    """Framework 4.5 learning view: per area, the grades of the observations in the period."""
    events, (a, b) = scenario
    start, end = min(a, b), max(a, b)
    with recorded(events) as qa:
        rows = qa.observation_learning(start=start, end=end)
    expected = oracle_learning(events, start, end)
    assert [r.area for r in rows] == list(LEARNING_AREAS)
    for r in rows:
        counts = [r.outstanding, r.good, r.requires_improvement, r.inadequate]
        assert counts == expected.get(r.area, [0, 0, 0, 0])
        assert r.judged == sum(counts)


@SETTINGS
@given(scenarios(days=1))
def test_rule_properties_hold_on_every_row(scenario: tuple[list[ev.Event], list[dt.date]]) -> None:
    """R-OBS-1, R-OBS-2, R-OBS-3, R-OBS-5 as properties of each row."""
    events, (as_of,) = scenario
    registered = {e.worker_id: e for e in events if isinstance(e, ev.WorkerRegistered)}
    with recorded(events) as qa:
        rows = qa.observation_compliance(as_of=as_of)
    for r in rows:
        reg = registered[r.worker_id]
        # R-OBS-5: status from the dates alone, 28 days due-soon window.
        if as_of > r.next_due_on:
            assert r.status == "overdue"
        elif (r.next_due_on - as_of).days <= 28:
            assert r.status == "due_soon"
        else:
            assert r.status == "compliant"
        # R-OBS-2 is a ceiling for annual and support rows of workers past the ASYE.
        annual = plus_months(r.last_observed_on or reg.registered_on, 12)
        if r.requirement == "annual":
            assert r.next_due_on == annual
        if r.requirement == "asye":
            start = reg.asye_started_on or reg.registered_on
            assert r.next_due_on in {plus_months(start, m) for m in (3, 6, 11)} | {
                plus_months(r.last_observed_on, 12) if r.last_observed_on else None
            }
        if r.requirement == "support":
            # R-OBS-3: never later than the worker's rule without the flag would make it.
            assert r.next_due_on <= max(annual, plus_months(reg.asye_started_on or reg.registered_on, 11))
        # R-OBS-5: meeting observations never count, so last_observed_on is a practice one.
        if r.last_observed_on is not None:
            assert any(
                isinstance(e, ev.ObservationRecorded)
                and e.worker_id == r.worker_id
                and e.setting == "practice"
                and e.observed_on == r.last_observed_on
                for e in events
            )


@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.integers(0, 36))
def test_month_arithmetic_clamps_to_month_end(day: dt.date, months: int) -> None:
    """SPEC section 4: calendar months clamped to month end (31 Jan + 1 month = 28/29 Feb)."""
    got = kq.add_months(day, months)
    assert got == plus_months(day, months)
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == months
    assert got.day == day.day or (got.day < day.day and (got + dt.timedelta(days=1)).day == 1)


def test_month_end_examples() -> None:
    assert kq.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert kq.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)  # leap year
    assert kq.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert kq.add_months(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 29)
    assert kq.add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
