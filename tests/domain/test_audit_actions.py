"""R-AUD-5 audit actions (overdue when not completed by the due date) and R-AUD-6 thematic
audits agreed with a hypothesis and a due date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.errors import UnknownReference
from tests import audit_oracle as oracle
from tests import audit_strategies as gen
from tests.audit_scenario import worked_example

D = dt.date


def test_worked_example_actions_r_aud_5() -> None:
    """R-AUD-5: P2's action was due 30 Sep 2026 and is not done: on 26 Nov it is overdue by
    41 working days (22 in October, 19 in November to the 26th; no bank holidays); P4's is
    due 15 Dec, still open. Done on 1 Dec, P2's is completed (late) from that day only."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        rows = qa.audit_actions(as_of=D(2026, 11, 26))
        assert [(r.audit_id, r.status.value, r.working_days_overdue, r.due_on) for r in rows] == [
            ("P2", "overdue", 41, D(2026, 9, 30)),
            ("P4", "open", 0, D(2026, 12, 15)),
        ]
        assert (rows[0].owner_id, rows[0].cycle_id, rows[0].raised_on, rows[0].kind) == (
            "W1",
            "2026-T2",
            D(2026, 8, 12),
            "practitioner",
        )
        qa.record_json(
            {"type": "AuditActionCompleted", "audit_id": "P2", "action_id": "1", "completed_on": "2026-12-01"}
        )
        assert qa.audit_actions(as_of=D(2026, 11, 30))[0].status == "overdue"
        done = qa.audit_actions(as_of=D(2026, 12, 2))[0]
    assert (done.status, done.completed_on, done.completed_late, done.working_days_overdue) == (
        "completed",
        D(2026, 12, 1),
        True,
        0,
    )


def test_an_action_due_today_is_not_yet_overdue_r_aud_5() -> None:
    with gen.connect() as qa:
        qa.record_many(worked_example())
        assert qa.audit_actions(as_of=D(2026, 9, 30))[0].status == "open"
        assert qa.audit_actions(as_of=D(2026, 10, 1))[0].status == "overdue"


def test_completing_an_unknown_action_is_refused_and_nothing_is_stored_r_aud_5() -> None:
    with gen.connect() as qa:
        qa.record_many(worked_example())
        before = qa.stats()
        for bad in ({"audit_id": "NOPE", "action_id": "1"}, {"audit_id": "P2", "action_id": "9"}):
            with pytest.raises(UnknownReference) as caught:
                qa.record_json({"type": "AuditActionCompleted", "completed_on": "2026-10-01", **bad})
            assert caught.value.field in ("audit_id", "action_id")
        assert qa.stats() == before


def test_actions_by_cycle_and_scoped_to_their_owner_r_aud_5_r_acc_1() -> None:
    """R-AUD-5 per cycle; R-ACC-1: a practitioner sees the actions they own."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        qa.record_json(
            {
                "type": "WorkerRegistered",
                "worker_id": "W2",
                "team_id": "T-WEST",
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": "2025-01-06",
            }
        )
        assert [r.audit_id for r in qa.audit_actions("2026-T2", as_of=D(2026, 11, 26))] == ["P2", "P4"]
        assert qa.audit_actions("2026-T1", as_of=D(2026, 11, 26)) == []
        assert [r.audit_id for r in qa.audit_actions(as_of=D(2026, 11, 26), as_worker="W2")] == ["P4"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), gen.audits(max_size=25), st.just(gen.END) | gen.days, st.integers(0, 2**32))
def test_action_statuses_match_the_oracle_in_any_order_r_aud_5(
    data: st.DataObject, audits: list[ev.AuditCompleted], as_of: dt.date, seed: int
) -> None:
    """R-AUD-5 oracle: every action's status and working days overdue equal a plain
    day-by-day computation over the events, whatever the recording order."""
    done = data.draw(gen.completions(audits))
    events = [*gen.organisation(), *audits, *done]
    with gen.connect() as qa:
        gen.record_in_any_order(qa, events, seed)
        rows = qa.audit_actions(as_of=as_of)
    assert {
        (r.audit_id, r.action_id): (r.status.value, r.working_days_overdue) for r in rows
    } == oracle.actions(events, as_of)
    assert [(r.due_on, r.audit_id, r.action_id) for r in rows] == sorted(
        (r.due_on, r.audit_id, r.action_id) for r in rows
    )


def test_thematic_audits_agreed_with_hypothesis_and_due_date_r_aud_6() -> None:
    """R-AUD-6 (thematic audits): agreed 3 Aug, due 30 Oct: open until then, overdue after,
    completed once a thematic audit naming the theme is done (decision 0302)."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        assert qa.thematic_audits(as_of=D(2026, 8, 1)) == []
        (row,) = qa.thematic_audits(as_of=D(2026, 10, 30))
        assert (row.theme_id, row.title, row.hypothesis, row.status) == (
            "neglect",
            "Neglect in Early Help",
            "Chronic neglect is recognised late",
            "open",
        )
        assert qa.thematic_audits(as_of=D(2026, 10, 31))[0].status == "overdue"
        qa.record_many(
            [
                # A thematic audit before the theme was agreed, and a peer audit naming it, do not count.
                {
                    "type": "AuditCompleted",
                    "audit_id": "TH0",
                    "kind": "thematic",
                    "auditor_id": "QA1",
                    "team_id": "T-EAST",
                    "completed_on": "2026-07-01",
                    "overall": "good",
                    "themes": ["NEGLECT"],
                },
                {
                    "type": "AuditCompleted",
                    "audit_id": "R9",
                    "kind": "peer",
                    "auditor_id": "PM-X",
                    "team_id": "T-EAST",
                    "completed_on": "2026-11-02",
                    "case_ref": "C9",
                    "overall": "good",
                    "themes": ["neglect"],
                },
                {
                    "type": "AuditCompleted",
                    "audit_id": "TH1",
                    "kind": "thematic",
                    "auditor_id": "QA1",
                    "team_id": "T-EAST",
                    "completed_on": "2026-11-03",
                    "overall": "requires_improvement",
                    "themes": ["Neglect"],
                },
            ]
        )
        (late,) = qa.thematic_audits(as_of=D(2026, 11, 26))
        assert (
            late.status,
            late.audits,
            late.first_completed_on,
            late.graded,
            late.good_or_better_share,
        ) == ("completed", 1, D(2026, 11, 3), 1, 0.0)
        # Completed in 2026-T2: listed for T2, not for T3 (done before T3 began).
        assert [r.theme_id for r in qa.thematic_audits("2026-T2", as_of=D(2027, 1, 5))] == ["neglect"]
        assert qa.thematic_audits("2026-T3", as_of=D(2027, 1, 5)) == []
