"""Query arguments checked alike everywhere (SPEC 9.5; decision 0950).

:func:`checked` wraps every public query of :class:`~kentqa_domain.queries.Queries`: before
the query runs, each argument it takes is checked by its name, the same way for every query:

- ``as_of``, ``start``, ``end``, ``since``, ``on``: a ``datetime.date``; a ``datetime`` (a pandas
  ``Timestamp`` is one) stands for its date as written (no time-zone conversion); an ISO
  ``YYYY-MM-DD`` string is read as that date;
- ``as_worker``, ``team``: a string id (or None);
- ``cycle_id``: a cycle id like ``2026-T2`` (R-AUD-1), or None where the query allows it;
- ``limit``: a whole number of rows, 1 or more (or None);
- ``quarter``: a quarter of the council's year like ``2026-Q3``.

Anything else raises :class:`~kentqa_domain.errors.InvalidInput` (a ``ValueError``, not an
``InvalidEvent``) naming the query, the argument and what was expected. Choices (``state``,
``by``, ``setting``, ``sources``) are checked by the area's module with :func:`choice`,
:func:`states` and :func:`sources`, raising the same error.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TypeVar

from ..calendar import parse_cycle_id
from ..errors import InvalidInput, UnknownReference
from ..fields import ISO_DATE
from ..quarters import parse_quarter_id
from ..values import FeedbackSource

_E = TypeVar("_E", bound=Enum)
_F = TypeVar("_F", bound=Callable[..., Any])

#: What a date argument of a query may be given as (SPEC 9.5): a date, a datetime (a
#: subclass of date: its date) or an ISO ``YYYY-MM-DD`` string.
DateArgument = dt.date | str

#: The arguments read as dates (SPEC 9.5: "as_of and period bounds").
DATE_ARGUMENTS = frozenset({"as_of", "start", "end", "since", "on"})
#: The arguments that name a worker or a team.
ID_ARGUMENTS = frozenset({"as_worker", "team"})


def choice(query: str, enum: type[_E], value: object, field: str) -> _E:
    """A query argument as ``enum``; anything else is an ``InvalidInput`` naming the field."""
    try:
        return enum(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(m.value) for m in enum)
        raise InvalidInput(
            query, field, f"enum {enum.__name__}", f"must be one of {allowed}; got {_shown(value)}"
        ) from None


def date(query: str, field: str, value: object) -> dt.date:
    """A query's date argument (SPEC 9.5): a ``date``; a ``datetime`` (or a pandas Timestamp)
    gives its date; an ISO ``YYYY-MM-DD`` string is read. Else ``InvalidInput`` naming it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if len(value) == 10 and ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidInput(query, field, "date", f"must be an ISO date YYYY-MM-DD; got {_shown(value)}")
    raise InvalidInput(
        query,
        field,
        "date",
        f"must be a date (a datetime.date, a datetime or an ISO YYYY-MM-DD string), not {type(value).__name__}",
    )


def optional_date(query: str, field: str, value: object) -> dt.date | None:
    return None if value is None else date(query, field, value)


def period(query: str, start: object, end: object, as_of: object | None) -> tuple[dt.date, dt.date]:
    """[start, end] with ``end`` brought back to ``as_of`` when the period is still running."""
    first = date(query, "start", start)
    last = date(query, "end", end)
    if as_of is not None:
        last = min(last, date(query, "as_of", as_of))
    if last < first:
        raise InvalidInput(query, "end", "period", f"the period ends ({last}) before it starts ({first})")
    return first, last


def states(query: str, state: str | Iterable[str], allowed: tuple[str, ...]) -> frozenset[str]:
    """One register state or several, each among ``allowed``."""
    if not isinstance(state, (str, Iterable)):
        raise InvalidInput(
            query, "state", "register state", f"must be among {', '.join(allowed)}; got {_shown(state)}"
        )
    given = (state,) if isinstance(state, str) else tuple(state)
    for value in given:
        if value not in allowed:
            raise InvalidInput(
                query, "state", "register state", f"must be among {', '.join(allowed)}; got {_shown(value)}"
            )
    if not given:
        raise InvalidInput(query, "state", "register state", "name at least one state")
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
            raise InvalidInput(
                "voice_summary",
                "sources",
                "enum FeedbackSource",
                f"must be among {allowed}; got {_shown(source)}",
            ) from None
    return tuple(s for s in FeedbackSource if s in wanted)


def limit(query: str, value: object) -> int | None:
    """A page's size: None (all rows) or a whole number of rows, 1 or more."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(
            query, "limit", "page", f"must be a whole number of rows, 1 or more; got {_shown(value)}"
        )
    return value


def identifier(query: str, field: str, value: object) -> str | None:
    """A worker or team id (or None)."""
    if value is None or isinstance(value, str):
        return value
    raise InvalidInput(query, field, "type", f"must be a string id, not {type(value).__name__}")


def cycle_id(query: str, value: object, *, optional: bool) -> str | None:
    """R-AUD-1: a cycle id like ``2026-T2`` (None where the query takes all cycles)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or parse_cycle_id(value) is None:
        raise InvalidInput(query, "cycle_id", "R-AUD-1", f"{_shown(value)} is not a cycle id like 2026-T2")
    return value


def quarter_id(query: str, value: object) -> str:
    """A quarter of the council's year like ``2026-Q3`` (decision 0968)."""
    if parse_quarter_id(value) is None:
        raise InvalidInput(query, "quarter", "quarter", f"{_shown(value)} is not a quarter id like 2026-Q3")
    return str(value)


def check(query: str, name: str, value: object, *, optional: bool) -> object:
    """One argument of ``query``, checked by its name (the table in the module's docstring)."""
    if name in DATE_ARGUMENTS:
        return optional_date(query, name, value) if optional else date(query, name, value)
    if name in ID_ARGUMENTS:
        return identifier(query, name, value)
    if name == "cycle_id":
        return cycle_id(query, value, optional=optional)
    if name == "limit":
        return limit(query, value)
    if name == "quarter":
        return quarter_id(query, value)
    return value


def checked(method: _F) -> _F:
    """Check a query's arguments by name before it runs (SPEC 9.5): the one checker of every query."""
    signature = inspect.signature(method)
    query = method.__name__
    optional = {name: p.default is None for name, p in signature.parameters.items()}

    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            bound.arguments[name] = check(query, name, value, optional=optional[name])
        try:
            return method(*bound.args, **bound.kwargs)
        except UnknownReference as error:
            if error.field != "as" or error.event_type not in ("query", query):
                raise
            # R-ACC-1: the principal was never registered: say which query and argument
            raise UnknownReference(query, "as_worker", error.rule, error.message) from None

    # typeshed's functools.wraps returns a _Wrapped, neither the wrapped type nor open to new attributes
    run.__kentqa_checked__ = True  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def _shown(value: object) -> str:
    """A value as an error message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
