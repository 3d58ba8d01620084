"""Events and themes by business date: the counts behind "how do we know it" (R-AUD-6).

``qa.stats()`` counts everything ever stored; the Learning and Improvement report also needs
how many observations, complaints, compliments, feedback, escalations ... fall in one cycle,
and which themes were raised in it, from every source. Both are kept here by business date
(not by arrival), so a late event counts in the cycle it is about.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from .. import events as ev
from .base import Projection

#: Events carrying ``themes`` and the source name the report gives them. Audit themes are
#: read from the audit projection instead, by the cycle each audit belongs to.
THEMED_SOURCES: dict[type[ev.Event], str] = {
    ev.ComplaintReceived: "complaints",
    ev.ComplimentReceived: "compliments",
    ev.FeedbackReceived: "feedback",
}


class ActivityByDay(Projection):
    """Event type -> business date -> count; (source, theme) -> business date -> count."""

    name = "activity_by_day"
    version = 1
    #: Counts by type and date and complaint/compliment/feedback themes: no child reference.
    holds_child_refs = False

    def __init__(self) -> None:
        self.events: dict[str, Counter[dt.date]] = {}
        self.themes: dict[tuple[str, str], Counter[dt.date]] = {}

    def apply(self, event: ev.Event, position: int) -> None:
        day = event.business_date
        self.events.setdefault(type(event).__name__, Counter())[day] += 1
        source = THEMED_SOURCES.get(type(event))
        if source is not None:
            for theme in getattr(event, "themes", ()):
                self.themes.setdefault((source, theme), Counter())[day] += 1

    def events_between(self, start: dt.date, end: dt.date) -> dict[str, int]:
        """Events whose business date is in [start, end], by type (types with none left out)."""
        out = {t: _between(days, start, end) for t, days in self.events.items()}
        return {t: n for t, n in sorted(out.items()) if n}

    def themes_between(self, start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
        """(source, theme) -> how many events of that source raised the theme in [start, end]."""
        out = {key: _between(days, start, end) for key, days in self.themes.items()}
        return {key: n for key, n in sorted(out.items()) if n}


def _between(days: Counter[dt.date], start: dt.date, end: dt.date) -> int:
    return sum(n for day, n in days.items() if start <= day <= end)
