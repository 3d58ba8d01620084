"""Fixtures for the core tests: a store on each back end, and a small organisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance

BACKENDS = ["memory", "sqlite", "postgres"]


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'kentqa.db'}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """The URL of an empty store on each back end (PostgreSQL: a fresh database)."""
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kentqa.db'}"
    make_db: Callable[[], str] = request.getfixturevalue("make_postgres_db")
    return make_db()


@pytest.fixture
def fresh_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """A function giving the URL of a new empty store on a back end (one per hypothesis example)."""

    def make(backend: str) -> str:
        if backend == "memory":
            return "memory://"
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('store') / 'kentqa.db'}"
        make_db: Callable[[], str] = request.getfixturevalue("make_postgres_db")
        return make_db()

    return make


@pytest.fixture
def qa(store_url: str) -> Iterator[QualityAssurance]:
    """A connection with the default policy (no policy plugin's overrides)."""
    with kq.connect(store_url, policy=kq.Policy()) as app:
        yield app


@pytest.fixture
def memory_qa() -> Iterator[QualityAssurance]:
    with kq.connect("memory://", policy=kq.Policy()) as app:
        yield app


def organisation() -> list[dict[str, object]]:
    """Two teams in two services and areas, a practitioner in each, and a child of each plan."""
    d = dt.date(2026, 1, 5).isoformat()
    return [
        {
            "type": "TeamRegistered",
            "team_id": "T-EAST-1",
            "name": "East CSW 1",
            "service": "Children's Social Work",
            "area": "East",
        },
        {
            "type": "TeamRegistered",
            "team_id": "T-WEST-1",
            "name": "West EH 1",
            "service": "Early Help",
            "area": "West",
        },
        {
            "type": "WorkerRegistered",
            "worker_id": "W1",
            "team_id": "T-EAST-1",
            "role": "practitioner",
            "experience": "experienced",
            "registered_on": d,
        },
        {
            "type": "WorkerRegistered",
            "worker_id": "W2",
            "team_id": "T-WEST-1",
            "role": "practitioner",
            "experience": "asye",
            "registered_on": d,
            "asye_started_on": d,
        },
        {"type": "ChildBecameLookedAfter", "child_ref": "C-LAC-1", "on": "2026-02-02", "iro_id": "IRO1"},
        {"type": "StrategyDiscussionHeld", "child_ref": "C-CP-1", "held_on": "2026-02-02"},
    ]
