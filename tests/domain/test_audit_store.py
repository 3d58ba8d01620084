"""The audit cycle kept in the store (SPEC 9.4, decision 0900): its answers equal a plain fold
over the events, pages of the actions register join up, its row tables give what the API
gives to plain SQL, a second connection answers without folding history, and the queries
about now read the same documents and rows after ten years of closed history as after one."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.areas.audits import queries as audit_queries
from kentqa_domain.areas.audits.rows import AuditActionRow
from kentqa_domain.notifications import NotificationKind
from kentqa_domain.readmodel.tables import as_date
from tests import audit_oracle as oracle
from tests import audit_strategies as gen
from tests.audit_scenario import busy_council, worked_example

D = dt.date
TODAY = D(2026, 11, 26)
ROOT = Path(__file__).resolve().parents[2]
STATES = ["open", "overdue", "completed"]
CYCLES = ["2025-T3", "2026-T1", "2026-T2", "2026-T3"]

Run = Callable[[str], list[tuple[Any, ...]]]


@st.composite
def agreed_themes(draw: st.DrawFn) -> list[ev.ThematicAuditAgreed]:
    """0-4 themes, named as the generated thematic audits name theirs (in any case)."""
    out = []
    names = draw(
        st.lists(st.sampled_from(["neglect", "Voice", "chronology", "other"]), unique=True, max_size=4)
    )
    for theme_id in names:
        agreed = draw(gen.days)
        out.append(
            ev.ThematicAuditAgreed(
                theme_id=theme_id,
                title=f"Theme {theme_id}",
                hypothesis="It is recognised late",
                agreed_on=agreed,
                due_on=draw(st.dates(agreed, gen.END)),
            )
        )
    return out


def _pages(qa: Any, limit: int, **asked: Any) -> list[AuditActionRow]:
    """Every page of the register, each asked for after the previous page's last row."""
    rows: list[AuditActionRow] = []
    after = None
    for _ in range(200):
        page = qa.audit_actions(limit=limit, after=after, **asked)
        assert len(page) <= limit
        rows += page
        if len(page) < limit:
            return rows
        after = (page[-1].audit_id, page[-1].action_id)
    raise AssertionError("the pages never end")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.data(),
    gen.audits(max_size=30),
    st.just(gen.END) | gen.days,
    st.none() | st.lists(st.sampled_from(STATES), min_size=1, unique=True),
    st.none() | gen.days,
    st.none() | st.sampled_from(CYCLES),
    st.integers(1, 4),
    st.integers(0, 2**32),
)
def test_audit_actions_filtered_and_paged_match_the_oracle_r_aud_5(
    data: st.DataObject,
    audits: list[ev.AuditCompleted],
    as_of: dt.date,
    states: list[str] | None,
    since: dt.date | None,
    cycle_id: str | None,
    limit: int,
    seed: int,
) -> None:
    """R-AUD-5 from the store: the register filtered by state, date raised and cycle equals a
    plain computation over the events, whole and page by page (pages join up exactly);
    the counts equal the oracle's, whatever the recording order."""
    done = data.draw(gen.completions(audits))
    events = [*gen.organisation(), *audits, *done]
    asked = {"as_of": as_of, "state": states, "since": since, "cycle_id": cycle_id}
    expected = oracle.action_register(
        events, as_of, states=set(states) if states else None, since=since, cycle_id=cycle_id
    )
    with gen.connect() as qa:
        gen.record_in_any_order(qa, events, seed)
        whole = qa.audit_actions(**asked)
        paged = _pages(qa, limit, **asked)
        counts = qa.audit_action_counts(cycle_id, as_of=as_of)
    assert [(r.audit_id, r.action_id, r.status.value) for r in whole] == expected
    assert paged == whole
    every = oracle.action_register(events, as_of, cycle_id=cycle_id)
    assert counts == {s: sum(1 for *_key, state in every if state == s) for s in STATES}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gen.audits(max_size=30),
    agreed_themes(),
    st.just(gen.END) | gen.days,
    st.sampled_from(CYCLES),
    st.integers(0, 2**32),
)
def test_themes_trend_notifications_and_rows_match_a_plain_fold_r_aud_3_r_aud_6(
    audits: list[ev.AuditCompleted],
    themes: list[ev.ThematicAuditAgreed],
    as_of: dt.date,
    cycle_id: str,
    seed: int,
) -> None:
    """R-AUD-6 (thematic audits, whole and per cycle), R-AUD-3 over time (the trend), the
    inadequate-audit notifications of the lookback window, and the rows of
    ``kentqa_audit_actions`` equal a plain fold over the events in any recording order."""
    events = [*gen.organisation(), *themes, *audits]
    with gen.connect() as qa:
        gen.record_in_any_order(qa, events, seed)
        every = qa.thematic_audits(as_of=as_of)
        in_cycle = qa.thematic_audits(cycle_id, as_of=as_of)
        trend = qa.good_or_better_trend(cycle_id, as_of=as_of)
        notices = [n for n in qa.notifications(as_of=as_of) if n.kind is NotificationKind.AUDIT_INADEQUATE]
        rows = qa.view().select(
            "SELECT audit_id, action_id, owner_id, team_id, raised_on, due_on FROM kentqa_audit_actions"
        )
        lookback = qa.policy.notification_lookback_days
    assert [(r.theme_id, r.status.value, r.audits, r.first_completed_on) for r in every] == oracle.thematic(
        events, as_of
    )
    assert [
        (r.theme_id, r.status.value, r.audits, r.first_completed_on) for r in in_cycle
    ] == oracle.thematic(events, as_of, cycle_id)
    assert [(t.cycle_id, t.graded, t.good_or_better, t.good_or_better_share) for t in trend] == oracle.trend(
        events, cycle_id, as_of
    )
    start = as_of - dt.timedelta(days=lookback)
    assert sorted(n.subject for n in notices) == sorted(
        f"audit:{a.audit_id}"
        for a in audits
        if a.overall is kq.Grade.INADEQUATE and start <= a.completed_on <= as_of
    )
    assert sorted((a, b, o, t, as_date(r), as_date(d)) for a, b, o, t, r, d in rows) == sorted(
        (a.audit_id, x.action_id, x.owner_id, a.team_id, a.completed_on, x.due_on)
        for a in audits
        for x in a.actions
    )


def test_pages_order_ids_as_python_does_in_every_collation_r_aud_5(qa: Any) -> None:
    """Actions due on one day are paged by audit id as Python orders text (by code point),
    on every back end, whatever the database's collation would say ("B" before "a")."""
    ids = ["a", "B", "_c", "é", "A-2", "a1"]
    qa.record_many(
        [
            {"type": "TeamRegistered", "team_id": "T1", "name": "T", "service": "S", "area": "A"},
            *(
                {
                    "type": "AuditCompleted",
                    "audit_id": i,
                    "kind": "appreciative_inquiry",
                    "auditor_id": "QA",
                    "team_id": "T1",
                    "completed_on": "2026-08-03",
                    "actions": [
                        {"action_id": n, "description": "Do it", "owner_id": "W", "due_on": "2026-09-01"}
                        for n in ("2", "10")
                    ],
                }
                for i in ids
            ),
        ]
    )
    expected = sorted((i, n) for i in ids for n in ("2", "10"))
    for limit in (1, 2, 5):
        assert [
            (r.audit_id, r.action_id) for r in _pages(qa, limit, as_of=TODAY, state="overdue")
        ] == expected
    assert [(r.audit_id, r.action_id) for r in qa.audit_actions(as_of=TODAY)] == expected


# --- the rows to plain SQL --------------------------------------------------------------


def _doc_queries() -> list[str]:
    """The SQL examples of docs/read-model.md's audit cycle section."""
    text = (ROOT / "docs" / "read-model.md").read_text(encoding="utf-8")
    section = text.split("## The audit cycle", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


@pytest.fixture(params=["sqlite", "postgres"])
def plain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Run]]:
    """A store URL and a function running SQL on it with the plain driver (sqlite3, psycopg)."""
    if request.param == "sqlite":
        path = tmp_path / "kentqa.db"

        def run_sqlite(sql: str) -> list[tuple[Any, ...]]:
            db = sqlite3.connect(path)
            try:
                return [tuple(r) for r in db.execute(sql).fetchall()]
            finally:
                db.close()

        yield f"sqlite:///{path}", run_sqlite
        return
    import psycopg

    url = request.getfixturevalue("make_postgres_db")()

    def run_postgres(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(url) as db:
            return [tuple(r) for r in db.execute(sql).fetchall()]  # type: ignore[arg-type]

    yield url, run_postgres


def _theme_done_and_a_leaver() -> list[dict[str, Any]]:
    """A theme done by a thematic audit, one never done, and a QA Unit worker who left."""
    return [
        {"type": "ThematicAuditAgreed", "theme_id": "Voice", "title": "The child's voice",
         "hypothesis": "Plans do not quote the child", "agreed_on": "2026-04-10", "due_on": "2026-07-31"},
        {"type": "ThematicAuditAgreed", "theme_id": "transitions", "title": "Moving to adult services",
         "hypothesis": "Plans start late", "agreed_on": "2026-09-01", "due_on": "2026-12-20"},
        {"type": "AuditCompleted", "audit_id": "TH-V", "kind": "thematic", "auditor_id": "QA-1",
         "team_id": "T-EAST-1", "completed_on": "2026-07-20", "overall": "good", "themes": ["voice"]},
        {"type": "WorkerLeft", "worker_id": "QA-2", "left_on": "2026-10-31"},
    ]  # fmt: skip


def test_plain_sql_of_the_documented_tables_gives_what_the_api_gives(plain: tuple[str, Run]) -> None:
    """docs/read-model.md's examples, run by sqlite3 / psycopg on a busy council's store,
    agree with ``audits``, ``audit_actions(state="overdue")``, ``thematic_audits`` and the
    QA Unit the triads draw on."""
    url, run = plain
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many([*busy_council(), *_theme_done_and_a_leaver()])
        audits = qa.audits("2026-T2", as_of=D(2027, 3, 31))
        overdue = qa.audit_actions(as_of=TODAY, state="overdue")
        themes = qa.thematic_audits(as_of=D(2030, 1, 1))
        members = audit_queries.qa_unit(qa.view(), TODAY)
    by_kind, due, not_done, members_sql = _doc_queries()
    kinds = {k: (n, g, s) for k, n, g, s in run(by_kind)}
    assert {k: n for k, (n, _g, _s) in kinds.items()} == dict(Counter(a.kind.value for a in audits))
    for kind, (_n, graded, share) in kinds.items():
        mine = [a for a in audits if a.kind.value == kind and a.kind.graded]
        good = sum(1 for a in mine if a.overall is not None and a.overall.good_or_better)
        assert graded == len(mine)
        assert (None if share is None else float(share)) == (
            pytest.approx(good / len(mine)) if mine else None
        )
    rows = run(due.replace("CURRENT_DATE", f"'{TODAY.isoformat()}'"))
    assert overdue
    assert [(a, b, o, t, as_date(d)) for a, b, o, t, d in rows] == [
        (r.audit_id, r.action_id, r.owner_id, r.team_id, r.due_on) for r in overdue
    ]
    assert [t for t, _title, _due in run(not_done)] == [r.theme_id for r in themes if r.status != "completed"]
    assert [w for (w,) in run(members_sql)] == members == ["QA-1", "QA-3"]


# --- a second connection --------------------------------------------------------------------


def _answers(qa: Any) -> tuple[Any, ...]:
    return (
        qa.audit_cycle("2026-T2", as_of=TODAY),
        qa.triad_recommendations("2026-T2", as_of=TODAY),
        qa.audit_actions(as_of=TODAY, state=("open", "overdue")),
        qa.thematic_audits("2026-T2", as_of=TODAY),
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_second_connection_answers_from_the_rows_without_folding_history(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Another connection to the same store gives the same answers, having folded nothing
    into the audit projection (its position is the store's) and loaded only the documents
    its queries read: the cycle's audits (the live actions are theirs) and one theme."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'kentqa.db'}"
    else:
        url = request.getfixturevalue("make_postgres_db")()
    with kq.connect(url, policy=kq.Policy()) as first:
        first.record_many([*_old_history(3), *worked_example()])
        expected = _answers(first)
    with kq.connect(url, policy=kq.Policy()) as second:
        book = second.projections["audit_cycle"]
        assert second.projections.positions()["audit_cycle"] == second.position
        assert book.session.loads == 0  # opening read no audit document
        assert _answers(second) == expected
        cycle_audits = len(second.audits("2026-T2", as_of=TODAY))
        assert book.session.cached == cycle_audits + 2  # + the theme and its label


# --- flat as history grows -------------------------------------------------------------------


def _old_history(years: int) -> list[dict[str, Any]]:
    """``years`` of closed audit history before April 2026: each cycle's practitioner and peer
    audits of the same cases (some inadequate, with actions done on time), a thematic audit
    agreed and done, and QA Unit workers who came and went."""
    events: list[dict[str, Any]] = [
        {"type": "TeamRegistered", "team_id": "T-OLD", "name": "Old", "service": "CSW", "area": "East"}
    ]
    grades = ["good", "requires_improvement", "inadequate", "outstanding"]
    for year in range(2026 - years, 2026):
        member = f"QA-{year}"
        events += [
            {"type": "WorkerRegistered", "worker_id": member, "team_id": "T-OLD", "role": "qa_unit",
             "experience": "experienced", "registered_on": f"{year}-04-01"},
            {"type": "WorkerLeft", "worker_id": member, "left_on": f"{year + 1}-03-31"},
        ]  # fmt: skip
        for third, month in enumerate((4, 8, 12), start=1):
            start = D(year, month, 1)
            tag = f"{year}-T{third}"
            events += [
                {"type": "ThematicAuditAgreed", "theme_id": f"theme-{tag}", "title": "Old theme",
                 "hypothesis": "Old", "agreed_on": start.isoformat(),
                 "due_on": (start + dt.timedelta(days=60)).isoformat()},
                {"type": "AuditCompleted", "audit_id": f"TH-{tag}", "kind": "thematic", "auditor_id": member,
                 "team_id": "T-OLD", "completed_on": (start + dt.timedelta(days=40)).isoformat(),
                 "overall": "good", "themes": [f"theme-{tag}"]},
            ]  # fmt: skip
            for case in range(10):
                for kind, offset, auditor in (("practitioner", 3, "TM-OLD"), ("peer", 65, "PM-OLD")):
                    audit_id = f"{kind[:2]}-{tag}-{case}"
                    on = start + dt.timedelta(days=offset + case)
                    events += [
                        {"type": "AuditCompleted", "audit_id": audit_id, "kind": kind, "auditor_id": auditor,
                         "team_id": "T-OLD", "completed_on": on.isoformat(), "case_ref": f"K-{tag}-{case}",
                         "overall": grades[(case + offset) % 4],
                         "actions": [{"action_id": "1", "description": "Fix it", "owner_id": "W-OLD",
                                      "due_on": (on + dt.timedelta(days=30)).isoformat()}]},
                        {"type": "AuditActionCompleted", "audit_id": audit_id, "action_id": "1",
                         "completed_on": (on + dt.timedelta(days=20)).isoformat()},
                    ]  # fmt: skip
    return events


def _now_queries(qa: Any) -> None:
    """The questions about now: the current cycle, its triads, the actions not done, the
    cycle's counts and thematic audits, and the inadequate audits of the lookback window."""
    qa.audit_cycle("2026-T2", as_of=TODAY)
    qa.audits("2026-T2", as_of=TODAY)
    qa.triad_recommendations("2026-T2", as_of=TODAY)
    qa.audit_actions(as_of=TODAY, state="overdue")
    qa.audit_actions(as_of=TODAY, state=["open", "overdue"], limit=10)
    qa.audit_action_counts("2026-T2", as_of=TODAY)
    qa.thematic_audits("2026-T2", as_of=TODAY)
    audit_queries.completed_between(qa.view(), TODAY - dt.timedelta(days=30), TODAY)


def _cost(tmp_path: Path, years: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, list[str]]:
    """(documents loaded, rows the audit tables gave, query plans) of the questions about now
    (documents: with the learning report too), asked by a fresh connection to a store
    holding ``years`` of older history."""
    path = tmp_path / f"history-{years}.db"
    with kq.connect(f"sqlite:///{path}", policy=kq.Policy()) as qa:
        qa.record_many([*_old_history(years), *worked_example()])
    rows: list[int] = []
    statements: list[tuple[str, tuple[Any, ...]]] = []
    with kq.connect(f"sqlite:///{path}", policy=kq.Policy()) as qa:
        tables = qa.projections.tables
        real = tables.select

        def counting(statement: str, params: Any = ()) -> list[tuple[Any, ...]]:
            found: list[tuple[Any, ...]] = real(statement, params)
            if re.search(r"kentqa_(audit|thematic|qa_unit)", statement):
                rows.append(len(found))
                statements.append((statement, tuple(tables.row_value(p) for p in params)))
            return found

        monkeypatch.setattr(tables, "select", counting)
        _now_queries(qa)
        monkeypatch.setattr(tables, "select", real)
        qa.learning_report("2026-T2", as_of=TODAY)  # its trend counts every cycle: rows not compared
        loads = qa.projections["audit_cycle"].session.loads
    db = sqlite3.connect(path)
    try:
        plans = [
            str(row[-1])
            for sql, params in statements
            for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        ]
    finally:
        db.close()
    return loads, sum(rows), plans


def test_questions_about_now_read_the_same_after_ten_years_as_after_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flatness (SPEC 9.4): ten times the closed history (audits, actions done, themes done,
    QA Unit leavers) changes neither the documents the questions about now load nor the
    rows they get, and every statement they run searches an index (no table scan)."""
    one = _cost(tmp_path, 1, monkeypatch)
    ten = _cost(tmp_path, 10, monkeypatch)
    assert one[:2] == ten[:2]
    assert one[0] > 0 and one[1] > 0
    scans = [plan for plan in ten[2] if plan.startswith("SCAN")]
    assert not scans, scans
