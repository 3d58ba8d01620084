"""Plan drift and escalation notifications (R-LAC-1..7, R-CP-1..7, R-ESC-1..3) against the plain
plan oracles (tests/domain/plan_oracle.py), in any recording order."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.policy import Policy
from tests.domain.plan_oracle import (
    drift_oracle,
    escalation_target_oracle,
    escalations_oracle,
    nth_working_day_after,
)
from tests.plan_strategies import as_of_dates, histories, record_in_any_order

SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
DRIFT_KINDS = {
    "review_overdue": "review_overdue",
    "initial_conference_overdue": "initial_conference_overdue",
    "midway_overdue": "midway_overdue",
    "qa_overdue": "qa_overdue",
    "action_overdue": "plan_action_overdue",
    "iro_not_assigned": "iro_not_assigned",  # R-LAC-9 (SPEC 9.2): to the IRO service
}
PLAN_KINDS = set(DRIFT_KINDS.values())
ESCALATION_KINDS = {"escalation_raised", "escalation_response_overdue", "escalation_breached"}


def drift_expected(events: list[ev.Event], policy: Policy, as_of: dt.date) -> set[tuple[str, str]]:
    """(key, audience): one per drift row; QA names its review, a plan action its action."""
    out = set()
    for child, plan, kind, due, _days, _esc, review, action in drift_oracle(events, policy, as_of):
        subject = f"child:{child}:{plan}"
        if kind == "qa_overdue" and review:
            subject += f":review:{review}"
        if kind == "action_overdue" and action:
            subject += f":action:{action}"
        audience = "iro" if plan == "looked_after" else "cp_chair"
        out.add((f"{DRIFT_KINDS[kind]}:{subject}:{due.isoformat()}", audience))
    return out


def escalation_expected(events: list[ev.Event], policy: Policy, as_of: dt.date) -> set[str]:
    out = set()
    for eid, stage, state, raised_on, response_due, overdue, _days, breached in escalations_oracle(
        events, policy, as_of
    ):
        if state != "open":
            continue
        if as_of - dt.timedelta(days=policy.notification_lookback_days) <= raised_on:
            out.add(f"escalation_raised:escalation:{eid}:{raised_on.isoformat()}")
        if overdue:
            out.add(f"escalation_response_overdue:escalation:{eid}:{stage}:{response_due.isoformat()}")
        if breached:  # R-ESC-3 (revised, SPEC 9.2): from the first formal stage, by default
            target_from = escalation_target_oracle(events, policy, eid, as_of)
            assert target_from is not None
            target = nth_working_day_after(policy, target_from, policy.escalation_target_working_days)
            out.add(f"escalation_breached:escalation:{eid}:{target.isoformat()}")
    return out


@SETTINGS
@given(histories(), st.lists(as_of_dates(), min_size=1, max_size=3), st.integers(0, 2**32))
def test_plan_and_escalation_notifications_match_the_oracles_in_any_order(
    events: list[ev.Event], days: list[dt.date], seed: int
) -> None:
    policy = kq.Policy()
    with kq.connect("memory://", policy=policy) as qa:
        record_in_any_order(qa, events, seed)
        for as_of in days:
            found = qa.notifications(as_of=as_of)
            drift = {(n.key, n.audience) for n in found if n.kind.value in PLAN_KINDS}
            escalations = {n.key for n in found if n.kind.value in ESCALATION_KINDS}
            assert drift == drift_expected(events, policy, as_of)
            assert escalations == escalation_expected(events, policy, as_of)
            assert all(n.audience == "service_manager" for n in found if n.kind.value in ESCALATION_KINDS)
            assert all(
                n.ref("child_ref") and n.ref("child_ref") in n.message
                for n in found
                if n.kind.value in PLAN_KINDS
            )


def test_a_worked_looked_after_review_and_escalation() -> None:
    """Looked after on Mon 2 Feb 2026: first review due on the 20th working day after, Mon 2
    Mar (R-LAC-1); overdue from 3 Mar, told to the IRO. An escalation raised on 3 Mar at the
    team manager stage is told to the service manager; its response is due 5 working days
    after, 10 Mar (R-ESC-2), and overdue from 11 Mar."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_json(
            {"type": "ChildBecameLookedAfter", "child_ref": "C-LAC-1", "on": "2026-02-02", "iro_id": "IRO1"}
        )
        assert [n.key for n in qa.notifications(as_of=dt.date(2026, 3, 2))] == []
        (review,) = qa.notifications(as_of=dt.date(2026, 3, 3))
        assert review.key == "review_overdue:child:C-LAC-1:looked_after:2026-03-02"
        assert review.audience == "iro"
        assert (
            review.message
            == "Child C-LAC-1's looked-after review was due by 2026-03-02 (R-LAC-1..3) and has not been held."
        )
        qa.record_json(
            {
                "type": "EscalationRaised",
                "escalation_id": "E1",
                "raised_by": "IRO1",
                "raised_on": "2026-03-03",
                "stage": "team_manager",
                "reason": "drift",
                "child_ref": "C-LAC-1",
            }
        )
        keys = {n.key: n for n in qa.notifications(as_of=dt.date(2026, 3, 11))}
    raised = keys["escalation_raised:escalation:E1:2026-03-03"]
    assert raised.audience == "service_manager"
    assert (
        raised.message
        == "Escalation E1 (child C-LAC-1, raised by IRO1, reason drift) was raised at the team manager stage on 2026-03-03."
    )
    overdue = keys["escalation_response_overdue:escalation:E1:team_manager:2026-03-10"]
    assert "awaits a response at the team manager stage, due by 2026-03-10 (R-ESC-2)" in overdue.message
    assert keys["review_overdue:child:C-LAC-1:looked_after:2026-03-02"].message.endswith(
        "Escalation E1 is open."
    )
