"""Infrastructure failures as :class:`~kentqa_domain.errors.StorageError` with a message a user can act on.

eventsourcing wraps driver errors in its own ``PersistenceError`` family; drivers may also
raise their own (``sqlite3.Error``, ``psycopg.Error``) or ``OSError``. Callers of the
library only ever see ``StorageError`` for these, never a raw database error (issue 9).
Optimistic-concurrency conflicts (``IntegrityError``) are handled where they happen
(retried, or reported as ``ConflictingEvent``) and never reach this module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
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
    if any(
        s in lowered
        for s in ("connection refused", "could not connect", "connection failed", "server closed", "timeout")
    ):
        return f"{action}: cannot reach the database server (is it running, and are host and port right?): {text}"
    if "password authentication failed" in lowered:
        return f"{action}: the database server refused the user name or password: {text}"
    return f"{action}: the storage back end failed ({type(exc).__name__}): {text}"


@contextmanager
def storage_errors(action: str) -> Iterator[None]:
    """Turn infrastructure failures inside the block into :class:`StorageError`."""
    try:
        yield
    except KentQAError:
        raise
    except MapperDeserialisationError as exc:
        raise StorageError(f"{action}: a stored event could not be read: {exc}") from exc
    except DRIVER_ERRORS as exc:
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
