"""The children's plans and escalations kept in the store (decision 0900) against plain folds.

ORACLES: a plain fold of the same events into in-memory :class:`ChildRecord` s (natural
order, the children's own references) run through the same row functions, and the plain
``drift_oracle`` / ``escalations_oracle`` over the event list (R-LAC-1..7, R-CP-1..7,
R-ESC-1..5). Events are recorded in a random valid order (late events), with queries between
them, and a worker may move team at any date. Also: the walk's plan periods (the rows that
select the children a drift query visits) cover every plan open at any date.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.areas.plans.drift import DriftRow, drift_rows
from kentqa_domain.areas.plans.facts import (
    CHILD_EVENTS,
    ChildRecord,
    PlanFacts,
    WorkerHistory,
    WorkerTeams,
)
from kentqa_domain.areas.plans.plan_rows import child_rows, timeliness_rows
from kentqa_domain.areas.plans.plans_at import no_enquiry, open_plans, timeline
from kentqa_domain.areas.plans.review_qa import ReviewQARow, review_facts, summarise
from kentqa_domain.areas.plans.teams import PlanTeams
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.policy import Policy
from tests.domain.plan_oracle import drift_oracle, escalations_oracle
from tests.plan_history import revealed_rows
from tests.plan_strategies import WORKERS, as_of_dates, histories, natural_key

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
DAY = dt.timedelta(days=1)

moves = st.lists(
    st.tuples(st.sampled_from(sorted(WORKERS)), st.sampled_from(["T-A", "T-B"]), as_of_dates()),
    max_size=3,
    unique_by=lambda m: (m[0], m[2]),  # one move a day for a worker
)


def plain_facts(events: Sequence[ev.Event]) -> PlanFacts:
    """Every child's facts folded in natural order, by the child's own reference."""
    children: dict[str, ChildRecord] = {}
    quality: dict[str, ev.ReviewQualityAssured] = {}
    workers: dict[str, WorkerHistory] = {}
    for event in sorted(events, key=_key):
        if isinstance(event, CHILD_EVENTS) or (isinstance(event, ev.EscalationRaised) and event.child_ref):
            ref = event.child_ref  # type: ignore[attr-defined]
            if not isinstance(event, ev.EscalationRaised) or event.team_id is not None:
                children.setdefault(ref, ChildRecord(ref)).add(event)
        elif isinstance(event, ev.ReviewQualityAssured):
            quality[event.review_id] = event
        elif isinstance(event, ev.WorkerRegistered):
            workers.setdefault(event.worker_id, WorkerHistory()).registered = (
                event.registered_on,
                event.team_id,
            )
        elif isinstance(event, ev.WorkerMoved):
            workers.setdefault(event.worker_id, WorkerHistory()).moves[event.moved_on] = event.team_id
    return PlanFacts(children, quality, WorkerTeams(workers))


def _key(event: ev.Event) -> tuple[dt.date, int]:
    return (dt.date.min, 1) if isinstance(event, ev.WorkerMoved) else natural_key(event)


def plain_open_escalations(events: Sequence[ev.Event], as_of: dt.date) -> dict[str, str]:
    ended = {
        e.escalation_id: e.business_date
        for e in events
        if isinstance(e, (ev.EscalationResolved, ev.EscalationReferredToCafcass))
    }
    found: dict[str, tuple[dt.date, str]] = {}
    for e in events:
        if isinstance(e, ev.EscalationRaised) and e.child_ref and e.raised_on <= as_of:
            if e.escalation_id in ended and ended[e.escalation_id] <= as_of:
                continue
            found[e.child_ref] = max(
                found.get(e.child_ref, (e.raised_on, e.escalation_id)), (e.raised_on, e.escalation_id)
            )
    return {ref: escalation_id for ref, (_, escalation_id) in found.items()}


def plain_drift(events: Sequence[ev.Event], policy: Policy, as_of: dt.date) -> list[DriftRow]:
    return drift_rows(plain_facts(events), plain_open_escalations(events, as_of), policy, as_of)


def plain_review_qa(events: Sequence[ev.Event], policy: Policy, as_of: dt.date, by: str) -> list[ReviewQARow]:
    facts = plain_facts(events)
    return summarise(review_facts(facts, PlanTeams(facts, as_of)), by, policy)


def _with_moves(events: list[ev.Event], drawn: list[tuple[str, str, dt.date]]) -> list[ev.Event]:
    return events + [ev.WorkerMoved(worker_id=w, team_id=t, moved_on=d) for w, t, d in drawn]


def _record_with_queries(
    qa: kq.QualityAssurance, events: list[ev.Event], rng: random.Random, days: list[dt.date]
) -> None:
    """Record in a shuffled order (refused events wait), querying now and then in between."""
    pending = list(events)
    rng.shuffle(pending)
    while pending:
        deferred = []
        for event in pending:
            try:
                qa.record(event)
            except InvalidEvent:
                deferred.append(event)
            if rng.random() < 0.1:
                qa.drift_register(as_of=rng.choice(days))
        assert len(deferred) < len(pending)
        pending = deferred


@SETTINGS
@given(histories(), moves, st.integers(0, 2**32), st.lists(as_of_dates(), min_size=1, max_size=4))
def test_stored_answers_equal_a_plain_fold_while_late_events_arrive(
    events: list[ev.Event], drawn: list[tuple[str, str, dt.date]], seed: int, days: list[dt.date]
) -> None:
    """R-LAC-1..7, R-CP-1..7, R-ESC-1..5: the drift register (every column, in order), the
    escalations and the review QA summary of the stored projections are the plain fold's, and
    so are the rows of their tables (the children's references revealed)."""
    events = _with_moves(events, drawn)
    policy = kq.Policy()
    with kq.connect("memory://", policy=policy) as qa:
        _record_with_queries(qa, events, random.Random(seed), days)
        for as_of in days:
            rows = qa.drift_register(as_of=as_of)
            assert rows == plain_drift(events, policy, as_of)
            assert {
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
            } == drift_oracle(events, policy, as_of)
            assert [
                (r.escalation_id, r.stage.value, r.state.value, r.raised_on, r.response_due_on,
                 r.response_overdue, r.working_days_open, r.breached)
                for r in qa.escalations(as_of=as_of)
            ] == escalations_oracle(events, policy, as_of)  # fmt: skip
            for by in ("team", "chair"):
                assert qa.review_qa_summary(as_of=as_of, by=by) == plain_review_qa(events, policy, as_of, by)
        plain = plain_facts(events)
        expected = [child_rows(ref, plain, policy) for ref in plain.children]
        for n, table in enumerate(("kentqa_plan_periods", "kentqa_drift_items", "kentqa_reviews")):
            rows = sorted((row[1:] for found in expected for row in found[n]), key=repr)
            assert revealed_rows(qa, table) == rows, table
        # R-TML-1: kentqa_review_timeliness is the plain fold's too, whatever the arrival order
        timely = sorted(
            (row[1:] for ref in plain.children for row in timeliness_rows(ref, plain, policy)), key=repr
        )
        assert revealed_rows(qa, "kentqa_review_timeliness") == timely


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(histories(max_children=1), st.lists(as_of_dates(), min_size=1, max_size=8))
def test_the_walks_plan_periods_cover_every_plan_open_at_any_date(
    events: list[ev.Event], days: list[dt.date]
) -> None:
    """R-LAC-7, R-CP-7: a plan open at a date (walking the facts dated on or before it) is a
    period of the walk over all the facts that opened on or before the date and ended after
    it, opened the same day: so selecting children by their periods misses none."""
    child = plain_facts(events).children
    for record in child.values():
        periods = [
            (kind, plan.opened_on, plan.ended_on)
            for kind, plans in timeline(record).items()
            for plan in plans
            if not no_enquiry(kind, plan)
        ]
        found = {
            e.business_date + k * DAY for e in events for k in (-1, 0, 1) if natural_key(e)[0] != dt.date.min
        }
        for as_of in sorted(found | set(days)):
            open_now = {
                (kind, opened)
                for kind, opened, ended in periods
                if opened <= as_of and (ended is None or ended > as_of)
            }
            assert {(p.plan, p.opened_on) for p in open_plans(record, as_of)} <= open_now
