"""Events and themes by business date: the counts behind "how do we know it" (R-AUD-6).

``qa.stats()`` counts everything ever stored; the Learning and Improvement report also needs
how many observations, complaints, compliments, feedback, escalations ... fall in one cycle,
and which themes were raised in it, from every source. Both are kept here by business date
(not by arrival), so a late event counts in the cycle it is about: one document per business
date (decision 0900), and the row tables ``kentqa_activity_days`` and
``kentqa_activity_themes`` derived from them (``docs/read-model.md``). A period's counts read
that period's days only, whatever the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ...event_base import Event
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from ..complaints.events import ComplaintReceived
from ..voice.events import ComplimentReceived, FeedbackReceived

#: Events carrying ``themes`` and the source name the report gives them. Audit themes are
#: read from the audit projection instead, by the cycle each audit belongs to.
THEMED_SOURCES: dict[type[Event], str] = {
    ComplaintReceived: "complaints",
    ComplimentReceived: "compliments",
    FeedbackReceived: "feedback",
}

#: ``kentqa_activity_days``: events by business date and type.
ACTIVITY_DAYS = Table(
    "kentqa_activity_days",
    (
        Column("day", "DATE", "the events' business date (observed on, received on, held on ...)"),
        Column("event_type", "TEXT", "the event's type, e.g. ObservationRecorded"),
        Column("events", "INTEGER", "how many events of that type have that business date"),
    ),
    indexes=(("day",),),
    doc="Events stored, by business date and type (a late event counts on the date it is about).",
)

#: ``kentqa_activity_themes``: themes raised by complaints, compliments and feedback by date.
ACTIVITY_THEMES = Table(
    "kentqa_activity_themes",
    (
        Column("day", "DATE", "the date received"),
        Column("source", "TEXT", "complaints, compliments or feedback"),
        Column("theme", "TEXT", "a theme the item raised (lower case)"),
        Column("raised", "INTEGER", "how many items of that source received that day raised it"),
    ),
    indexes=(("day",),),
    doc="Themes raised by complaints, compliments and feedback, by date received.",
)


@attrs.define
class DayActivity:
    """One business date: events by type; themes raised by source (complaints, compliments,
    feedback) -> theme -> count."""

    events: dict[str, int] = attrs.Factory(dict)
    themes: dict[str, dict[str, int]] = attrs.Factory(dict)


class ActivityByDay(StoredProjection):
    """Business date -> events by type and themes raised by source (one document per date)."""

    name = "activity_by_day"
    version = 1
    tables = (ACTIVITY_DAYS, ACTIVITY_THEMES)

    def setup(self) -> None:
        #: "YYYY-MM-DD" -> that business date's counts
        self.days = self.session.map("days", str, DayActivity)

    def apply(self, event: Event, position: int) -> None:
        day = self.days.setdefault(event.business_date.isoformat(), DayActivity())
        name = type(event).__name__
        day.events[name] = day.events.get(name, 0) + 1
        source = THEMED_SOURCES.get(type(event))
        if source is not None:
            themes = getattr(event, "themes", ())
            if themes:
                raised = day.themes.setdefault(source, {})
                for theme in themes:
                    raised[theme] = raised.get(theme, 0) + 1

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        keys = [key for space, key in changed if space == "days"]
        if not keys:
            return []
        events: list[tuple[Any, ...]] = []
        themes: list[tuple[Any, ...]] = []
        for key in keys:
            found: DayActivity = self.days[key]
            day = dt.date.fromisoformat(key)
            events.extend((key, day, name, n) for name, n in found.events.items())
            for source, raised in found.themes.items():
                themes.extend((key, day, source, theme, n) for theme, n in raised.items())
        return [(ACTIVITY_DAYS, keys, events), (ACTIVITY_THEMES, keys, themes)]

    def _period(self, start: dt.date, end: dt.date) -> Iterator[DayActivity]:
        """The documents of the dates ``start`` .. ``end`` (read in one go)."""
        keys = [day.isoformat() for day in _days(start, end)]
        self.days.prefetch(keys)
        for key in keys:
            found: DayActivity | None = self.days.get(key)
            if found is not None:
                yield found

    def events_between(self, start: dt.date, end: dt.date) -> dict[str, int]:
        """Events whose business date is in [start, end], by type (types with none left out)."""
        out: dict[str, int] = {}
        for day in self._period(start, end):
            for name, n in day.events.items():
                out[name] = out.get(name, 0) + n
        return {t: n for t, n in sorted(out.items()) if n}

    def themes_between(self, start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
        """(source, theme) -> how many events of that source raised the theme in [start, end]."""
        out: dict[tuple[str, str], int] = {}
        for day in self._period(start, end):
            for source, raised in day.themes.items():
                for theme, n in raised.items():
                    out[(source, theme)] = out.get((source, theme), 0) + n
        return {key: n for key, n in sorted(out.items()) if n}


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
