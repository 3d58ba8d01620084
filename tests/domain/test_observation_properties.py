"""Properties of observation compliance (hypothesis): the oracle, order independence, the rules.

- The query equals :func:`oracle_rows`, a separate plain reading of SPEC R-OBS-1..5.
- Order independence: the same events in any order (late typing-up is normal) give the same
  rows, both folded straight into the stored projection and recorded through the application.
- The stored projection's rows for analysts (``kentqa_observation_status``) equal the oracle
  as of the latest facts.
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
from kentqa_domain.areas.observations import queries as observations
from kentqa_domain.areas.observations.facts import LEARNING_AREAS
from kentqa_domain.readmodel.tables import as_date
from kentqa_domain.readmodel.view import View

from .observation_histories import respecting_references, scenarios
from .observation_oracle import as_tuples, oracle_learning, oracle_rows, plus_months
from .observation_store import folded

POLICY = kq.Policy()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


#: After every fact of every history: "as of the latest facts".
LATER = dt.date(2200, 1, 1)


def view_rows(view: View, as_of: dt.date) -> list[tuple[object, ...]]:
    return as_tuples(observations.observation_compliance(view, as_of=as_of))


def learning_counts(view: View, start: dt.date, end: dt.date) -> dict[str, list[int]]:
    rows = observations.observation_learning(view, start=start, end=end)
    assert [r.area for r in rows] == list(LEARNING_AREAS)
    return {r.area: [r.outstanding, r.good, r.requires_improvement, r.inadequate] for r in rows if r.judged}


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
    """Any arrival order, even follow-ups before what they follow, folds to the same rows: the
    stored projection (documents and rows, through its queries) against the plain oracle."""
    events, days = scenario
    mixed = list(events)
    rnd.shuffle(mixed)
    start, end = min(days), max(days)
    with folded(events, POLICY) as in_order, folded(mixed, POLICY) as shuffled:
        for as_of in days:
            assert view_rows(shuffled, as_of) == view_rows(in_order, as_of) == oracle_rows(events, as_of)
        expected = oracle_learning(events, start, end)
        assert learning_counts(shuffled, start, end) == learning_counts(in_order, start, end) == expected


@SETTINGS
@given(scenarios(days=1), st.randoms(use_true_random=False))
def test_status_rows_are_the_oracle_as_of_the_latest_facts(
    scenario: tuple[list[ev.Event], list[dt.date]], rnd: random.Random
) -> None:
    """kentqa_observation_status: each practitioner in post, as the oracle sees them after every
    fact (the status column is left to the reader: it depends on the day asked)."""
    events, _ = scenario
    mixed = list(events)
    rnd.shuffle(mixed)
    expected = [row[:5] + row[6:] for row in oracle_rows(events, LATER)]
    with folded(mixed, POLICY) as view:
        stored = view.select(
            "SELECT worker_id, team_id, requirement, last_observed_on, next_due_on, reflection_missed "
            "FROM kentqa_observation_status ORDER BY team_id, worker_id"
        )
    assert [(w, t, r, as_date(last), as_date(due), bool(m)) for w, t, r, last, due, m in stored] == expected


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
    """R-OBS-1, R-OBS-2, R-OBS-3, R-OBS-5 as properties of each row; SPEC 9.3's careers."""
    events, (as_of,) = scenario
    registered = {e.worker_id: e for e in events if isinstance(e, ev.WorkerRegistered)}
    career = (ev.WorkerRejoined, ev.WorkerRoleChanged, ev.ASYEExtended)
    careers = {e.worker_id for e in events if isinstance(e, career)}
    with recorded(events) as qa:
        rows = qa.observation_compliance(as_of=as_of)
    for r in rows:
        reg = registered[r.worker_id]
        # SPEC 9.3: a row only for a practitioner on as_of (a promotion ends them) ...
        changes = sorted(
            [(reg.registered_on, reg.role)]
            + [
                (e.changed_on, e.role)
                for e in events
                if isinstance(e, ev.WorkerRoleChanged)
                and e.worker_id == r.worker_id
                and e.changed_on <= as_of
            ]
            + [
                (e.rejoined_on, e.role)
                for e in events
                if isinstance(e, ev.WorkerRejoined)
                and e.worker_id == r.worker_id
                and e.rejoined_on <= as_of
                and e.role
            ]
        )
        assert changes[-1][1] == "practitioner"
        # ... and a rejoiner's schedule counts only observations since they rejoined (decision 0990).
        back = [
            e.rejoined_on
            for e in events
            if isinstance(e, ev.WorkerRejoined) and e.worker_id == r.worker_id and e.rejoined_on <= as_of
        ]
        if back and r.last_observed_on is not None:
            assert r.last_observed_on >= max(back)
        if r.worker_id in careers:
            continue  # the date rules below are those of a first stretch from registration
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
