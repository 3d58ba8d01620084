"""R-INP-1: no business date after today, checked at the edge (issue 17, finding 12).

A looked-after start typed as 2027-11-03 for 2026-11-03 would otherwise be stored and
schedule a first review 20 working days after a day that has not come. The rules read no
clock (every query is a pure function of the events and ``as_of``), so this rule is not one
of them: the façade's ``record*`` methods and ``kentqa record`` apply it before anything is
checked or stored, and the caller may lift it (``allow_future=True``, ``--allow-future``)
for a date that is meant, such as a leaving date agreed in advance.

Every date field of an event is a business date (the day something happened, was held,
received, registered ...) except deadlines: the fields named ``due_on`` (a thematic audit's,
and those of actions, which are nested) and ``extended_to`` (the new end of an extended ASYE,
SPEC 9.3) are meant to be in the future.

:func:`latest_date` is the clock at the edge: ``$KENTQA_LATEST_DATE`` (``YYYY-MM-DD``) when
set, else the system's date. The variable exists for test suites and for loading a council's
history in a test environment whose data is dated ahead; the check guards against mistakes,
it is not a security boundary (the caller may allow the future anyway).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping

import attrs

from ..errors import InvalidEvent
from ..events import Event
from ..fields import ISO_DATE

#: The rule's id, as errors name it (``[rule R-INP-1]``).
RULE = "R-INP-1"
#: The environment variable naming the latest date recorded without ``allow_future``.
ENV = "KENTQA_LATEST_DATE"
#: Date fields that are deadlines, not business dates: they may be after today.
DEADLINES = frozenset({"due_on", "extended_to"})


def business_dates(event: Event) -> Iterator[tuple[str, dt.date]]:
    """The event's top-level date fields that say when something happened (not deadlines)."""
    for field in attrs.fields(type(event)):
        if field.name in DEADLINES:
            continue
        value = getattr(event, field.name)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            yield field.name, value


def check_not_after(event: Event, latest: dt.date) -> None:
    """R-INP-1: refuse ``event`` (``InvalidEvent`` naming the field) if a business date of it
    is after ``latest`` (today, at the edge). Pure: the caller reads the clock."""
    for name, value in business_dates(event):
        if value > latest:
            raise InvalidEvent(
                type(event).__name__,
                name,
                RULE,
                f"{value.isoformat()} is after today ({latest.isoformat()}); if a date in the future "
                "is meant, record it with allow_future=True (kentqa record --allow-future)",
            )


def latest_date(environ: Mapping[str, str] | None = None) -> dt.date:
    """The latest business date recorded without ``allow_future``: ``$KENTQA_LATEST_DATE``
    when set (a malformed value is an error naming the variable), else today's date."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV, "").strip()
    if not raw:
        return dt.date.today()
    if len(raw) != 10 or not ISO_DATE.fullmatch(raw):
        return _bad(raw)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return _bad(raw)


def _bad(raw: str) -> dt.date:
    raise InvalidEvent("environment", ENV, RULE, f"must be a date YYYY-MM-DD; got {raw[:40]!r}")
