"""Infrastructure failures as :class:`~kentqa_domain.errors.StorageError` with a message a user can act on.

eventsourcing wraps driver errors in its own ``PersistenceError`` family; drivers may also
raise their own (``sqlite3.Error``, ``psycopg.Error``) or ``OSError``. Callers of the
library only ever see ``StorageError`` for these, never a raw database error (issue 9).
Which exception means what (busy, unreachable, refused, missing, damaged) is the storage
back end's to say: its ``classify`` gives a :class:`Fault` (decision 1010); this module knows
no driver.

Optimistic-concurrency conflicts (``IntegrityError``) and schema races are retried where they
happen, with :func:`contention` (``stamina``); when the retries run out, or a lock is held past
the lock timeout, the caller sees :class:`~kentqa_domain.errors.StoreBusy` (decision 1005).
"""

from __future__ import annotations

import enum
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, Protocol, TypeVar

import attrs
import stamina
from eventsourcing.persistence import MapperDeserialisationError, PersistenceError

from ..errors import KentQAError, StorageError, StoreBusy

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


class FaultKind(enum.Enum):
    """What a storage failure means, as a storage back end classifies it (:class:`Fault`)."""

    #: a lock held by another process past the lock timeout: :class:`StoreBusy` (retry later)
    BUSY = "busy"
    #: the server or file cannot be reached: not running, wrong host or port, pool exhausted
    UNREACHABLE = "unreachable"
    #: the server refused the credentials
    REFUSED = "refused"
    #: what the URL names does not exist (a database, a file, a table)
    MISSING = "missing"
    #: the store is not a kentqa database, or is damaged
    DAMAGED = "damaged"
    #: a failure of the back end with no more specific meaning
    FAILED = "failed"


@attrs.frozen
class Fault:
    """A storage back end's reading of one exception: its ``kind`` and ``advice``, the likely
    cause and what to do, which :func:`describe` puts between the action and the driver's text."""

    kind: FaultKind
    advice: str
    #: what to show instead of the exception's own text (e.g. a diagnosis of its cause), if any
    detail: str | None = None


class FaultClassifier(Protocol):
    """What :func:`storage_errors` asks: the storage back end's
    :meth:`kentqa_domain.storage.StorageBackend.classify`."""

    def classify(self, exc: BaseException) -> Fault | None: ...


def neutral_fault(exc: BaseException) -> Fault | None:
    """What the core knows of any back end: eventsourcing's ``PersistenceError`` family and
    ``OSError`` (a refused connection among them) are storage failures; anything else is not."""
    if isinstance(exc, ConnectionError):
        return Fault(FaultKind.UNREACHABLE, UNREACHABLE_ADVICE)
    if isinstance(exc, PersistenceError | OSError):
        return failed(exc)
    return None


def failed(exc: BaseException) -> Fault:
    """:attr:`FaultKind.FAILED`: a failure of the back end with nothing more to say of it."""
    return Fault(FaultKind.FAILED, f"the storage back end failed ({type(exc).__name__})")


#: The advice for :attr:`FaultKind.UNREACHABLE` where the back end is a server.
UNREACHABLE_ADVICE = "cannot reach the database server (is it running, and are host and port right?)"


def classify(exc: BaseException, backend: FaultClassifier | None = None) -> Fault | None:
    """The back end's classification of ``exc`` if it has one, else :func:`neutral_fault`."""
    fault = backend.classify(exc) if backend is not None else None
    return fault if fault is not None else neutral_fault(exc)


def describe(exc: BaseException, action: str, fault: Fault | None = None) -> str:
    """One line saying what failed, the likely cause and what to do: ``action: advice: text``."""
    fault = fault or classify(exc) or failed(exc)
    text = " ".join((fault.detail or str(exc)).split()) or type(exc).__name__
    return f"{action}: {fault.advice}: {text}"


def as_storage_error(exc: BaseException, action: str, fault: Fault) -> StorageError:
    """The error a caller sees: :class:`StoreBusy` for :attr:`FaultKind.BUSY`, else
    :class:`StorageError`, with :func:`describe`'s message."""
    kind = StoreBusy if fault.kind is FaultKind.BUSY else StorageError
    return kind(describe(exc, action, fault))


@contextmanager
def storage_errors(action: str, backend: FaultClassifier | None = None) -> Iterator[None]:
    """Turn infrastructure failures inside the block into :class:`StorageError`.

    ``backend`` (the storage's :class:`~kentqa_domain.storage.StorageBackend`) classifies
    each exception first (:func:`classify`); what neither it nor :func:`neutral_fault`
    recognises (a programming error) is raised unchanged.
    """
    try:
        yield
    except KentQAError:
        raise
    except MapperDeserialisationError as exc:
        raise StorageError(f"{action}: a stored event could not be read: {exc}") from exc
    except Exception as exc:
        fault = classify(exc, backend)
        if fault is None:
            raise
        raise as_storage_error(exc, action, fault) from exc


def guarded(action: str) -> Callable[[F], F]:
    """Decorate a public method so storage failures surface as :class:`StorageError`, as
    classified by the ``backend`` attribute of the method's object (its storage back end)."""

    def wrap(fn: F) -> F:
        @wraps(fn)
        def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
            with storage_errors(action, getattr(self, "backend", None)):
                return fn(self, *args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
