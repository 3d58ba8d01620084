"""``audit_cycle``: R-AUD-1..3 on a worked example, on every back end, and against an oracle."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import InvalidInput, UnknownReference
from tests import audit_oracle as oracle
from tests import audit_strategies as gen
from tests.audit_scenario import worked_example

D = dt.date
AS_OF = D(2026, 11, 26)


def test_worked_example_on_every_back_end_r_aud_1_r_aud_2_r_aud_3(qa: QualityAssurance) -> None:
    """R-AUD-1..3 worked by hand (docs/audit-cycle.md): 26 Nov 2026 is month 4 of 2026-T2;
    4 practitioner, 1 appreciative inquiry, 4 peer and 1 triad audit; 8 graded of which
    3 good or better (P1 good, P3 outstanding, R3 good): 3/8; East 1/4, West 2/4."""
    qa.record_many(worked_example())
    cycle = qa.audit_cycle("2026-T2", as_of=AS_OF)
    assert (cycle.cycle_id, cycle.starts_on, cycle.ends_on) == ("2026-T2", D(2026, 8, 1), D(2026, 11, 30))
    assert cycle.phase == 4 and cycle.phase_kind == "triad"
    assert cycle.audits_by_kind == {
        "practitioner": 4,
        "appreciative_inquiry": 1,
        "peer": 4,
        "triad": 1,
        "thematic": 0,
        "multi_agency": 0,
        "commissioned_moderation": 0,
    }
    assert cycle.audits == 10 and cycle.graded == 8 and cycle.good_or_better == 3
    assert cycle.good_or_better_share == 3 / 8
    assert cycle.grades == {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 2}
    assert [(b.key, b.graded, b.good_or_better_share) for b in cycle.by_area] == [
        ("East", 4, 0.25),
        ("West", 4, 0.5),
    ]
    assert [(b.key, b.audits, b.good_or_better_share) for b in cycle.by_service] == [
        ("Children's Social Work", 10, 3 / 8)
    ]
    assert [(b.key, b.label, b.audits) for b in cycle.by_team] == [
        ("T-EAST", "East CSW", 6),
        ("T-WEST", "West CSW", 4),
    ]
    phases = {p.phase: p for p in cycle.phases}
    assert [(p.kind.value, p.completed, p.completed_in_phase) for p in cycle.phases] == [
        ("practitioner", 4, 4),
        ("appreciative_inquiry", 1, 1),
        ("peer", 4, 4),
        ("triad", 1, 1),
    ]
    assert phases[1].by_area == {"East": 2, "West": 2} and phases[2].by_team == {"T-EAST": 1}
    assert phases[3].by_service == {"Children's Social Work": 4}


def test_as_of_mid_cycle_counts_only_what_was_done_by_then_r_aud_2() -> None:
    """R-AUD-2: on 20 Sep 2026 (month 2) the peer and triad audits are yet to come."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        cycle = qa.audit_cycle("2026-T2", as_of=D(2026, 9, 20))
    assert cycle.phase == 2 and cycle.phase_kind == "appreciative_inquiry"
    assert cycle.audits_by_kind["practitioner"] == 4 and cycle.audits_by_kind["peer"] == 0
    assert cycle.good_or_better_share == 2 / 4  # P1 good, P3 outstanding of P1..P4


def test_outside_the_cycle_phase_is_none_and_nothing_graded_share_is_none_r_aud_3() -> None:
    """R-AUD-2: phase None outside the cycle; R-AUD-3: a share of nothing is None, not 0."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        before = qa.audit_cycle("2026-T2", as_of=D(2026, 7, 1))
        empty = qa.audit_cycle("2027-T1", as_of=D(2027, 9, 1))
    assert before.phase is None and before.audits == 0 and before.good_or_better_share is None
    assert (
        empty.phase is None
        and empty.by_area == ()
        and empty.grades == {"outstanding": 0, "good": 0, "requires_improvement": 0, "inadequate": 0}
    )


def test_an_explicit_cycle_id_places_a_late_audit_in_its_cycle_r_aud_1() -> None:
    """R-AUD-1, decision 0300: a triad audit of 2026-T2 finished on 3 Dec counts in T2, not T3."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        qa.record_json(
            {
                "type": "AuditCompleted",
                "audit_id": "TR2",
                "kind": "triad",
                "auditor_id": "QA2",
                "team_id": "T-WEST",
                "completed_on": "2026-12-03",
                "cycle_id": "2026-T2",
            }
        )
        t2 = qa.audit_cycle("2026-T2", as_of=D(2026, 12, 10))
        t3 = qa.audit_cycle("2026-T3", as_of=D(2026, 12, 10))
    assert t2.audits_by_kind["triad"] == 2
    phase4 = t2.phases[3]
    assert (phase4.completed, phase4.completed_in_phase) == (2, 1)
    assert t3.audits == 0 and t3.phase == 1


def test_a_bad_cycle_id_is_refused_naming_the_field_and_rule_r_aud_1() -> None:
    with gen.connect() as qa:
        for bad in ("2026-T4", "2026T2", "", "26-T1"):
            with pytest.raises(InvalidInput) as caught:  # SPEC 9.5: a query argument
                qa.audit_cycle(bad, as_of=AS_OF)
            assert caught.value.field == "cycle_id" and caught.value.rule == "R-AUD-1"


def test_scoped_to_a_principal_r_acc_1() -> None:
    """R-ACC-1: a team manager of T-WEST sees only West's audits; a qa_unit worker all."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        qa.record_json(
            {
                "type": "WorkerRegistered",
                "worker_id": "TMW",
                "team_id": "T-WEST",
                "role": "team_manager",
                "experience": "experienced",
                "registered_on": "2025-01-06",
            }
        )
        west = qa.audit_cycle("2026-T2", as_of=AS_OF, as_worker="TMW")
        everything = qa.audit_cycle("2026-T2", as_of=AS_OF, as_worker="QA1")
        with pytest.raises(UnknownReference):
            qa.audit_cycle("2026-T2", as_of=AS_OF, as_worker="NOBODY")
    assert (
        west.audits == 4 and [b.key for b in west.by_team] == ["T-WEST"] and west.good_or_better_share == 0.5
    )
    assert everything.audits == 10


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gen.audits(),
    st.sampled_from(["2025-T3", "2026-T1", "2026-T2", "2026-T3"]),
    st.just(gen.END) | gen.days,
    st.integers(0, 2**32),
)
def test_audit_cycle_matches_the_oracle_in_any_recording_order_r_aud_1_r_aud_2_r_aud_3(
    audits: list[kq.events.AuditCompleted], cycle_id: str, as_of: dt.date, seed: int
) -> None:
    """R-AUD-1..3 oracle: counts by kind, grade shares overall and by team, service and area,
    and per-phase counts equal a plain computation over the events, whatever the order the
    events were recorded in (teams registered after their audits included)."""
    events = [*gen.organisation(), *audits]
    with gen.connect() as qa:
        gen.record_in_any_order(qa, events, seed)
        cycle = qa.audit_cycle(cycle_id, as_of=as_of)
    mine = oracle.cycle_audits(events, cycle_id, as_of)
    counts, share = oracle.grade_share(mine)
    assert cycle.audits == len(mine)
    assert cycle.audits_by_kind == {k.value: sum(1 for a in mine if a.kind == k) for k in kq.AuditKind}
    assert (cycle.grades, cycle.good_or_better_share) == (counts, share)
    for by, rows in (("team", cycle.by_team), ("service", cycle.by_service), ("area", cycle.by_area)):
        assert {r.key: (r.audits, r.grades, r.good_or_better_share) for r in rows} == oracle.breakdown(
            events, mine, by
        )
    assert cycle.phase == oracle.phase(as_of, cycle_id)
    for p in cycle.phases:
        of_kind = [a for a in mine if a.kind == p.kind]
        assert p.completed == len(of_kind) == sum(p.by_team.values()) == sum(p.by_area.values())
        assert p.completed_in_phase == sum(
            1 for a in of_kind if oracle.phase(a.completed_on, cycle_id) == p.phase
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gen.audits(max_size=25), st.integers(0, 2**32), st.integers(0, 2**32))
def test_the_same_events_in_another_order_give_the_same_rows_r_aud_3(
    audits: list[kq.events.AuditCompleted], seed_a: int, seed_b: int
) -> None:
    """Order independence: two recording orders give identical cycle rows and trend."""
    events = [*gen.organisation(), *audits]
    results = []
    for seed in (seed_a, seed_b):
        with gen.connect() as qa:
            gen.record_in_any_order(qa, events, seed)
            results.append(
                [
                    (qa.audit_cycle(c, as_of=gen.END), qa.good_or_better_trend(c, as_of=gen.END))
                    for c in ("2025-T3", "2026-T1", "2026-T2", "2026-T3")
                ]
            )
    assert results[0] == results[1]


def test_good_or_better_trend_lists_each_graded_cycle_up_to_this_one_r_aud_3() -> None:
    """R-AUD-3 over time: 2026-T1 had 1 of 2 good, 2026-T2 3 of 8; nothing after T2 is shown."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        for n, (grade, day) in enumerate(
            [("good", "2026-05-04"), ("inadequate", "2026-06-04"), ("good", "2026-12-04")]
        ):
            qa.record_json(
                {
                    "type": "AuditCompleted",
                    "audit_id": f"X{n}",
                    "kind": "multi_agency",
                    "auditor_id": "K",
                    "team_id": "T-EAST",
                    "completed_on": day,
                    "overall": grade,
                }
            )
        trend = qa.good_or_better_trend("2026-T2", as_of=D(2026, 12, 31))
    assert [(t.cycle_id, t.graded, t.good_or_better, t.good_or_better_share) for t in trend] == [
        ("2026-T1", 2, 1, 0.5),
        ("2026-T2", 8, 3, 3 / 8),
    ]
