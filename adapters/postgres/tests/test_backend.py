"""The adapter supplies its own back end (decision 1010): its admin operations, and its reading
of PostgreSQL's errors, taken from a real server's."""

from __future__ import annotations

import socket
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.builtin.sqlite_backend import SQLiteBackend
from kentqa_domain.storage.faults import FaultKind
from kentqa_postgres import PostgresAdmin, PostgresBackend, open_postgres
from kentqa_postgres.backend import postgres_fault


def _error(connect: Callable[[], object]) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        connect()
    return caught.value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_opener_gives_the_postgres_back_end_and_the_store_uses_its_admin(postgres_db_url: str) -> None:
    storage = open_postgres(postgres_db_url)
    assert isinstance(storage.backend, PostgresBackend)
    assert storage.backend.settings == storage.settings
    assert storage.settings["POSTGRES_PASSWORD"] not in repr(storage.backend)
    with kq.connect(postgres_db_url, policy=kq.Policy()) as qa:
        assert isinstance(qa.backend, PostgresBackend)
        assert isinstance(qa.admin, PostgresAdmin)
        assert set(qa.admin.all_keys()) >= {"check"}


def test_real_postgres_errors_are_classified_by_the_adapter(postgres_db_url: str) -> None:
    parts = urlsplit(postgres_db_url)
    backend = PostgresBackend()
    wrong_password = _error(
        lambda: psycopg.connect(
            urlunsplit(parts._replace(netloc=f"{parts.username}:wrong@{parts.hostname}:{parts.port}"))
        )
    )
    no_database = _error(lambda: psycopg.connect(urlunsplit(parts._replace(path="/nowhere_at_all"))))
    nobody_there = _error(lambda: psycopg.connect(host="127.0.0.1", port=_free_port(), connect_timeout=1))
    with psycopg.connect(postgres_db_url, autocommit=True) as setup:
        setup.execute("CREATE TABLE held (n int)")
    with psycopg.connect(postgres_db_url) as holder, psycopg.connect(postgres_db_url) as waiter:
        holder.execute("LOCK TABLE held IN EXCLUSIVE MODE")
        waiter.execute("SET lock_timeout = '100ms'")
        lock_timeout = _error(lambda: waiter.execute("INSERT INTO held VALUES (1)"))
    found = {
        error: backend.classify(error) for error in (wrong_password, no_database, nobody_there, lock_timeout)
    }
    assert {error: fault.kind if fault else None for error, fault in found.items()} == {
        wrong_password: FaultKind.REFUSED,
        no_database: FaultKind.MISSING,
        nobody_there: FaultKind.UNREACHABLE,
        lock_timeout: FaultKind.BUSY,
    }
    # the built-in SQLite back end does not claim PostgreSQL's errors: they are the adapter's
    assert all(SQLiteBackend().classify(error) is None for error in found)


def test_a_pool_that_cannot_connect_is_diagnosed_by_one_direct_attempt(postgres_db_url: str) -> None:
    parts = urlsplit(postgres_db_url)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:s3cret-pw@{parts.hostname}:{parts.port}"))
    backend = open_postgres(wrong).backend
    fault = backend.classify(RuntimeError("couldn't get a connection after 5.00 sec"))
    assert fault is not None and fault.kind is FaultKind.REFUSED
    assert fault.detail is not None and "password authentication failed" in fault.detail
    assert "s3cret-pw" not in fault.detail


@given(before=st.text(max_size=20), after=st.text(max_size=20))
def test_a_statement_cancelled_by_the_lock_timeout_is_busy_whatever_surrounds_it(
    before: str, after: str
) -> None:
    fault = postgres_fault(f"{before} canceling statement due to lock timeout {after}")
    assert fault is not None and fault.kind is FaultKind.BUSY
