"""Observation compliance in the store (SPEC 9.4, decision 0900): the analysts' tables give what
the API gives, other connections read the same state without folding history, and queries
about now read as much after ten years of closed history as after one.

Tables: ``kentqa_workers``, ``kentqa_worker_periods``, ``kentqa_observation_status``, ``kentqa_observations``
(docs/read-model.md, "Observations").
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.observations.facts import LEARNING_AREAS
from kentqa_domain.areas.observations.projection import ObservationCompliance
from kentqa_domain.areas.observations.queries import CURRENT_PRACTITIONERS, OBSERVATIONS_OF_PERIOD
from kentqa_domain.demo import generate
from kentqa_domain.events import Event
from kentqa_domain.readmodel.tables import as_date

AS_OF = dt.date(2026, 11, 20)
YEAR = (dt.date(2026, 4, 1), AS_OF)
#: After every fact: what kentqa_observation_status reflects.
LATER = dt.date(2100, 1, 1)
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")


@cache
def demo() -> tuple[Event, ...]:
    return tuple(generate("small", seed=5, as_of=AS_OF))


def raw_query(store_url: str) -> Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]:
    """A plain DB-API query of the store (sqlite3, or psycopg on PostgreSQL), ``?`` placeholders."""
    if store_url.startswith("sqlite:///"):
        path = store_url.removeprefix("sqlite:///")

        def run_sqlite(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as db:
                return db.execute(
                    statement, [p.isoformat() if isinstance(p, dt.date) else p for p in params]
                ).fetchall()

        return run_sqlite
    import psycopg

    def run_postgres(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(store_url) as conn:
            return [tuple(r) for r in conn.execute(statement.replace("?", "%s"), params).fetchall()]

    return run_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def file_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store other connections can open: a SQLite file or a PostgreSQL database
    (memory:// is private to its connection, so it is not one of them)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kentqa.db'}"
    make_db: Callable[[], str] = request.getfixturevalue("make_postgres_db")
    return make_db()


def test_plain_sql_of_the_tables_gives_what_the_api_gives(file_url: str) -> None:
    """sqlite3 / psycopg on the documented tables, against qa.observation_* (docs/read-model.md)."""
    with kq.connect(file_url, policy=kq.Policy()) as qa:
        qa.record_many(demo())
        sql = raw_query(file_url)
        # kentqa_worker_periods: the practitioners current on a day (SPEC 9.3: rejoiners, promotions)
        for day in (dt.date(2025, 6, 30), AS_OF):
            current = sql(
                "SELECT worker_id FROM kentqa_worker_periods WHERE role = 'practitioner' "
                "AND from_on <= ? AND (until_on IS NULL OR until_on > ?)",
                (day, day),
            )
            api = sorted(r.worker_id for r in qa.observation_compliance(as_of=day))
            assert sorted(w for (w,) in current) == api and api
        # kentqa_observations: the learning view of a period, by team
        counts = sql(
            "SELECT team_id, overall, COUNT(*) FROM kentqa_observations "
            "WHERE observed_on BETWEEN ? AND ? GROUP BY team_id, overall",
            YEAR,
        )
        teams = {team for team, _, _ in counts}
        assert len(teams) > 1
        for team in teams:
            (overall,) = [
                r
                for r in qa.observation_learning(start=YEAR[0], end=YEAR[1], team=team)
                if r.area == "overall"
            ]
            mine = {grade: n for t, grade, n in counts if t == team}
            assert [mine.get(g, 0) for g in GRADES] == [
                overall.outstanding,
                overall.good,
                overall.requires_improvement,
                overall.inadequate,
            ]
        for area in LEARNING_AREAS[:-1]:
            judged = sql(
                f"SELECT COUNT({area}) FROM kentqa_observations WHERE observed_on BETWEEN ? AND ?", YEAR
            )
            (row,) = [r for r in qa.observation_learning(start=YEAR[0], end=YEAR[1]) if r.area == area]
            assert judged == [(row.judged,)]
        # kentqa_observation_status: the standing as of the latest facts
        status = sql(
            "SELECT worker_id, team_id, requirement, last_observed_on, next_due_on, reflection_missed "
            "FROM kentqa_observation_status",
            (),
        )
        api_rows = qa.observation_compliance(as_of=LATER)
        assert sorted(
            (w, t, r, as_date(last), as_date(due), bool(m)) for w, t, r, last, due, m in status
        ) == [
            (
                r.worker_id,
                r.team_id,
                r.requirement.value,
                r.last_observed_on,
                r.next_due_on,
                r.reflection_missed,
            )
            for r in sorted(api_rows, key=lambda r: r.worker_id)
        ]
        assert any(r.reflection_missed for r in api_rows)


def _answers(qa: QualityAssurance, as_worker: str | None = None) -> list[Any]:
    return [
        qa.observation_compliance(as_of=AS_OF, as_worker=as_worker),
        qa.observation_summary(as_of=AS_OF, by="service", as_worker=as_worker),
        qa.observation_learning(start=YEAR[0], end=YEAR[1], as_worker=as_worker),
    ]


def test_another_connection_reads_the_same_state_without_folding_history(file_url: str) -> None:
    """A second connection folds nothing for this projection: it reads the documents its
    queries need, and follows what the first one records afterwards."""
    with kq.connect(file_url, policy=kq.Policy()) as first:
        first.record_many(demo())
        expected = _answers(first)
        with kq.connect(file_url, policy=kq.Policy()) as second:
            session = second.projections["observation_compliance"].session
            assert session.loads == 0 and session.cached == 0  # nothing folded on opening
            assert _answers(second) == expected
            practitioners = len(expected[0])
            assert session.cached <= practitioners + 30  # the current practitioners and the teams
            # What the first connection records next, the second sees.
            worker = expected[0][0].worker_id
            first.record(
                kq.events.ObservationRecorded(
                    observation_id="O-LATE",
                    worker_id=worker,
                    observer_id="M-1",
                    observed_on=AS_OF,
                    setting="practice",
                    judgements={},
                    overall="good",
                )
            )
            (row,) = [r for r in second.observation_compliance(as_of=AS_OF) if r.worker_id == worker]
            assert row.last_observed_on == AS_OF
            assert second.observation_compliance(as_of=AS_OF) == first.observation_compliance(as_of=AS_OF)


# --- flatness: what a query about now reads does not grow with closed history -----------------

TEAMS = (("T1", "Children's Social Work", "East"), ("T2", "Early Help", "West"), ("T3", "Early Help", "East"))
CURRENT = [f"P-{team}-{n}" for team, _, _ in TEAMS for n in range(4)]


def _observed(oid: str, worker: str, day: dt.date, grade: str) -> dict[str, Any]:
    return {
        "type": "ObservationRecorded",
        "observation_id": oid,
        "worker_id": worker,
        "observer_id": "M-T1",
        "observed_on": day.isoformat(),
        "setting": "practice",
        "judgements": {"planning_and_purpose": grade},
        "overall": grade,
    }


def _supervised(worker: str, day: dt.date) -> dict[str, Any]:
    return {
        "type": "SupervisionHeld",
        "worker_id": worker,
        "supervisor_id": "M-T1",
        "held_on": day.isoformat(),
    }


def _worker_year(worker: str, year: int, tag: str) -> list[dict[str, Any]]:
    """A year of a worker's practice: monthly supervision, two observations shared and reviewed."""
    out = [_supervised(worker, dt.date(year, month, 20)) for month in range(1, 12)]
    for n, month in enumerate((3, 9)):
        oid = f"O-{worker}-{tag}-{n}"
        out.append(_observed(oid, worker, dt.date(year, month, 10), GRADES[(year + n) % 4]))
        out.append(
            {"type": "ObservationShared", "observation_id": oid, "shared_on": f"{year}-{month:02d}-12"}
        )
        out.append(
            {"type": "ReflectiveReviewHeld", "observation_id": oid, "held_on": f"{year}-{month:02d}-18"}
        )
    return out


def council_with_history(years: int) -> list[dict[str, Any]]:
    """The same twelve practitioners in post in 2026; before that ``years`` years of closed
    history: ten workers a year who joined and left, and the current workers' older practice."""
    out: list[dict[str, Any]] = [
        {"type": "TeamRegistered", "team_id": t, "name": t, "service": s, "area": a} for t, s, a in TEAMS
    ]
    joined = dt.date(2000, 1, 3).isoformat()
    for team, _, _ in TEAMS:
        out.append(
            {
                "type": "WorkerRegistered",
                "worker_id": f"M-{team}",
                "team_id": team,
                "role": "team_manager",
                "experience": "experienced",
                "registered_on": joined,
            }
        )
    for worker in CURRENT:
        out.append(
            {
                "type": "WorkerRegistered",
                "worker_id": worker,
                "team_id": worker.split("-")[1],
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": joined,
            }
        )
    for year in range(2026 - years, 2026):
        for n in range(10):
            leaver = f"L-{year}-{n}"
            out.append(
                {
                    "type": "WorkerRegistered",
                    "worker_id": leaver,
                    "team_id": TEAMS[n % 3][0],
                    "role": "practitioner",
                    "experience": "experienced",
                    "registered_on": f"{year}-01-03",
                }
            )
            out += _worker_year(leaver, year, "y")
            out.append({"type": "WorkerLeft", "worker_id": leaver, "left_on": f"{year}-12-01"})
        for worker in CURRENT:
            out += _worker_year(worker, year, str(year))
    for worker in CURRENT:  # this year, the same whatever the history
        out += _worker_year(worker, 2026, "now")
    return out


def _cold_reads(url: str, ask: Callable[[QualityAssurance], object]) -> tuple[int, Any]:
    """(documents loaded, answer) of ``ask`` on a new connection: nothing cached beforehand."""
    with kq.connect(url, policy=kq.Policy()) as qa:
        session = qa.projections["observation_compliance"].session
        before = session.loads
        answer = ask(qa)
        return session.loads - before, answer


QUESTIONS: dict[str, Callable[[QualityAssurance], object]] = {
    "compliance": lambda qa: qa.observation_compliance(as_of=AS_OF),
    "compliance as a team manager": lambda qa: qa.observation_compliance(as_of=AS_OF, as_worker="M-T2"),
    "summary by area": lambda qa: qa.observation_summary(as_of=AS_OF, by="area"),
    "learning this year": lambda qa: qa.observation_learning(start=YEAR[0], end=YEAR[1]),
    "learning for a team": lambda qa: qa.observation_learning(start=YEAR[0], end=YEAR[1], team="T1"),
}


@pytest.fixture
def two_stores(file_url: str, tmp_path: Any, request: pytest.FixtureRequest) -> tuple[str, str]:
    """Two empty stores on the same back end."""
    if file_url.startswith("sqlite:///"):
        return file_url, f"sqlite:///{tmp_path / 'other.db'}"
    make_db: Callable[[], str] = request.getfixturevalue("make_postgres_db")
    return file_url, make_db()


def test_queries_about_now_read_as_much_after_ten_years_as_after_one(two_stores: tuple[str, str]) -> None:
    """Documents loaded and rows selected by each query about now: the same at 1x and 10x
    closed history (leavers long gone, older observations), and bounded by the live subjects."""
    reads: dict[int, dict[str, tuple[int, Any]]] = {}
    selected: dict[int, list[int]] = {}
    for years, url in zip((1, 10), two_stores, strict=True):
        with kq.connect(url, policy=kq.Policy()) as qa:
            qa.record_many(council_with_history(years))
            select = qa.state_tables.select
            selected[years] = [
                len(select(CURRENT_PRACTITIONERS, (AS_OF, AS_OF, "practitioner"))),
                len(
                    select(
                        "SELECT doc_key FROM kentqa_observations WHERE observed_on >= ? AND observed_on <= ?",
                        YEAR,
                    )
                ),
            ]
            ((workers,),), ((observations,),) = (
                select("SELECT COUNT(*) FROM kentqa_workers"),
                select("SELECT COUNT(*) FROM kentqa_observations"),
            )
            assert (workers, observations) == (15 + 10 * years, 2 * len(CURRENT) * (years + 1) + 20 * years)
        reads[years] = {name: _cold_reads(url, ask) for name, ask in QUESTIONS.items()}
    assert selected[1] == selected[10] == [len(CURRENT), len(CURRENT)]
    for name in QUESTIONS:
        (loads_1, answer_1), (loads_10, answer_10) = reads[1][name], reads[10][name]
        assert answer_1 == answer_10, name
        assert loads_1 == loads_10, name
        assert loads_1 <= len(CURRENT) + len(TEAMS) + 1, name  # practitioners, teams, the principal


def test_the_current_workers_and_a_period_are_read_by_index(sqlite_url: str) -> None:
    """SQLite's plan for the queries about now: index searches, never a scan of the table."""
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(council_with_history(2))
        plans = [
            qa.state_tables.select(
                "EXPLAIN QUERY PLAN " + CURRENT_PRACTITIONERS, (AS_OF, AS_OF, "practitioner")
            ),
            qa.state_tables.select("EXPLAIN QUERY PLAN " + OBSERVATIONS_OF_PERIOD, YEAR),
        ]
    for plan in plans:
        details = [row[-1] for row in plan]
        assert not any(d.startswith("SCAN") for d in details), details
        assert any(
            "USING INDEX kentqa_worker_periods_i0" in d or "USING INDEX kentqa_observations_i0" in d
            for d in details
        )


READ_MODEL = Path(__file__).resolve().parents[2] / "docs" / "read-model.md"


def _section() -> str:
    text = READ_MODEL.read_text(encoding="utf-8")
    return text.split("## Observations\n", 1)[1].split("\n## ", 1)[0]


def test_the_tables_are_documented_for_analysts(sqlite_url: str) -> None:
    """docs/read-model.md names every table and column (each with a doc string in the code),
    and its example queries run on a store."""
    section = _section()
    for table in ObservationCompliance.tables:
        assert f"### {table.name}\n" in section, table.name
        for column in table.columns:
            assert column.doc, (table.name, column.name)
            assert f"`{column.name}`" in section or f"| {column.name} |" in section, (table.name, column.name)
    examples = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    statements = [s.strip() for block in examples for s in block.split(";") if s.strip()]
    assert len(statements) == 3
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(demo())
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        for statement in statements:
            rows = db.execute(statement).fetchall()
            assert rows or "date('now')" in statement, statement  # the clock's day: maybe none
