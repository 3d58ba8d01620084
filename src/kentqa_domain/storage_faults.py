"""Infrastructure failures as :class:`~kentqa_domain.errors.StorageError` with a message a user can act on.

eventsourcing wraps driver errors in its own ``PersistenceError`` family; drivers may also
raise their own (``sqlite3.Error``, ``psycopg.Error``) or ``OSError``. Callers of the
library only ever see ``StorageError`` for these, never a raw database error (issue 9).
Optimistic-concurrency conflicts (``IntegrityError``) and schema races are retried where they
happen, with :func:`contention` (``stamina``); when the retries run out, or a lock is held past
the lock timeout, the caller sees :class:`~kentqa_domain.errors.StoreBusy` (decision 1005).
"""

from __future__ import annotations

import itertools
import random
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import stamina
from eventsourcing.persistence import MapperDeserialisationError, PersistenceError

from .errors import KentQAError, StorageError, StoreBusy

F = TypeVar("F", bound=Callable[..., Any])

#: Back-off between retries under contention: the n-th wait of one operation is random up to
#: min(cap, base * 2**n) seconds ("full jitter", decision 0600), so that competing processes
#: fall out of step rather than colliding again in lock step.
BACKOFF_BASE, BACKOFF_CAP = 0.005, 0.25


def contention(
    on: type[Exception] | Callable[[Exception], bool],
    attempts: int,
    *,
    first_wait: int = 0,
    wait: bool = True,
) -> Iterable[stamina.Attempt]:
    """``stamina.retry_context`` for contention: up to ``attempts`` tries while the failure is
    ``on`` (an exception type, or a predicate), waiting with full jitter between them (the first
    wait is the ``first_wait``-th), or not at all without ``wait`` (a retry that reads again what
    another process just wrote); no time limit beyond the attempts. When they run out the last
    failure is raised again: the caller turns it into ``StoreBusy``. Tests may call
    ``stamina.set_testing(True, attempts=N)`` to try N times without waiting."""
    matches = (lambda exc: isinstance(exc, on)) if isinstance(on, type) else on
    waits = itertools.count(first_wait)

    def backoff(exc: Exception) -> bool | float:
        if not matches(exc):
            return False
        if not wait:
            return 0.0
        return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** next(waits)))  # noqa: S311

    return stamina.retry_context(on=backoff, attempts=attempts, timeout=None)


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is a lock held by another process past the lock timeout."""
    lowered = str(exc).lower()
    return (
        "database is locked" in lowered
        or "database table is locked" in lowered
        or "canceling statement due to lock timeout" in lowered
    )


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
        raise (StoreBusy if is_busy(exc) else StorageError)(describe(exc, action)) from exc


def guarded(action: str) -> Callable[[F], F]:
    """Decorate a public method so storage failures surface as :class:`StorageError`."""

    def wrap(fn: F) -> F:
        @wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with storage_errors(action):
                return fn(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
