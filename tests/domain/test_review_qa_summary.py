"""The IRO and CP Chair QA summary of reviews, by team and by chair (R-LAC-5, R-CP-5;
framework 4.3 "IRO QA process", "CP Chair QA process"; decision 0201)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from tests.domain.plan_oracle import nth_working_day_after
from tests.plan_strategies import as_of_dates, histories

D = dt.date


def _action(action_id: str, owner: str) -> dict[str, str]:
    return {"action_id": action_id, "description": "do it", "owner_id": owner, "due_on": "2026-12-31"}


def _qa(
    review_id: str, on: str, by: str, needs: bool, timeframe: bool, legal: bool, smart: bool | None = None
) -> dict[str, Any]:
    return {
        "type": "ReviewQualityAssured",
        "review_id": review_id,
        "assured_on": on,
        "by": by,
        "plan_reflects_needs": needs,
        "actions_in_child_timeframe": timeframe,
        "consistent_with_legal_duties": legal,
        "smart": smart,
    }


SCENARIO: list[dict[str, Any]] = [
    *[
        {"type": "TeamRegistered", "team_id": t, "name": t, "service": "Children's Social Work", "area": a}
        for t, a in (("T-A", "East"), ("T-B", "West"), ("T-IRO", "County"))
    ],
    *[
        {
            "type": "WorkerRegistered",
            "worker_id": w,
            "team_id": t,
            "role": r,
            "experience": "experienced",
            "registered_on": "2026-01-05",
        }
        for w, t, r in (
            ("SW-A", "T-A", "practitioner"),
            ("SW-B", "T-B", "practitioner"),
            ("IRO1", "T-IRO", "iro"),
            ("IRO2", "T-IRO", "iro"),
            ("CPC1", "T-IRO", "cp_chair"),
        )
    ],
    {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-03-02", "iro_id": "IRO1"},
    {"type": "ChildBecameLookedAfter", "child_ref": "L2", "on": "2026-04-01", "iro_id": "IRO2"},
    {"type": "StrategyDiscussionHeld", "child_ref": "P1", "held_on": "2026-03-02"},
    # R1: team T-A (SW-A owns its action), chair IRO1; QA on time: held Mon 30 Mar 2026, due on
    # the 5th working day after: Tue 31 (1), Wed 1 Apr (2), Thu 2 (3), Good Friday 3 Apr and
    # Easter Monday 6 Apr skipped, Tue 7 (4), Wed 8 Apr (5); done Tue 7 Apr; all yes.
    {
        "type": "ReviewHeld",
        "review_id": "R1",
        "child_ref": "L1",
        "kind": "looked_after_review",
        "held_on": "2026-03-30",
        "chair_id": "IRO1",
        "actions": [_action("A1", "SW-A")],
    },
    _qa("R1", "2026-04-07", "IRO1", True, True, True),
    # R2: no actions: team T-B from the escalation raised before it. Held Mon 28 Sep, QA due
    # Mon 5 Oct; done Mon 19 Oct, 10 working days late.
    {
        "type": "EscalationRaised",
        "escalation_id": "E1",
        "raised_by": "IRO1",
        "raised_on": "2026-09-01",
        "stage": "informal",
        "reason": "drift",
        "child_ref": "L1",
        "team_id": "T-B",
    },
    {
        "type": "ReviewHeld",
        "review_id": "R2",
        "child_ref": "L1",
        "kind": "looked_after_review",
        "held_on": "2026-09-28",
        "chair_id": "IRO1",
    },
    _qa("R2", "2026-10-19", "IRO1", False, True, True),
    # R3: no chair recorded: the QA's author IRO2 is the chair; team T-B (the first owner who
    # is a registered worker: "parent" is not).
    {
        "type": "ReviewHeld",
        "review_id": "R3",
        "child_ref": "L2",
        "kind": "looked_after_review",
        "held_on": "2026-04-28",
        "actions": [_action("A3", "parent"), _action("A4", "SW-B")],
    },
    _qa("R3", "2026-04-30", "IRO2", True, False, False),
    # R4: no QA, no chair: the chair is the child's IRO (IRO2); no actions and no escalation
    # for L2, so the team is the chair's, T-IRO.
    {
        "type": "ReviewHeld",
        "review_id": "R4",
        "child_ref": "L2",
        "kind": "looked_after_review",
        "held_on": "2026-07-28",
    },
    # CP: IC1 team T-A (action owner), RC1 and RC2 no actions and no escalation: chair's team T-IRO.
    {
        "type": "ReviewHeld",
        "review_id": "IC1",
        "child_ref": "P1",
        "kind": "initial_cp_conference",
        "held_on": "2026-03-20",
        "chair_id": "CPC1",
        "actions": [_action("B1", "SW-A")],
    },
    _qa("IC1", "2026-03-25", "CPC1", True, True, True, smart=True),
    {
        "type": "ReviewHeld",
        "review_id": "RC1",
        "child_ref": "P1",
        "kind": "review_cp_conference",
        "held_on": "2026-06-19",
        "chair_id": "CPC1",
    },
    _qa("RC1", "2026-06-22", "CPC1", True, False, True, smart=False),
    {
        "type": "ReviewHeld",
        "review_id": "RC2",
        "child_ref": "P1",
        "kind": "review_cp_conference",
        "held_on": "2026-12-18",
        "chair_id": "CPC1",
    },
    _qa("RC2", "2026-12-29", "CPC1", False, False, True),
]


@pytest.fixture
def scenario(qa: QualityAssurance) -> QualityAssurance:
    qa.record_many(SCENARIO)
    return qa


def _table(rows: list[Any]) -> dict[tuple[str | None, str], tuple[Any, ...]]:
    return {
        (r.key, r.plan.value): (
            r.reviews,
            r.assured,
            r.assured_on_time,
            r.plan_reflects_needs_share,
            r.actions_in_child_timeframe_share,
            r.consistent_with_legal_duties_share,
            r.smart_share,
            r.smart_answered,
        )
        for r in rows
    }


def test_by_team(scenario: QualityAssurance) -> None:
    """Looked after: T-A has R1 (1 review, assured on time, all yes); T-B has R2 (late; needs
    no) and R3 (on time; timeframe and legal no): 2 assured, 1 on time, each share 1/2;
    T-IRO has R4 only, never assured: shares None. CP: T-A has IC1 (all yes, SMART);
    T-IRO has RC1 (held Fri 19 Jun, QA due Fri 26 Jun, done 22 Jun; timeframe no; not SMART)
    and RC2 (held Fri 18 Dec 2026: Mon 21 - Thu 24 Dec are days 1-4, 25 and 28 Dec are bank
    holidays, so due Tue 29 Dec; done then, on time; needs and timeframe no; SMART not
    answered)."""
    table = _table(scenario.review_qa_summary(as_of=D(2027, 1, 31), by="team"))
    assert table == {
        ("T-A", "looked_after"): (1, 1, 1, 1.0, 1.0, 1.0, None, 0),
        ("T-B", "looked_after"): (2, 2, 1, 0.5, 0.5, 0.5, None, 0),
        ("T-IRO", "looked_after"): (1, 0, 0, None, None, None, None, 0),
        ("T-A", "child_protection"): (1, 1, 1, 1.0, 1.0, 1.0, 1.0, 1),
        ("T-IRO", "child_protection"): (2, 2, 2, 0.5, 0.0, 1.0, 0.0, 1),
    }
    assert nth_working_day_after(scenario.policy, D(2026, 12, 18), 5) == D(2026, 12, 29)


def test_by_chair(scenario: QualityAssurance) -> None:
    """IRO1 chaired R1 and R2; IRO2 is the chair of R3 (its QA's author) and R4 (the child's
    IRO); CPC1 chaired the three conferences."""
    table = _table(scenario.review_qa_summary(as_of=D(2027, 1, 31), by="chair"))
    assert table == {
        ("IRO1", "looked_after"): (2, 2, 1, 0.5, 1.0, 1.0, None, 0),
        ("IRO2", "looked_after"): (2, 1, 1, 1.0, 0.0, 0.0, None, 0),
        ("CPC1", "child_protection"): (3, 3, 3, 2 / 3, 1 / 3, 1.0, 0.5, 2),
    }


def test_a_quarter_and_qa_not_yet_done(scenario: QualityAssurance) -> None:
    """Reviews held in Q3 2026-27 (1 Oct - 31 Dec): only RC2 (18 Dec) - R2 was held 28 Sep.
    As of 28 Dec its QA (29 Dec) is not yet done; as of 31 Dec it is."""
    rows = scenario.review_qa_summary(as_of=D(2026, 12, 28), by="chair", since=D(2026, 10, 1))
    assert _table(rows) == {("CPC1", "child_protection"): (1, 0, 0, None, None, None, None, 0)}
    rows = scenario.review_qa_summary(as_of=D(2026, 12, 31), by="chair", since=D(2026, 10, 1))
    assert _table(rows) == {("CPC1", "child_protection"): (1, 1, 1, 0.0, 0.0, 1.0, None, 0)}


def test_scoped_to_a_team_manager_and_an_iro(scenario: QualityAssurance) -> None:
    """R-ACC-1: a team manager of T-A sees the reviews of T-A; an IRO (team scope) sees the
    reviews chaired from the IRO team, whatever team they count under."""
    scenario.record_many(
        [
            {
                "type": "WorkerRegistered",
                "worker_id": "TM-A",
                "team_id": "T-A",
                "role": "team_manager",
                "experience": "experienced",
                "registered_on": "2026-01-05",
            },
        ]
    )
    as_tm = _table(scenario.review_qa_summary(as_of=D(2027, 1, 31), by="team", as_worker="TM-A"))
    assert set(as_tm) == {("T-A", "looked_after"), ("T-A", "child_protection")}
    as_iro = _table(scenario.review_qa_summary(as_of=D(2027, 1, 31), by="team", as_worker="IRO1"))
    assert as_iro == _table(scenario.review_qa_summary(as_of=D(2027, 1, 31), by="team"))


def test_by_must_be_team_or_chair(memory_qa: QualityAssurance) -> None:
    with pytest.raises(ValueError, match="team, chair"):
        memory_qa.review_qa_summary(as_of=D(2027, 1, 1), by="area")


# --- against a plain oracle --------------------------------------------------------------


def summary_oracle(
    events: list[ev.Event], policy: kq.Policy, as_of: dt.date, by: str
) -> dict[tuple[str | None, str], tuple[Any, ...]]:
    """Decision 0201 read literally, over the event list."""
    team_of_worker = {e.worker_id: e.team_id for e in events if isinstance(e, ev.WorkerRegistered)}
    escalations = [e for e in events if isinstance(e, ev.EscalationRaised) and e.team_id and e.child_ref]
    qas = {e.review_id: e for e in events if isinstance(e, ev.ReviewQualityAssured) and e.assured_on <= as_of}
    groups: dict[tuple[str | None, str], list[tuple[ev.ReviewHeld, ev.ReviewQualityAssured | None]]] = (
        defaultdict(list)
    )
    for r in (e for e in events if isinstance(e, ev.ReviewHeld) and e.held_on <= as_of):
        qa = qas.get(r.review_id)
        starts = sorted(
            (e.on, e.iro_id)
            for e in events
            if isinstance(e, ev.ChildBecameLookedAfter) and e.child_ref == r.child_ref and e.on <= r.held_on
        )
        iro = starts[-1][1] if starts and r.kind.value == "looked_after_review" else None
        if starts and r.kind.value == "looked_after_review":  # SPEC 9.2: an IRO assigned since
            since = sorted(
                (e.assigned_on, e.iro_id)
                for e in events
                if isinstance(e, ev.IROAssigned)
                and e.child_ref == r.child_ref
                and starts[-1][0] <= e.assigned_on <= r.held_on
            )
            iro = since[-1][1] if since else iro
        chair = r.chair_id or (qa.by if qa else None) or iro
        if by == "team":
            allocated = sorted(
                (e.allocated_on, e.team_id)
                for e in events
                if isinstance(e, ev.ChildAllocated)
                and e.child_ref == r.child_ref
                and e.allocated_on <= r.held_on
            )
            owners = [a.owner_id for a in r.actions if a.owner_id in team_of_worker]
            named = sorted(
                (e.raised_on, e.escalation_id, e.team_id)
                for e in escalations
                if e.child_ref == r.child_ref and e.raised_on <= r.held_on
            )
            key = (
                team_of_worker[owners[0]]
                if owners
                else (named[-1][2] if named else team_of_worker.get(chair or ""))
            )
            key = allocated[-1][1] if allocated else key  # SPEC 9.2: the allocated team first
        else:
            key = chair
        groups[(key, r.kind.plan.value)].append((r, qa))
    out = {}
    for key, members in groups.items():
        done = [(r, q) for r, q in members if q is not None]
        days = policy.iro_qa_working_days if key[1] == "looked_after" else policy.cp_chair_qa_working_days
        smart = [q.smart for _, q in done if q.smart is not None]

        def share(yes: int, of: int) -> float | None:
            return yes / of if of else None

        out[key] = (
            len(members),
            len(done),
            sum(1 for r, q in done if q.assured_on <= nth_working_day_after(policy, r.held_on, days)),
            share(sum(q.plan_reflects_needs for _, q in done), len(done)),
            share(sum(q.actions_in_child_timeframe for _, q in done), len(done)),
            share(sum(q.consistent_with_legal_duties for _, q in done), len(done)),
            share(sum(smart), len(smart)),
            len(smart),
        )
    return out


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), as_of_dates(), st.sampled_from(["team", "chair"]))
def test_summary_matches_the_oracle(events: list[ev.Event], as_of: dt.date, by: str) -> None:
    """R-LAC-5, R-CP-5: the summary equals the plain count over the events, by team and by chair."""
    with kq.connect("memory://", policy=kq.Policy()) as app:
        app.record_many(events)
        assert _table(app.review_qa_summary(as_of=as_of, by=by)) == summary_oracle(
            events, app.policy, as_of, by
        )
