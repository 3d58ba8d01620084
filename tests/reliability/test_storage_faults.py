"""Storage faults surface as StorageError with a message saying what to do, never as a raw
database error: a SQLite file locked by another process, a file that is not a database, a
PostgreSQL server that is not there or refuses the password, a table locked past the lock
timeout, and connections cut by the server (recovered by eventsourcing's retry). A lock held
past the timeout is the StorageError ``StoreBusy`` (issue 19).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

import kentqa_domain as kq
from kentqa_domain.errors import StorageError, StoreBusy
from tests.cli_run import start_python
from tests.conftest import organisation

FEEDBACK = {
    "type": "FeedbackReceived",
    "feedback_id": "F1",
    "received_on": "2026-03-02",
    "source": "child",
    "channel": "momo",
}

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO kentqa_keys (name, material) VALUES ('held', x'00')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def test_a_sqlite_file_locked_by_another_process_is_a_storage_error(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        qa.record_many(organisation())
    holder = start_python("-c", HOLD_LOCK, db, "30")
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        qa = kq.connect(f"sqlite:///{db}?timeout=1", policy=kq.Policy())  # reading is not blocked (WAL)
        with pytest.raises(StoreBusy, match=r"stayed locked by another process.*timeout=SECONDS"):
            qa.record_json(FEEDBACK)
        assert "FeedbackReceived" not in qa.stats()
    finally:
        holder.kill()
        holder.wait()
    qa.record_json(FEEDBACK)  # the same connection works once the lock is gone
    assert qa.stats()["FeedbackReceived"] == 1
    qa.close()


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    db.write_bytes(b"this is a text file, not SQLite " * 200)
    with pytest.raises(StorageError, match="not a kentqa database or is damaged"):
        kq.connect(f"sqlite:///{db}", policy=kq.Policy())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_postgres_server_that_is_not_there_is_a_storage_error() -> None:
    url = f"postgresql://kentqa:pw@127.0.0.1:{_free_port()}/kentqa?connect_timeout=1"
    with pytest.raises(StorageError, match="cannot reach the database server"):
        kq.connect(url, policy=kq.Policy())


def test_a_wrong_postgres_password_is_a_storage_error(postgres_db_url: str) -> None:
    parts = urlsplit(postgres_db_url)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:wrong@{parts.hostname}:{parts.port}"))
    with pytest.raises(StorageError, match="refused the user name or password") as caught:
        kq.connect(wrong, policy=kq.Policy())
    assert "wrong" not in str(caught.value)


def test_a_postgres_table_locked_past_the_lock_timeout_is_a_storage_error(
    make_postgres_db: Callable[[], str],
) -> None:
    import psycopg

    url = make_postgres_db()
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
    qa = kq.connect(url + "?lock_timeout=1", policy=kq.Policy())
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE kentqa_events IN EXCLUSIVE MODE")
        with pytest.raises(StoreBusy, match="lock timeout"):
            qa.record_json(FEEDBACK)
        assert "FeedbackReceived" not in qa.stats()
        holder.rollback()
    qa.record_json(FEEDBACK)
    assert qa.stats()["FeedbackReceived"] == 1
    qa.close()


def test_postgres_connections_cut_by_the_server_are_recovered(make_postgres_db: Callable[[], str]) -> None:
    import psycopg

    url = make_postgres_db()
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(organisation())
        with psycopg.connect(url, autocommit=True) as admin:
            cut = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert cut is not None and cut[0] >= 1
        time.sleep(0.2)
        try:
            qa.record_json(FEEDBACK)
        except StorageError as error:  # acceptable: a clear error, nothing half-stored
            assert "FeedbackReceived" not in qa.stats(), error
        else:
            assert qa.stats()["FeedbackReceived"] == 1
