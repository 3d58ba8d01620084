"""Notification sources: what each area tells, compared with plain functions over the events.

audit_inadequate (framework 4.3 "Audits"): one per audit graded inadequate overall, to the
audited team's manager, announced while its completion date is within
``Policy.notification_lookback_days`` before the run's date.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.notifications import NotificationKind
from kentqa_domain.queries.notifications import SOURCES, derive
from kentqa_domain.values import AuditKind, Grade

TEAMS = ["T1", "T2"]
START = dt.date(2026, 1, 5)
CASE_KINDS = {AuditKind.PRACTITIONER, AuditKind.PEER}


def _inadequate_peer_audit(audit_id: str, team_id: str, completed_on: str) -> dict[str, Any]:
    return {
        "type": "AuditCompleted",
        "audit_id": audit_id,
        "kind": "peer",
        "auditor_id": "X",
        "team_id": team_id,
        "completed_on": completed_on,
        "case_ref": "C1",
        "overall": "inadequate",
    }


def _org() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"type": "TeamRegistered", "team_id": t, "name": t, "service": f"S-{t}", "area": "East"}
        for t in TEAMS
    ]
    out.append(
        {
            "type": "WorkerRegistered",
            "worker_id": "TM1",
            "team_id": "T1",
            "role": "team_manager",
            "experience": "experienced",
            "registered_on": START.isoformat(),
        }
    )
    return out


@st.composite
def audits(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(0, 8))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(list(AuditKind)))
        overall = (
            draw(st.sampled_from(list(Grade)))
            if kind.graded
            else draw(st.none() | st.sampled_from(list(Grade)))
        )
        out.append(
            {
                "type": "AuditCompleted",
                "audit_id": f"A{i}",
                "kind": kind.value,
                "auditor_id": draw(st.sampled_from(["AUD1", "AUD2"])),
                "team_id": draw(st.sampled_from(TEAMS)),
                "completed_on": (START + dt.timedelta(days=draw(st.integers(0, 120)))).isoformat(),
                "case_ref": draw(
                    st.sampled_from(["C1", "C2"]) if kind in CASE_KINDS else st.none() | st.just("C1")
                ),
                "overall": overall.value if overall else None,
            }
        )
    return out


def oracle(events: list[dict[str, Any]], as_of: dt.date, lookback: int) -> set[tuple[str, str, str, str]]:
    """Plainly: (key, audience, team, audit id) for each inadequate audit completed in the window."""
    found = set()
    for e in events:
        if e["type"] != "AuditCompleted" or e.get("overall") != "inadequate":
            continue
        done = dt.date.fromisoformat(e["completed_on"])
        if as_of - dt.timedelta(days=lookback) <= done <= as_of:
            key = f"audit_inadequate:audit:{e['audit_id']}:{done.isoformat()}"
            found.add((key, "team_manager", e["team_id"], e["audit_id"]))
    return found


@settings(max_examples=60)
@given(audits(), st.integers(0, 150), st.integers(0, 60), st.randoms(use_true_random=False))
def test_inadequate_audits_match_the_oracle_whatever_the_order(
    events: list[dict[str, Any]], offset: int, lookback: int, rnd: random.Random
) -> None:
    as_of = START + dt.timedelta(days=offset)
    policy = attrs.evolve(kq.Policy(), notification_lookback_days=lookback)
    expected = oracle(events, as_of, lookback)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    for order in (events, shuffled):
        with kq.connect("memory://", policy=policy) as qa:
            qa.record_many(_org() + order)
            got = qa.notifications(as_of=as_of)
        assert {(n.key, n.audience, n.team_id, n.ref("audit_id")) for n in got} == expected
        assert all(n.kind is NotificationKind.AUDIT_INADEQUATE for n in got)
        assert all(f"Audit {n.ref('audit_id')} " in n.message and "inadequate" in n.message for n in got)


def test_the_lookback_window_is_inclusive_at_both_ends() -> None:
    """Completed 28 days before the run's date: told; 29 days before: not; after it: not yet."""
    events = _org() + [
        _inadequate_peer_audit(a, "T1", d)
        for a, d in [
            ("OLD", "2026-02-01"),
            ("EDGE", "2026-02-02"),
            ("TODAY", "2026-03-02"),
            ("LATER", "2026-03-03"),
        ]
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        keys = [n.key for n in qa.notifications(as_of=dt.date(2026, 3, 2))]
    assert keys == ["audit_inadequate:audit:EDGE:2026-02-02", "audit_inadequate:audit:TODAY:2026-03-02"]


def test_message_names_the_audit_team_case_worker_and_auditor() -> None:
    events = [
        *_org(),
        {
            "type": "WorkerRegistered",
            "worker_id": "W9",
            "team_id": "T2",
            "role": "practitioner",
            "experience": "experienced",
            "registered_on": "2026-01-05",
        },
        {
            "type": "AuditCompleted",
            "audit_id": "A7",
            "kind": "practitioner",
            "auditor_id": "AUD3",
            "team_id": "T2",
            "completed_on": "2026-03-02",
            "case_ref": "C-77",
            "worker_id": "W9",
            "overall": "inadequate",
        },
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        (n,) = qa.notifications(as_of=dt.date(2026, 3, 3))
    assert n.message == (
        "Audit A7 (practitioner audit; team T2, case C-77, worker W9) was graded inadequate overall by AUD3 on 2026-03-02."
    )
    assert dict(n.refs) == {
        "audit_id": "A7",
        "team_id": "T2",
        "auditor_id": "AUD3",
        "case_ref": "C-77",
        "worker_id": "W9",
    }


def test_notifications_are_scoped_like_every_query() -> None:
    """R-ACC-1: the team manager of T1 sees T1's notifications, not T2's."""
    events = _org() + [_inadequate_peer_audit(f"A-{t}", t, "2026-03-02") for t in TEAMS]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        everyone = qa.notifications(as_of=dt.date(2026, 3, 2))
        mine = qa.notifications(as_of=dt.date(2026, 3, 2), as_worker="TM1")
    assert {n.team_id for n in everyone} == {"T1", "T2"}
    assert [n.team_id for n in mine] == ["T1"]


def test_derive_keeps_one_notification_per_key_and_sorts_by_due_date() -> None:
    import kentqa_domain.areas.audits.notify as audits_source

    events = _org() + [
        _inadequate_peer_audit(a, "T1", d) for a, d in [("B", "2026-03-01"), ("A", "2026-03-02")]
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        twice = derive(qa, qa.policy, dt.date(2026, 3, 2), sources=[audits_source.inadequate_audits] * 2)
    assert [n.subject for n in twice] == ["audit:B", "audit:A"]
    assert audits_source.inadequate_audits in SOURCES
