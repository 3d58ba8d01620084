"""Infrastructure failures as :class:`~kentqa_domain.errors.StorageError` with a message a user can act on.

eventsourcing wraps driver errors in its own ``PersistenceError`` family; drivers may also
raise their own (``sqlite3.Error``, ``psycopg.Error``) or ``OSError``. Callers of the
library only ever see ``StorageError`` for these, never a raw database error (issue 9).
Optimistic-concurrency conflicts (``IntegrityError``) are handled where they happen
(retried, or reported as ``ConflictingEvent``) and never reach this module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from eventsourcing.persistence import MapperDeserialisationError, PersistenceError

from .errors import KentQAError, StorageError

F = TypeVar("F", bound=Callable[..., Any])


def _driver_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [PersistenceError, sqlite3.Error, OSError]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:  # pragma: no cover - psycopg comes with the PostgreSQL adapter
        pass
    try:
        import psycopg_pool

        errors.append(psycopg_pool.PoolTimeout)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


DRIVER_ERRORS = _driver_errors()


def describe(exc: BaseException, action: str) -> str:
    """One line saying what failed, the likely cause and what to do."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    lowered = text.lower()
    if "database is locked" in lowered or "database table is locked" in lowered:
        return (
            f"{action}: the SQLite file stayed locked by another process past the lock timeout "
            f"(raise it with ?timeout=SECONDS in the sqlite URL, or write less at once): {text}"
        )
    if "unable to open database file" in lowered:
        return f"{action}: cannot open the SQLite file (does its folder exist and is it writable?): {text}"
    if "file is not a database" in lowered or "malformed" in lowered:
        return f"{action}: the SQLite file is not a kentqa database or is damaged: {text}"
    if "lock timeout" in lowered or "canceling statement due to lock timeout" in lowered:
        return (
            f"{action}: PostgreSQL lock timeout: other writers held the events table too long "
            f"(raise ?lock_timeout=SECONDS in the postgresql URL): {text}"
        )
    if "password authentication failed" in lowered:
        return f"{action}: the database server refused the user name or password: {text}"
    if "does not exist" in lowered and "database" in lowered:
        return f"{action}: the database named in the URL does not exist on the server: {text}"
    if any(
        s in lowered
        for s in (
            "connection refused",
            "could not connect",
            "connection failed",
            "server closed",
            "timeout",
            "couldn't get a connection",
        )
    ):
        return f"{action}: cannot reach the database server (is it running, and are host and port right?): {text}"
    return f"{action}: the storage back end failed ({type(exc).__name__}): {text}"


def diagnose_postgres(settings: Mapping[str, str]) -> str | None:
    """Why a PostgreSQL pool could not connect: one direct attempt, for its error message."""
    if settings.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return None
    try:
        import psycopg

        with psycopg.connect(
            dbname=settings.get("POSTGRES_DBNAME"),
            host=settings.get("POSTGRES_HOST"),
            port=settings.get("POSTGRES_PORT"),
            user=settings.get("POSTGRES_USER"),
            password=settings.get("POSTGRES_PASSWORD"),
            connect_timeout=int(settings.get("POSTGRES_CONNECT_TIMEOUT") or 5),
        ):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure here is the diagnosis
        text = str(exc)
        password = settings.get("POSTGRES_PASSWORD")
        return text.replace(password, "***") if password else text


@contextmanager
def storage_errors(action: str, settings: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn infrastructure failures inside the block into :class:`StorageError`.

    With ``settings``, a PostgreSQL pool timeout is diagnosed by one direct connection
    attempt, so the message names the real cause (refused, wrong password, no database).
    """
    try:
        yield
    except KentQAError:
        raise
    except MapperDeserialisationError as exc:
        raise StorageError(f"{action}: a stored event could not be read: {exc}") from exc
    except DRIVER_ERRORS as exc:
        cause = diagnose_postgres(settings) if settings and "couldn't get a connection" in str(exc) else None
        if cause:
            raise StorageError(describe(RuntimeError(cause), action)) from exc
        raise StorageError(describe(exc, action)) from exc


def guarded(action: str) -> Callable[[F], F]:
    """Decorate a public method so storage failures surface as :class:`StorageError`."""

    def wrap(fn: F) -> F:
        @wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with storage_errors(action):
                return fn(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
