"""Children's plans and escalations in the store (SPEC 9.4, decision 0900): the row tables read
with plain SQL give the API's answers (SQLite through ``sqlite3``, PostgreSQL through
``psycopg``); a second connection answers from the stored documents and rows without folding
history; queries about now read the same documents after ten times the closed history; the
escalations register pages."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.escalations.projection import EscalationState
from kentqa_domain.areas.escalations.queries import OPEN_ESCALATIONS, OPEN_PLANS, _register_ids
from kentqa_domain.errors import InvalidInput, UnknownReference
from tests.plan_history import NOW, QUARTER, council

ROOT = Path(__file__).resolve().parents[2]


def documented_drift_sql() -> str:
    """The drift register's query in docs/read-model.md, with ``?`` for its date."""
    text = (ROOT / "docs" / "read-model.md").read_text(encoding="utf-8")
    block = text.split("### kentqa_drift_items", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    return block.replace("CURRENT_DATE", "?").rstrip().rstrip(";")


OPEN_ESCALATIONS_SQL = """
SELECT escalation_id FROM kentqa_escalations
WHERE raised_on <= ? AND (ended_on IS NULL OR ended_on > ?)
ORDER BY raised_on, escalation_id
"""
REVIEWS_SQL = (
    "SELECT review_id, child_token, assured_on FROM kentqa_reviews WHERE held_on >= ? AND held_on <= ?"
)


@contextmanager
def plain_sql(store_url: str) -> Iterator[Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """A function running one query on the store with the plain driver (dates as ISO text)."""
    if store_url.startswith("sqlite:///"):
        conn = sqlite3.connect(store_url.removeprefix("sqlite:///"))
        try:
            yield lambda sql, params: [
                tuple(r) for r in conn.execute(sql, [_text(p) for p in params]).fetchall()
            ]
        finally:
            conn.close()
        return
    import psycopg

    with psycopg.connect(store_url) as pg:
        yield lambda sql, params: [
            tuple(_text(v) for v in r)
            for r in pg.execute(sql.replace("?", "%s"), params).fetchall()  # type: ignore[arg-type]
        ]


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.fixture(params=["sqlite", "postgres"])
def file_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kentqa.db'}"
    make_db: Callable[[], str] = request.getfixturevalue("make_postgres_db")
    return make_db()


def test_the_row_tables_read_with_plain_sql_give_the_api_answers(file_url: str) -> None:
    """kentqa_drift_items joined to kentqa_plan_periods at a date after every fact is the drift
    register (tokens and pseudonyms revealed with the children's keys); kentqa_escalations
    gives the open escalations in the register's order; kentqa_reviews the quarter's reviews."""
    with kq.connect(file_url, policy=kq.Policy()) as qa:
        qa.record_many(council(30))
        api = [
            (
                r.child_ref,
                r.plan.value,
                r.kind.value,
                r.due_on.isoformat(),
                r.review_id,
                r.action_id,
                r.team_id,
                r.chair_id,
            )
            for r in qa.drift_register(as_of=NOW)
        ]
        revealer = qa.view().revealer
        with plain_sql(file_url) as sql:
            found = [
                (
                    revealer.child(t),
                    plan,
                    kind,
                    due,
                    revealer.original(t, review),
                    revealer.original(t, action),
                    team,
                    chair,
                )
                for t, plan, kind, due, review, action, team, chair in sql(documented_drift_sql(), (NOW,) * 4)
            ]
            assert sorted(found) == sorted(api) and len(api) > 10
            open_ids = [i for (i,) in sql(OPEN_ESCALATIONS_SQL, (NOW, NOW))]
            assert (
                open_ids
                == [r.escalation_id for r in qa.escalations(as_of=NOW, state="open")]
                == ["E-LIVE-1", "E-LIVE-2"]
            )
            reviews = sql(REVIEWS_SQL, (QUARTER, NOW))
        summary = qa.review_qa_summary(as_of=NOW, since=QUARTER)
        assert len(reviews) == sum(r.reviews for r in summary) == 3
        assert (
            sum(1 for _, _, assured in reviews if assured is not None) == sum(r.assured for r in summary) == 2
        )
        _timeliness_agrees(qa, file_url)


def documented_timeliness_sql() -> str:
    """The share-in-time query of docs/read-model.md, with ``?`` for the period's bounds."""
    text = (ROOT / "docs" / "read-model.md").read_text(encoding="utf-8")
    block = text.split("### kentqa_review_timeliness", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    return block.replace("'2027-04-01'", "?").replace("'2027-06-30'", "?").rstrip().rstrip(";")


TIMELINESS_BY = (
    "SELECT {group}, kind, COUNT(*), SUM(CASE WHEN in_time THEN 1 ELSE 0 END) "
    "FROM kentqa_review_timeliness WHERE held_on BETWEEN ? AND ? GROUP BY {group}, kind"
)


def _timeliness_agrees(qa: QualityAssurance, file_url: str) -> None:
    """R-TML-1: kentqa_review_timeliness read with plain SQL gives qa.review_timeliness (overall,
    by team and by chair), for the quarter and for the whole history."""
    for start in (QUARTER, dt.date(2020, 1, 1)):
        api = qa.review_timeliness(start, NOW, as_of=NOW)
        with plain_sql(file_url) as sql:
            overall = {
                (kind, held, int(in_time))
                for kind, held, in_time in sql(documented_timeliness_sql(), (start, NOW))
            }
            groups = {
                (by, key, kind, held, int(in_time))
                for by in ("team", "chair")
                for key, kind, held, in_time in sql(TIMELINESS_BY.format(group=f"{by}_id"), (start, NOW))
            }
        assert overall == {
            (r.kind.value, r.held, r.held_in_time) for r in api if r.by == "overall" and r.held
        }
        assert groups == {
            (r.by, r.key, r.kind.value, r.held, r.held_in_time) for r in api if r.by != "overall"
        }
        assert sum(r.held for r in api if r.by == "overall") >= 3


def test_a_second_connection_answers_from_the_stored_rows(tmp_path: Path) -> None:
    """Another connection to the same file gives the same answers, folding nothing: it reads
    only the documents its queries need (fewer than the store holds)."""
    url = f"sqlite:///{tmp_path / 'kentqa.db'}"
    with kq.connect(url, policy=kq.Policy()) as first:
        first.record_many(council(40))
        answers = _answers(first)
        stored = first.view().select(
            "SELECT COUNT(*) FROM kentqa_docs WHERE owner IN ('child_plans', 'escalations')"
        )[0][0]
    with kq.connect(url, policy=kq.Policy()) as second:
        assert second.projections.positions() == {
            name: second.position for name in second.projections.names()
        }
        assert _answers(second) == answers
        loaded = sum(second.projections[n].session.loads for n in ("child_plans", "escalations"))
        assert 0 < loaded < stored / 3


def _answers(qa: QualityAssurance) -> list[Any]:
    return [
        qa.drift_register(as_of=NOW),
        qa.escalations(as_of=NOW, state="open"),
        qa.review_qa_summary(as_of=NOW, since=QUARTER, by="chair"),
        qa.drift_register(as_of=NOW, as_worker="SW-1"),
    ]


def _loads(url: str, query: Callable[[QualityAssurance], object]) -> tuple[int, object]:
    """Documents of the two projections a fresh connection loads to answer ``query``."""
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.stats()  # opened and caught up
        sessions = [qa.projections[n].session for n in ("child_plans", "escalations")]
        before = sum(s.loads for s in sessions)
        answer = query(qa)
        return sum(s.loads for s in sessions) - before, answer


QUERIES_ABOUT_NOW: dict[str, Callable[[QualityAssurance], object]] = {
    "drift_register": lambda qa: qa.drift_register(as_of=NOW),
    "drift_register as SW-1": lambda qa: qa.drift_register(as_of=NOW, as_worker="SW-1"),
    "open escalations": lambda qa: qa.escalations(as_of=NOW, state="open"),
    "open escalations as IRO-1": lambda qa: qa.escalations(as_of=NOW, state="open", as_worker="IRO-1"),
    "a page of the register": lambda qa: qa.escalations(as_of=NOW, since=QUARTER.replace(year=2026), limit=5),
    "review QA of the quarter": lambda qa: qa.review_qa_summary(as_of=NOW, since=QUARTER),
}


def test_queries_about_now_read_the_same_documents_after_ten_times_the_closed_history(tmp_path: Path) -> None:
    """Flatness (SPEC 9.4): with 10x the closed children and escalations, the drift register,
    the open escalations and the quarter's review QA at "now" load exactly as many documents
    (those of live children and open escalations), and answer the same."""
    small, large = f"sqlite:///{tmp_path / 'small.db'}", f"sqlite:///{tmp_path / 'large.db'}"
    for url, closed in ((small, 40), (large, 400)):
        with kq.connect(url, policy=kq.Policy()) as qa:
            qa.record_many(council(closed))
    for name, query in QUERIES_ABOUT_NOW.items():
        loads_small, answer_small = _loads(small, query)
        loads_large, answer_large = _loads(large, query)
        assert answer_small == answer_large, name
        assert loads_small == loads_large, (name, loads_small, loads_large)
        assert loads_small < 40, (name, loads_small)
    statements = [(OPEN_PLANS, [NOW] * 3), (OPEN_ESCALATIONS, [NOW] * 3), *_open_register_statements()]
    conn = sqlite3.connect(large.removeprefix("sqlite:///"))
    try:  # and the rows they select come through the indexes on ended_on, never a scan
        for statement, params in statements:
            plan = [
                row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", [_text(p) for p in params])
            ]
            searches = [step for step in plan if step.startswith(("SEARCH", "SCAN kentqa"))]
            assert searches and all("_i0 (ended_on" in step for step in searches), (statement, plan)
    finally:
        conn.close()


def _open_register_statements() -> list[tuple[str, list[Any]]]:
    """The SQL ``escalations(state="open")`` runs (with and without ``since`` and a page's cursor)."""
    seen: list[tuple[str, list[Any]]] = []

    class Capture:
        def select(self, statement: str, params: list[Any]) -> list[Any]:
            seen.append((statement, list(params)))
            return []

    for since, cursor in ((None, None), (QUARTER, (QUARTER, "E-1"))):
        _register_ids(Capture(), as_of=NOW, wanted=EscalationState.OPEN, since=since, cursor=cursor, limit=5)  # type: ignore[arg-type]
    return seen


def test_escalation_pages_are_the_register_in_slices(memory_qa: QualityAssurance) -> None:
    """``limit`` and ``after`` (the last id of the previous page) slice the register in its
    order, with every filter and scope; an unknown ``after`` or a bad ``limit`` is refused."""
    memory_qa.record_many(council(25))
    for kwargs in (
        {},
        {"state": "resolved"},
        {"state": "open"},
        {"since": dt.date(2015, 1, 1)},
        {"as_worker": "SW-1"},
    ):
        whole = memory_qa.escalations(as_of=NOW, **kwargs)  # type: ignore[arg-type]
        for size in (1, 4, 100):
            pages, after = [], None
            while True:
                page = memory_qa.escalations(as_of=NOW, limit=size, after=after, **kwargs)  # type: ignore[arg-type]
                assert len(page) <= size
                pages += page
                if len(page) < size:
                    break
                after = page[-1].escalation_id
            assert pages == whole, (kwargs, size)
    with pytest.raises(UnknownReference) as unknown:
        memory_qa.escalations(as_of=NOW, after="E-NOPE")
    assert unknown.value.field == "after"
    for bad in (0, -1, True, "5"):
        with pytest.raises(InvalidInput) as refused:
            memory_qa.escalations(as_of=NOW, limit=bad)  # type: ignore[arg-type]
        assert refused.value.field == "limit"
