"""The drift register and the escalations against plain oracles, in any recording order
(R-LAC-1..7, R-CP-1..7, R-ESC-1..5; SPEC section 5)."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.plans.drift import DriftKind, DriftRow
from kentqa_domain.areas.plans.projection import FOLDED
from kentqa_domain.values import PlanKind
from tests.domain.plan_oracle import drift_oracle, escalations_oracle
from tests.plan_history import revealed_rows
from tests.plan_strategies import as_of_dates, histories, natural_key, record_in_any_order

SETTINGS = settings(
    max_examples=120, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _record_in_order(events: list[ev.Event]) -> QualityAssurance:
    qa = kq.connect("memory://", policy=kq.Policy())
    for event in events:
        qa.record(event)  # a consistent history is never refused
    return qa


def _as_tuples(rows: list[DriftRow]) -> set[tuple[object, ...]]:
    return {
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
        for r in rows
    }


@SETTINGS
@given(histories(), st.lists(as_of_dates(), min_size=1, max_size=4))
def test_drift_register_matches_the_oracle(events: list[ev.Event], days: list[dt.date]) -> None:
    """R-LAC-1..7, R-CP-1..7: every row the plain walk over the events finds, and no other."""
    with _record_in_order(events) as qa:
        for as_of in days:
            rows = qa.drift_register(as_of=as_of)
            assert _as_tuples(rows) == drift_oracle(events, qa.policy, as_of)
            assert len(rows) == len(_as_tuples(rows))


@SETTINGS
@given(histories(), st.lists(as_of_dates(), min_size=1, max_size=4))
def test_escalations_match_the_oracle(events: list[ev.Event], days: list[dt.date]) -> None:
    """R-ESC-1..5: stage, state, response due and overdue, working days open, breach."""
    with _record_in_order(events) as qa:
        for as_of in days:
            rows = [
                (
                    r.escalation_id,
                    r.stage.value,
                    r.state.value,
                    r.raised_on,
                    r.response_due_on,
                    r.response_overdue,
                    r.working_days_open,
                    r.breached,
                )
                for r in qa.escalations(as_of=as_of)
            ]
            assert rows == escalations_oracle(events, qa.policy, as_of)


@SETTINGS
@given(histories(), st.integers(0, 2**32), st.lists(as_of_dates(), min_size=1, max_size=3))
def test_rows_do_not_depend_on_recording_order(
    events: list[ev.Event], seed: int, days: list[dt.date]
) -> None:
    """Late events are normal: the same events recorded in any valid order give the same
    drift register, escalations and review QA summary, and the same rows in the row tables;
    refused attempts store nothing. The stored projections' documents are read back afresh
    (an emptied cache) with the same answers."""
    with _record_in_order(events) as ordered, kq.connect("memory://", policy=kq.Policy()) as shuffled:
        record_in_any_order(shuffled, events, seed)
        assert ordered.stats() == shuffled.stats()
        for table in ("kentqa_plan_periods", "kentqa_drift_items", "kentqa_reviews", "kentqa_escalations"):
            assert revealed_rows(ordered, table) == revealed_rows(shuffled, table), table
        for name in ("child_plans", "escalations"):
            shuffled.projections[name].session.clear()  # every document read from the store again
        for as_of in days:
            assert ordered.drift_register(as_of=as_of) == shuffled.drift_register(as_of=as_of)
            assert ordered.escalations(as_of=as_of) == shuffled.escalations(as_of=as_of)
            for by in ("team", "chair"):
                assert ordered.review_qa_summary(as_of=as_of, by=by) == shuffled.review_qa_summary(
                    as_of=as_of, by=by
                )


closures = st.sets(st.dates(dt.date(2026, 9, 1), dt.date(2028, 6, 30)), max_size=25)


@SETTINGS
@given(histories(), st.lists(as_of_dates(), min_size=1, max_size=4), closures)
def test_working_day_due_dates_are_working_days(
    events: list[ev.Event], days: list[dt.date], closed: set[dt.date]
) -> None:
    """R-LAC-1, R-LAC-5, R-CP-1, R-CP-5, R-ESC-2: a due date set in working days is never a
    weekend, a bank holiday or a local closure day (R-LAC-8 and R-ADO-1 count in months and
    weeks: those children's first reviews are not)."""
    policy = kq.Policy(local_closure_days=closed)
    # R-LAC-8 (short breaks) and R-ADO-1 (adoption) count the first review in months and weeks
    calendar_dated = {e.child_ref for e in events if isinstance(e, ev.PlacedForAdoption)} | {
        e.child_ref
        for e in events
        if isinstance(e, ev.ChildBecameLookedAfter)
        and e.legal_status is not None
        and e.legal_status.short_breaks
    }
    with kq.connect("memory://", policy=policy) as qa:
        qa.record_many(events)
        cal = policy.calendar
        for as_of in days:
            for row in qa.drift_register(as_of=as_of):
                in_working_days = row.kind in (
                    DriftKind.INITIAL_CONFERENCE_OVERDUE,
                    DriftKind.QA_OVERDUE,
                ) or (
                    row.kind is DriftKind.REVIEW_OVERDUE
                    and row.plan is PlanKind.LOOKED_AFTER
                    and row.review_id is None
                    and row.child_ref not in calendar_dated
                )
                if in_working_days:
                    assert cal.is_working_day(row.due_on), row
                    assert row.due_on.weekday() < 5 and row.due_on not in closed
                assert row.due_on < as_of
            for esc in qa.escalations(as_of=as_of):
                assert cal.is_working_day(esc.response_due_on), esc
            # the policy's own numbers: the oracle with the same closures agrees
            assert _as_tuples(qa.drift_register(as_of=as_of)) == drift_oracle(events, policy, as_of)


@SETTINGS
@given(histories(), as_of_dates())
def test_closing_a_plan_removes_exactly_its_rows(events: list[ev.Event], as_of: dt.date) -> None:
    """R-LAC-7, R-CP-7: once the child ceases to be looked after / the CP plan ends, nothing of
    that plan is on the register; every other row stays as it was."""
    with _record_in_order([e for e in events if natural_key(e)[0] <= as_of]) as qa:
        rows = qa.drift_register(as_of=as_of)
        for child, plan in sorted({(r.child_ref, r.plan) for r in rows}):
            ending: ev.Event = (
                ev.ChildCeasedLookedAfter(child_ref=child, on=as_of)
                if plan is PlanKind.LOOKED_AFTER
                else ev.ChildProtectionPlanEnded(child_ref=child, ended_on=as_of)
            )
            qa.record(ending)
            after = qa.drift_register(as_of=as_of)
            assert after == [r for r in rows if (r.child_ref, r.plan) != (child, plan)]
            rows = after
        assert rows == []


def _reads_rows(qa: QualityAssurance, as_of: dt.date, policy: kq.Policy) -> bool:
    """Whether the register at ``as_of`` under ``policy`` is read from kentqa_drift_items."""
    with qa._viewing() as view:
        return bool(view.projection("child_plans").rows_answer(as_of, policy))


@SETTINGS
@given(histories(), st.integers(0, 400))
def test_about_now_the_stored_rows_are_the_register(events: list[ev.Event], days_after: int) -> None:
    """R-LAC-1..7, R-CP-1..7 about now: on or after every fact, the register is read from
    ``kentqa_drift_items`` (no document decoded) and still matches the oracle; before the
    latest fact it folds it is computed from the facts."""
    horizon = max(e.business_date for e in events if isinstance(e, FOLDED))
    as_of = horizon + dt.timedelta(days=days_after)
    with _record_in_order(events) as qa:
        assert _reads_rows(qa, as_of, qa.policy)
        assert _as_tuples(qa.drift_register(as_of=as_of)) == drift_oracle(events, qa.policy, as_of)
        assert not _reads_rows(qa, horizon - dt.timedelta(days=1), qa.policy)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    histories(),
    st.integers(0, 200),
    st.sets(st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)), min_size=1, max_size=8),
)
def test_under_another_policy_the_register_is_computed_from_the_facts(
    events: list[ev.Event], days_after: int, closed: set[dt.date]
) -> None:
    """The rows' due dates are those of the policy that derived them: a connection whose
    due-date policy differs (here closure days) computes the register from the facts."""
    as_of = max(e.business_date for e in events) + dt.timedelta(days=days_after)
    other = kq.Policy(local_closure_days=frozenset(closed))
    with _record_in_order(events) as qa:
        assert not _reads_rows(qa, as_of, other)
        assert _reads_rows(qa, as_of, attrs.evolve(qa.policy, council="another name"))
