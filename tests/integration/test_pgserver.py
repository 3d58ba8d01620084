"""The test PostgreSQL server (tests/pgserver.py) is real, and each test gets its own database."""

from __future__ import annotations

import psycopg


def test_the_session_server_answers(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT version()").fetchone()
    assert row is not None
    assert row[0].startswith("PostgreSQL")


def test_a_test_database_is_fresh_and_empty(postgres_db_url: str) -> None:
    with psycopg.connect(postgres_db_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        conn.execute("CREATE TABLE seen (n int)")
    assert tables == (0,)


def test_another_test_database_does_not_see_the_first(postgres_db_url: str) -> None:
    with psycopg.connect(postgres_db_url) as conn:
        found = conn.execute("SELECT to_regclass('public.seen')").fetchone()
    assert found == (None,)
