"""R-AUD-4: triad recommendations by greatest grade gap, against an oracle and by example."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from tests import audit_oracle as oracle
from tests import audit_strategies as gen
from tests.audit_scenario import worked_example

D = dt.date
AS_OF = D(2026, 11, 26)


#: Mostly the kinds R-AUD-4 compares, so that many cases have both.
COMPARED = st.sampled_from(
    [kq.AuditKind.PRACTITIONER, kq.AuditKind.PEER, kq.AuditKind.PEER, kq.AuditKind.TRIAD]
)


def _audit(
    audit_id: str, kind: str, auditor: str, case: str, grade: str, on: str = "2026-08-10", **more: Any
) -> dict[str, Any]:
    return {
        "type": "AuditCompleted",
        "audit_id": audit_id,
        "kind": kind,
        "auditor_id": auditor,
        "team_id": "T-EAST",
        "completed_on": on,
        "case_ref": case,
        "overall": grade,
        **more,
    }


def _rows(
    qa: Any, cycle: str = "2026-T2", as_of: dt.date = AS_OF
) -> list[tuple[str, str, float, int, str | None]]:
    return [
        (r.auditor_a, r.auditor_b, r.mean_gap, r.cases, r.qa_member)
        for r in qa.triad_recommendations(cycle, as_of=as_of)
    ]


def test_worked_example_ties_on_gap_and_count_fall_back_to_ids_r_aud_4() -> None:
    """R-AUD-4: PM-X/TM-A gaps |2-4|=2 and |3-3|=0 (mean 1, 2 cases); PM-Y/TM-B gaps |1-2|=1
    and |4-3|=1 (mean 1, 2 cases). Tied on mean and count, so by ids: PM-X before PM-Y;
    the qa_unit members QA1, QA2 in turn."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        rows = qa.triad_recommendations("2026-T2", as_of=AS_OF)
    assert [
        (r.rank, r.auditor_a, r.auditor_b, r.mean_gap, r.cases, r.total_gap, r.case_refs, r.qa_member)
        for r in rows
    ] == [
        (1, "PM-X", "TM-A", 1.0, 2, 2, ("C1", "C2"), "QA1"),
        (2, "PM-Y", "TM-B", 1.0, 2, 2, ("C3", "C4"), "QA2"),
    ]


def test_ranked_by_mean_gap_then_count_then_ids_r_aud_4() -> None:
    """R-AUD-4 ordering: mean gap desc (2 > 1.5 > 1), then cases desc (1.0 over 2 cases before
    1.0 over 1 case), then ids; pairs with a mean gap of 0 are left out; the qa_unit
    members (sorted by id: QA1, QA2, QA3) are given in turn and wrap round."""
    events: list[dict[str, Any]] = [
        {"type": "TeamRegistered", "team_id": "T-EAST", "name": "E", "service": "S", "area": "East"},
        *(
            {
                "type": "WorkerRegistered",
                "worker_id": w,
                "team_id": "T-EAST",
                "role": "qa_unit",
                "experience": "experienced",
                "registered_on": "2025-01-01",
            }
            for w in ("QA3", "QA1", "QA2")
        ),
    ]
    cases = [  # (case, practitioner auditor, grade, peer auditor, grade)
        ("K1", "A", "good", "B", "requires_improvement"),  # A-B: 1
        ("K2", "A", "good", "B", "good"),  # A-B: 0  -> A-B mean 0.5 over 2
        ("K3", "C", "outstanding", "D", "requires_improvement"),  # C-D: 2
        ("K4", "E", "good", "F", "inadequate"),  # E-F: 2
        ("K5", "E", "good", "F", "good"),  # E-F: 0 -> mean 1.0 over 2
        ("K6", "G", "good", "H", "outstanding"),  # G-H: 1 over 1
        ("K7", "I", "good", "J", "good"),  # I-J: 0, never recommended
        ("K8", "Z", "outstanding", "Y", "inadequate"),  # Y-Z: 3, names the pair a<b
        ("K9", "P", "good", "Q", "inadequate"),  # P-Q: 2
        ("K10", "P", "good", "Q", "good"),  # P-Q: 0
        ("K11", "P", "outstanding", "Q", "outstanding"),  # P-Q: 0 -> 2/3 over 3 cases
        ("K12", "C", "good", "D", "outstanding"),  # C-D: 1 -> 1.5 over 2
    ]
    for case, pa, pg, qa_, qg in cases:
        events.append(_audit(f"P-{case}", "practitioner", pa, case, pg))
        events.append(_audit(f"Q-{case}", "peer", qa_, case, qg, on="2026-10-10"))
    with gen.connect() as qa:
        qa.record_many(events)
        rows = _rows(qa)
    assert rows == [
        ("Y", "Z", 3.0, 1, "QA1"),
        ("C", "D", 1.5, 2, "QA2"),
        ("E", "F", 1.0, 2, "QA3"),
        ("G", "H", 1.0, 1, "QA1"),
        ("P", "Q", 2 / 3, 3, "QA2"),
        ("A", "B", 0.5, 2, "QA3"),
    ]


def test_no_qa_unit_worker_gives_none_and_leavers_are_not_asked_r_aud_4() -> None:
    """R-AUD-4: qa_member is None without a current qa_unit worker; one who left, or who
    registers after ``as_of``, is not offered."""
    base = [e for e in worked_example() if e["type"] != "WorkerRegistered"]
    with gen.connect() as qa:
        qa.record_many(base)
        assert [r.qa_member for r in qa.triad_recommendations("2026-T2", as_of=AS_OF)] == [None, None]
        qa.record_many(
            [
                {
                    "type": "WorkerRegistered",
                    "worker_id": "QA0",
                    "team_id": "T-EAST",
                    "role": "qa_unit",
                    "experience": "experienced",
                    "registered_on": "2025-01-01",
                },
                {"type": "WorkerLeft", "worker_id": "QA0", "left_on": "2026-11-01"},
                {
                    "type": "WorkerRegistered",
                    "worker_id": "QA9",
                    "team_id": "T-EAST",
                    "role": "qa_unit",
                    "experience": "experienced",
                    "registered_on": "2026-12-01",
                },
                {
                    "type": "WorkerRegistered",
                    "worker_id": "QA5",
                    "team_id": "T-EAST",
                    "role": "qa_unit",
                    "experience": "experienced",
                    "registered_on": "2026-01-01",
                },
            ]
        )
        assert [r.qa_member for r in qa.triad_recommendations("2026-T2", as_of=AS_OF)] == ["QA5", "QA5"]
        assert [r.qa_member for r in qa.triad_recommendations("2026-T2", as_of=D(2026, 10, 31))] == [
            "QA0",
            "QA5",
        ]


def test_the_latest_audit_of_each_kind_counts_and_nobody_moderates_with_themselves_r_aud_4() -> None:
    """Decision 0301: of two practitioner audits of a case, the later one counts (ties on date
    by the greater audit id); a case whose two audits are by one auditor gives no pair."""
    events = [e for e in worked_example() if e["type"] in ("TeamRegistered", "WorkerRegistered")]
    events += [
        _audit("P-old", "practitioner", "A", "K1", "outstanding", on="2026-08-03"),
        _audit("P-new", "practitioner", "C", "K1", "good", on="2026-08-20"),
        _audit("Q1", "peer", "B", "K1", "inadequate", on="2026-10-01"),  # C-B gap 2; A is not compared
        _audit("P2a", "practitioner", "A", "K2", "outstanding", on="2026-08-05"),
        _audit("P2b", "practitioner", "D", "K2", "inadequate", on="2026-08-05"),  # same day: P2b > P2a wins
        _audit("Q2", "peer", "B", "K2", "inadequate", on="2026-10-01"),  # D-B gap 0
        _audit("P3", "practitioner", "E", "K3", "outstanding"),
        _audit("Q3", "peer", "E", "K3", "inadequate", on="2026-10-01"),  # the same auditor: no pair
    ]
    with gen.connect() as qa:
        qa.record_many(events)
        assert _rows(qa) == [("B", "C", 2.0, 1, "QA1")]


def test_only_the_cycle_s_audits_up_to_as_of_are_compared_r_aud_4() -> None:
    """R-AUD-4: the peer audits are in October; on 30 Sep there is nothing to compare, and a
    peer audit of the same case in the next cycle does not pair with this cycle's."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        assert _rows(qa, as_of=D(2026, 9, 30)) == []
        qa.record_json(_audit("R9", "peer", "PM-Z", "C3", "inadequate", on="2026-12-05"))
        assert _rows(qa, "2026-T3", as_of=D(2026, 12, 31)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gen.compared_cases(
        on=st.dates(D(2026, 8, 1), D(2026, 11, 30)) | st.dates(D(2026, 7, 1), D(2026, 12, 31))
    ),
    gen.audits(max_size=10, kinds=COMPARED, on=st.dates(D(2026, 6, 1), D(2026, 12, 31))),
    gen.qa_unit(),
    st.sampled_from(["2026-T2", "2026-T2", "2026-T2", "2026-T3"]),
    st.dates(D(2026, 11, 15), D(2027, 3, 31)) | st.dates(D(2026, 9, 1), D(2027, 3, 31)),
    st.integers(0, 2**32),
)
def test_triad_recommendations_match_the_oracle_in_any_order_r_aud_4(
    cases: list[ev.AuditCompleted],
    others: list[ev.AuditCompleted],
    qa_workers: list[ev.Event],
    cycle_id: str,
    as_of: dt.date,
    seed: int,
) -> None:
    """R-AUD-4 oracle on generated audits (few auditors and cases, so gaps and ties abound):
    the same pairs, exact mean gaps, counts, order (ties by count then ids) and qa members
    as a plain comparator-sorted computation, whatever the recording order."""
    events = [*gen.organisation(), *qa_workers, *cases, *others]
    with gen.connect() as qa:
        gen.record_in_any_order(qa, events, seed)
        rows = qa.triad_recommendations(cycle_id, as_of=as_of)
    expected = oracle.triad(events, cycle_id, as_of)
    assert [(r.auditor_a, r.auditor_b, r.cases, r.qa_member) for r in rows] == [
        (a, b, n, q) for a, b, _m, n, q in expected
    ]
    assert [r.mean_gap for r in rows] == [float(m) for _a, _b, m, _n, _q in expected]
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    for r in rows:
        assert r.auditor_a < r.auditor_b and r.mean_gap > 0 and r.mean_gap == r.total_gap / r.cases
        assert len(r.case_refs) == r.cases
