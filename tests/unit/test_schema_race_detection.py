"""Opening retries PostgreSQL schema-creation races (docs/reliability.md, "Starting at once"):
which errors count as a race, from the messages PostgreSQL gave in the concurrent-open test."""

from __future__ import annotations

import pytest

from kentqa_domain.application.opening import _racing_schema_creation


def _chain(outer: str, inner: str) -> BaseException:
    try:
        try:
            raise RuntimeError(inner)
        except RuntimeError as cause:
            raise ValueError(outer) from cause
    except ValueError as exc:
        return exc


@pytest.mark.parametrize(
    "inner",
    [
        'relation "kentqa_checkpoints" already exists',
        "tuple concurrently updated",
        'duplicate key value violates unique constraint "pg_type_typname_nsp_index"',
        'function "kentqa_insert_events" already exists with same argument types',
    ],
)
def test_a_lost_create_race_is_retried(inner: str) -> None:
    assert _racing_schema_creation(_chain("the storage back end failed", inner))


@pytest.mark.parametrize(
    "inner",
    [
        'password authentication failed for user "kentqa"',
        'duplicate key value violates unique constraint "kentqa_events_pkey"',
        'database "nowhere" does not exist',
    ],
)
def test_other_failures_are_not(inner: str) -> None:
    assert not _racing_schema_creation(_chain("the storage back end failed", inner))
