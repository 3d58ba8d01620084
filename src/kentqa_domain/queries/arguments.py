"""Query arguments checked alike everywhere: dates, periods, choices (errors name the query and field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import TypeVar

from ..errors import InvalidEvent
from ..values import FeedbackSource

_E = TypeVar("_E", bound=Enum)


def choice(query: str, enum: type[_E], value: object, field: str) -> _E:
    """A query argument as ``enum``; anything else is an ``InvalidEvent`` naming the field."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum)
        raise InvalidEvent(query, field, f"enum {enum.__name__}", f"must be one of {allowed}") from None


def date(query: str, field: str, value: object) -> dt.date:
    """A query's date argument: a ``date`` (not a datetime), else InvalidEvent naming it."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidEvent(query, field, "type", f"must be a datetime.date, not {type(value).__name__}")
    return value


def period(query: str, start: object, end: object, as_of: object | None) -> tuple[dt.date, dt.date]:
    """[start, end] with ``end`` brought back to ``as_of`` when the period is still running."""
    first = date(query, "start", start)
    last = date(query, "end", end)
    if as_of is not None:
        last = min(last, date(query, "as_of", as_of))
    if last < first:
        raise InvalidEvent(query, "end", "period", f"the period ends ({last}) before it starts ({first})")
    return first, last


def states(query: str, state: str | Iterable[str], allowed: tuple[str, ...]) -> frozenset[str]:
    """One register state or several, each among ``allowed``."""
    given = (state,) if isinstance(state, str) else tuple(state)
    for value in given:
        if value not in allowed:
            raise InvalidEvent(query, "state", "register state", f"must be among {', '.join(allowed)}; got {value!r}")
    if not given:
        raise InvalidEvent(query, "state", "register state", "name at least one state")
    return frozenset(given)


def sources(given: Iterable[FeedbackSource | str] | None) -> tuple[FeedbackSource, ...]:
    """The feedback sources asked for, in SPEC order (None: all of them)."""
    if given is None:
        return tuple(FeedbackSource)
    if isinstance(given, str):
        given = (given,)
    wanted = set()
    for source in given:
        try:
            wanted.add(FeedbackSource(source))
        except ValueError:
            allowed = ", ".join(s.value for s in FeedbackSource)
            raise InvalidEvent(
                "voice_summary", "sources", "enum FeedbackSource", f"must be among {allowed}; got {source!r}"
            ) from None
    return tuple(s for s in FeedbackSource if s in wanted)
