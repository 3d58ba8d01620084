"""Every event type: JSON -> event -> storage (real SQLite file, real PostgreSQL) -> event.

Goes through the application's own mapper and eventsourcing recorder, so enums, tuples,
dates and nested actions are checked to come back with their types.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.serialization.mapper import Recorded
from tests.strategies import event_of


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def raw_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[QualityAssurance]:
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('rt')) / 'rt.db'}"
    else:
        url = request.getfixturevalue("make_postgres_db")()
    with kq.connect(url, policy=kq.Policy()) as app:
        yield app


@pytest.mark.parametrize("cls", list(ev.EVENT_TYPES.values()), ids=list(ev.EVENT_TYPES))
def test_every_event_type_survives_storage(raw_store: QualityAssurance, cls: type[ev.Event]) -> None:
    """Each type separately, so every one is exercised whatever hypothesis draws."""

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(event=event_of(cls))
    def round_trip(event: ev.Event) -> None:
        as_json = ev.to_json(event)
        parsed = ev.parse(as_json)
        stored = raw_store.event_mapper.to_stored_event(Recorded(uuid.uuid4(), 1, parsed))
        (position,) = raw_store.recorder.insert_events([stored])  # type: ignore[misc]
        (notification,) = raw_store.recorder.select_notifications(start=position, limit=1)
        back = raw_store.event_mapper.to_domain_event(notification).event
        assert back == event
        for field in attrs.fields(type(event)):
            original = getattr(event, field.name)
            if isinstance(original, (Enum, tuple)):
                assert type(getattr(back, field.name)) is type(original), field.name
        assert ev.to_json(back) == as_json

    round_trip()


def test_stored_payload_is_the_spec_json_form(tmp_path: Path) -> None:
    import sqlite3

    with kq.connect(f"sqlite:///{tmp_path / 'p.db'}", policy=kq.Policy()) as qa:
        qa.record_json(
            {
                "type": "TeamRegistered",
                "team_id": "T1",
                "name": "Fostering North",
                "service": "Fostering",
                "area": "North",
            }
        )
    with sqlite3.connect(tmp_path / "p.db") as db:
        topic, state = db.execute("SELECT topic, state FROM stored_events").fetchone()
    assert topic == "TeamRegistered"
    assert b'"e":{"area":"North","name":"Fostering North"' in state
