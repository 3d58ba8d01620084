"""The memoised open plans (decision 0810) against the plain walk and the plain oracle.

``ChildPlans.open_plans`` answers a child whose facts are all dated on or before ``as_of``
from a per-child memo of its plans "after all its facts"; ``open_plans_walked`` walks every
child's facts up to ``as_of`` (the general path). ORACLES: the general path over the same
projection, the general path over a separate projection folded in natural order, and the
plain ``drift_oracle`` over the event list (R-LAC-1..7, R-CP-1..7). Events are folded in a
random order (late events), with queries between them so the memo is filled and then
invalidated, at ``as_of`` dates before, at and after the facts.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.forgetting import Forgetting
from kentqa_domain.projections.child_plans import ChildPlans, PlanMemo
from kentqa_domain.projections.drift import drift_rows
from kentqa_domain.projections.escalations import Escalations
from tests.domain.plan_oracle import drift_oracle
from tests.plan_strategies import as_of_dates, histories, natural_key

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
DAY = dt.timedelta(days=1)


def _days(events: list[ev.Event], extra: list[dt.date]) -> list[dt.date]:
    """Each fact's date, the day before and the day after, and some drawn dates."""
    found = {
        e.business_date + k * DAY for e in events for k in (-1, 0, 1) if natural_key(e)[0] != dt.date.min
    }
    return sorted(found | set(extra))


def _fold(events: list[ev.Event]) -> ChildPlans:
    plans = ChildPlans()
    for position, event in enumerate(events, 1):
        plans.apply(event, position)
    return plans


@SETTINGS
@given(histories(), st.integers(0, 2**32), st.lists(as_of_dates(), min_size=1, max_size=4))
def test_memoised_open_plans_equal_the_walk_while_late_events_arrive(
    events: list[ev.Event], seed: int, drawn: list[dt.date]
) -> None:
    """R-LAC-7, R-CP-7: the plans open at any date are the same with the memo as by the walk,
    before, at and after each child's facts, whatever order the facts arrive in."""
    rng = random.Random(seed)
    shuffled = list(events)
    rng.shuffle(shuffled)
    days = _days(events, drawn)
    fast = ChildPlans()
    for position, event in enumerate(shuffled, 1):
        fast.apply(event, position)
        if rng.random() < 0.3:  # a query between events fills the memo; later events must drop it
            as_of = rng.choice(days)
            assert list(fast.open_plans(as_of)) == list(fast.open_plans_walked(as_of))
    plain = _fold(sorted(events, key=natural_key))
    for as_of in days:
        assert list(fast.open_plans(as_of)) == list(plain.open_plans_walked(as_of))
        assert list(fast.open_plans(as_of)) == list(fast.open_plans_walked(as_of))


@SETTINGS
@given(histories(), st.integers(0, 2**32), st.lists(as_of_dates(), min_size=1, max_size=3))
def test_drift_rows_from_the_memo_match_the_plain_oracle(
    events: list[ev.Event], seed: int, days: list[dt.date]
) -> None:
    """R-LAC-1..7, R-CP-1..7: drift rows computed through the memo (queried before the last
    late events arrived) are the plain oracle's rows."""
    policy = kq.Policy()
    rng = random.Random(seed)
    shuffled = list(events)
    rng.shuffle(shuffled)
    plans, escalations = ChildPlans(), Escalations()
    for position, event in enumerate(shuffled, 1):
        plans.apply(event, position)
        escalations.apply(event, position)
        if rng.random() < 0.2:
            drift_rows(plans, escalations, policy, rng.choice(days))
    for as_of in days:
        rows = drift_rows(plans, escalations, policy, as_of)
        found = {
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
        assert found == drift_oracle(events, policy, as_of)


@SETTINGS
@given(histories(), st.data())
def test_forgetting_a_child_drops_its_memoised_plans(events: list[ev.Event], data: st.DataObject) -> None:
    """Erasure: after ``forget_child`` the open plans carry the token and pseudonymised review
    ids, never the child's reference, with the memo filled before the forgetting."""
    plans = _fold(events)
    after_all = max(e.business_date for e in events) + DAY
    before = list(plans.open_plans(after_all))  # fills the memo
    refs = sorted(plans.children)
    ref = data.draw(st.sampled_from(refs))
    reviews = {r: f"R-ALIAS-{i}" for i, r in enumerate(sorted(plans.children[ref].reviews))}
    plans.forget_child(Forgetting(ref, "TOKEN-1", {"review_id": reviews}))
    for as_of in (after_all, data.draw(as_of_dates())):
        opened = list(plans.open_plans(as_of))
        assert opened == list(plans.open_plans_walked(as_of))
        assert all(p.child_ref != ref and all(r.child_ref != ref for r in p.reviews) for p in opened)
        assert all(
            r.review_id in reviews.values() for p in opened if p.child_ref == "TOKEN-1" for r in p.reviews
        )
    mine = [p for p in before if p.child_ref == ref]
    assert [(p.plan, p.opened_on) for p in plans.open_plans(after_all) if p.child_ref == "TOKEN-1"] == [
        (p.plan, p.opened_on) for p in mine
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(histories())
def test_the_memo_is_not_pickled_and_changes_no_state_comparison(events: list[ev.Event]) -> None:
    """Checkpoints do not grow with the memo; a loaded projection rebuilds it on its first query."""
    plans = _fold(events)
    cold = pickle.dumps(plans)
    day = max(e.business_date for e in events)
    answer = list(plans.open_plans(day))
    assert plans.memo.timelines  # filled by the query
    assert pickle.dumps(plans) == cold
    loaded = pickle.loads(cold)
    assert loaded.memo.timelines == {} and loaded.memo == plans.memo
    assert list(loaded.open_plans(day)) == answer
    assert isinstance(loaded.memo, PlanMemo)
