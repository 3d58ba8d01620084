"""The settings from a postgresql:// URL drive eventsourcing's PostgreSQL recorders."""

from __future__ import annotations

from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from kentqa_postgres import open_postgres


class Note(Aggregate):
    def __init__(self, text: str) -> None:
        self.text = text


def test_an_application_stores_and_reads_back_through_the_url(postgres_db_url: str) -> None:
    storage = open_postgres(postgres_db_url)
    app: Application[UUID] = Application(env=dict(storage.settings))
    try:
        note = Note("seen")
        app.save(note)
        assert app.repository.get(note.id).text == "seen"
    finally:
        app.close()
    reopened: Application[UUID] = Application(env=dict(storage.settings))
    try:
        assert reopened.repository.get(note.id).text == "seen"
    finally:
        reopened.close()


def test_the_schema_parameter_puts_the_tables_in_that_schema(postgres_db_url: str) -> None:
    with psycopg.connect(postgres_db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA kentqa")
    app: Application[UUID] = Application(env=dict(open_postgres(f"{postgres_db_url}?schema=kentqa").settings))
    try:
        app.save(Note("in schema"))
    finally:
        app.close()
    with psycopg.connect(postgres_db_url) as conn:
        schemas = {
            row[0]
            for row in conn.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name LIKE '%events'"
            )
        }
    assert schemas == {"kentqa"}
