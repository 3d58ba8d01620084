"""What every aggregate module shares: the handler shape and the named refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..errors import RuleViolation, UnknownReference
from ..event_base import Event


@attrs.frozen
class Handler:
    """How one event type meets the write model.

    ``book`` is the write model (:class:`~kentqa_domain.recording.write_model.WriteModel`; each
    area types the part it reads as a protocol, e.g. ``StaffBook``). ``stream(event, book)`` names the aggregate stream (e.g. ``"worker:W1"``); ``check`` raises a
    named error if the event may not be recorded now; ``apply`` folds it into the aggregates.
    """

    stream: Callable[[Any, Any], str]
    check: Callable[[Any, Any], object]
    apply: Callable[[Any, Any], object]


def unknown(event: Event, field: str, what: str, *, introduced_by: str | None = None) -> UnknownReference:
    """``what`` named by ``field`` is not known; ``introduced_by``: which events make one known
    (SPEC 9.5: the message says how to introduce it)."""
    value = getattr(event, field)
    how = f" ({what} is introduced by {introduced_by})" if introduced_by else ""
    return UnknownReference(
        type(event).__name__, field, "reference", f"{what} {value!r} was never registered{how}"
    )


def violation(event: Event, field: str | None, rule: str, message: str) -> RuleViolation:
    return RuleViolation(type(event).__name__, field, rule, message)


def no_change(event: Any, book: Any) -> None:
    """A check that always passes, or an apply that changes nothing."""


def stream_by(kind: str, field: str) -> Callable[[Any, Any], str]:
    """A stream namer: the aggregate ``kind`` keyed by the event's ``field``."""

    def stream(event: Any, book: Any) -> str:
        return f"{kind}:{getattr(event, field)}"

    return stream
