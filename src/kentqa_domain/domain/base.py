"""What every aggregate module shares: the handler shape and the named refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import RuleViolation, UnknownReference
from ..events import Event

if TYPE_CHECKING:
    from .casebook import Casebook


@attrs.frozen
class Handler:
    """How one event type meets the write model.

    ``stream(event, book)`` names the aggregate stream (e.g. ``"worker:W1"``); ``check`` raises a
    named error if the event may not be recorded now; ``apply`` folds it into the aggregates.
    """

    stream: Callable[[Any, Casebook], str]
    check: Callable[[Any, Casebook], object]
    apply: Callable[[Any, Casebook], object]


def unknown(event: Event, field: str, what: str) -> UnknownReference:
    value = getattr(event, field)
    return UnknownReference(
        type(event).__name__, field, "reference", f"{what} {value!r} was never registered"
    )


def violation(event: Event, field: str | None, rule: str, message: str) -> RuleViolation:
    return RuleViolation(type(event).__name__, field, rule, message)


def nothing(event: Any, book: Any) -> None:
    """A check that always passes, or an apply that changes nothing."""


def by(kind: str, field: str) -> Callable[[Any, Any], str]:
    """A stream namer: the aggregate ``kind`` keyed by the event's ``field``."""

    def stream(event: Any, book: Any) -> str:
        return f"{kind}:{getattr(event, field)}"

    return stream
