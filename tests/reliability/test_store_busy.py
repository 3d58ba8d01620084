"""When the retries run out the caller is told ``StoreBusy`` (a ``StorageError``), never
``ConflictingEvent``, and nothing of the batch is stored (issue 19, decision 1005).

Contention is made real, not mocked: a SQLite trigger (a PostgreSQL trigger function) makes
every insert into the events table fail with a constraint violation, exactly as when another
writer takes the stream version first, so every retry collides again; a lock held by another
process past the lock timeout. ``stamina.set_testing`` keeps the attempts and drops the waits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import stamina

import kentqa_domain as kq
from kentqa_domain.application.recording import MAX_CONFLICT_RETRIES
from kentqa_domain.plugins import make_plugin_manager, open_storage
from kentqa_domain.state.outbox import MAX_CONFLICT_RETRIES as OUTBOX_RETRIES
from kentqa_domain.state.outbox import SQLITE_TABLE, Notifications
from tests.cli_run import start_python
from tests.conftest import organisation
from tests.delivery_support import notice
from tests.reliability.test_storage_faults import FEEDBACK, HOLD_LOCK

SQLITE_COLLIDES = (
    "CREATE TRIGGER collide BEFORE INSERT ON {table} BEGIN "
    "SELECT RAISE(ABORT, 'UNIQUE constraint failed: {table}.originator_id, {table}.originator_version'); END"
)
POSTGRES_COLLIDES = """
CREATE FUNCTION collide() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE unique_violation USING MESSAGE = 'duplicate key value violates unique constraint'; END $$;
CREATE TRIGGER collide BEFORE INSERT ON kentqa_events FOR EACH ROW EXECUTE FUNCTION collide();
"""


@pytest.fixture
def no_waits() -> Iterator[None]:
    """Every retry loop keeps its own number of attempts (cap) but does not sleep."""
    with stamina.set_testing(True, attempts=1_000, cap=True):
        yield


def _stored(qa: kq.QualityAssurance) -> int:
    return sum(qa.stats().values())


def test_conflicts_on_every_retry_are_store_busy_and_nothing_is_stored(
    tmp_path: Path, no_waits: None
) -> None:
    db = tmp_path / "qa.db"
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        qa.record_many(organisation())
        before = _stored(qa)
        with sqlite3.connect(db) as other:
            other.execute(SQLITE_COLLIDES.format(table="stored_events"))
        with pytest.raises(kq.StoreBusy, match=f"gave up after {MAX_CONFLICT_RETRIES} attempts") as caught:
            qa.record_json(FEEDBACK)
        assert isinstance(caught.value, kq.StorageError)
        assert not isinstance(caught.value, (kq.ConflictingEvent, ValueError))
        assert "nothing of this batch was stored" in str(caught.value)
        assert qa.conflicts == MAX_CONFLICT_RETRIES  # every attempt was made
        assert _stored(qa) == before and "FeedbackReceived" not in qa.stats()
        with sqlite3.connect(db) as other:
            other.execute("DROP TRIGGER collide")
        qa.record_json(FEEDBACK)  # recording it again is safe once the contention ends
        assert qa.stats()["FeedbackReceived"] == 1


def test_a_batch_given_up_stores_none_of_its_events(tmp_path: Path) -> None:
    """``record_many`` with ``on_invalid``: contention is not a refused line, it stops the call."""
    db = tmp_path / "qa.db"
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        qa.record_many(organisation())
        before = qa.stats()
        with sqlite3.connect(db) as other:
            other.execute(SQLITE_COLLIDES.format(table="stored_events"))
        refused: list[Exception] = []
        second = {**FEEDBACK, "feedback_id": "F2"}
        with (
            stamina.set_testing(True, attempts=3),
            pytest.raises(kq.StoreBusy, match="gave up after 3 attempts"),
        ):
            qa.record_many([FEEDBACK, second], on_invalid=lambda _i, e: refused.append(e))
        assert refused == []
        assert qa.stats() == before


def test_a_sqlite_write_lock_held_past_the_timeout_is_store_busy(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        qa.record_many(organisation())
        before = qa.stats()
    holder = start_python("-c", HOLD_LOCK, db, "30")
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with kq.connect(f"sqlite:///{db}?timeout=1", policy=kq.Policy()) as qa:
            with pytest.raises(kq.StoreBusy, match="stayed locked by another process"):
                qa.record_json(FEEDBACK)
            assert qa.stats() == before
    finally:
        holder.kill()
        holder.wait()


def test_postgres_conflicts_on_every_retry_are_store_busy(
    make_postgres_db: Callable[[], str], no_waits: None
) -> None:
    import psycopg

    url = make_postgres_db()
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
        before = qa.stats()
        with psycopg.connect(url, autocommit=True) as other:
            other.execute(POSTGRES_COLLIDES)
        with pytest.raises(kq.StoreBusy, match=f"gave up after {MAX_CONFLICT_RETRIES} attempts"):
            qa.record_json(FEEDBACK)
        assert qa.conflicts == MAX_CONFLICT_RETRIES
        assert qa.stats() == before
        with psycopg.connect(url, autocommit=True) as other:
            other.execute("DROP TRIGGER collide ON kentqa_events")
        qa.record_json(FEEDBACK)
        assert qa.stats()["FeedbackReceived"] == 1


def test_the_delivery_record_gives_up_with_store_busy(tmp_path: Path, no_waits: None) -> None:
    db = tmp_path / "notify.db"
    with Notifications(open_storage(make_plugin_manager(), f"sqlite:///{db}")) as outbox:
        with sqlite3.connect(db) as other:
            other.execute(SQLITE_COLLIDES.format(table=SQLITE_TABLE))
        with pytest.raises(kq.StoreBusy, match=f"gave up after {OUTBOX_RETRIES} attempts"):
            outbox.record_due([("log", notice(1))])
        assert outbox.pending() == []
