"""``kentqa_drift_register``: the drift register today as a plain SQL view (issue 14).

An analyst's ``sqlite3 kentqa.db 'SELECT ... FROM kentqa_drift_register'`` (or psycopg on
PostgreSQL) gives what ``qa.drift_register(as_of=today)`` gives: the same items, children by
their tokens (the library shows their references, read with their keys).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.demo import generate
from kentqa_domain.events import Event

TODAY = dt.date.today()  # the view reads CURRENT_DATE: the events are generated up to it


@cache
def council() -> tuple[Event, ...]:
    return tuple(generate("small", seed=4, as_of=TODAY))[:5000]


def _api(qa: kq.QualityAssurance) -> Counter[tuple[Any, ...]]:  # type: ignore[name-defined]
    rows = qa.drift_register(as_of=TODAY)
    token = {r.child_ref: f"anon-{qa.keyring.child_key_id(r.child_ref, create=False)}" for r in rows}
    return Counter(
        (token[r.child_ref], r.plan.value, r.kind.value, r.due_on.isoformat(), r.team_id, r.chair_id)
        for r in rows
    )


def _view(rows: list[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    return Counter((t, p, k, str(d), team, chair) for t, p, k, d, team, chair in rows)


QUERY = "SELECT child_token, plan, kind, due_on, team_id, chair_id FROM kentqa_drift_register"


def test_the_sqlite_view_is_the_drift_register_today(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        qa.record_many(council(), on_invalid=lambda _i, _e: None)
        expected = _api(qa)
    with sqlite3.connect(db) as conn:
        found = _view(conn.execute(QUERY).fetchall())
    assert found == expected and sum(expected.values()) > 50


@pytest.mark.postgres
def test_the_postgres_view_is_the_drift_register_today(make_postgres_db: Callable[[], str]) -> None:
    import psycopg

    url = make_postgres_db()
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(council(), on_invalid=lambda _i, _e: None)
        expected = _api(qa)
    with psycopg.connect(url) as conn:
        found = _view(conn.execute(QUERY).fetchall())
    assert found == expected and sum(expected.values()) > 50
