"""The voice projection: compliments and feedback kept as tallies per day and per month
(framework 4.1 "Voice of children, young people and families", 4.3 "Service User and Partner
Feedback", "Learning from Compliments and Complaints"; SPEC section 5 ``voice_summary``).

The projection keeps **tallies per day and per month** in the store (decisions 0815, 0900):
one document per (received date, source) and one per (month, source), each counting, for
every team, the items by channel and by theme, with the ratings given (:mod:`.tallies`). A
period's tallies (:meth:`Voice.between`) add the month documents of its whole months and the
day documents of its partial months, so a year reads at most 12 months and 62 days of
documents per source, whatever the history; the state is the same whatever order the items
arrived in (it is a sum). The day documents give the row tables ``kentqa_voice_days`` and
``kentqa_voice_day_themes`` for analysts (``docs/read-model.md``). The summary computed from
the tallies is in :mod:`.summary`. Compliments and feedback name no child, so there is
nothing to forget (issue 9).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ...event_base import Event
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from ...values import FeedbackSource
from .tallies import BASE, RATINGS, THEME, Key, Tallies, day_key, item_of, month_key, packed_of


def _counts_columns(thing: str) -> tuple[Column, ...]:
    return (
        Column("compliments", "INTEGER", f"compliments {thing}"),
        Column("feedback", "INTEGER", f"feedback items {thing} (rated or not)"),
        Column("rated", "INTEGER", "of the feedback, how many gave a rating (1-5)"),
        *(Column(f"rating_{r}", "INTEGER", f"of the feedback, how many rated {r}") for r in RATINGS),
    )


#: ``kentqa_voice_days``: each compliment and feedback item counted once.
VOICE_DAYS = Table(
    "kentqa_voice_days",
    (
        Column("day", "DATE", "the date received"),
        Column("source", "TEXT", "who it came from: child, young_person, parent_carer, partner, staff ..."),
        Column("team_id", "TEXT", "the team it is about (NULL: none given)"),
        Column("channel", "TEXT", "how feedback came: momo, survey ... (NULL: compliments, which have none)"),
        *_counts_columns("received that day from that source, about that team, by that channel"),
    ),
    indexes=(("day", "source"),),
    doc="Compliments and feedback received, per day, source, team and channel: each item counted once.",
)

#: ``kentqa_voice_day_themes``: each item counted once under each of its themes.
VOICE_DAY_THEMES = Table(
    "kentqa_voice_day_themes",
    (
        Column("day", "DATE", "the date received"),
        Column("source", "TEXT", "who it came from"),
        Column("team_id", "TEXT", "the team it is about (NULL: none given)"),
        Column("theme", "TEXT", "a theme the item raised (NULL: the item gave none)"),
        *_counts_columns("received that day from that source, about that team, raising that theme"),
    ),
    indexes=(("day", "source"),),
    doc="Compliments and feedback per day, source, team and theme: an item with two themes counts under both.",
)


class Voice(StoredProjection):
    """Compliments and feedback, as tallies per (received date, source) and (month, source)."""

    name = "voice"
    version = 1
    tables = (VOICE_DAYS, VOICE_DAY_THEMES)

    def setup(self) -> None:
        #: "YYYY-MM-DD/source" -> that day's items from that source
        self.days = self.session.map("days", str, Tallies)
        #: "YYYY-MM/source" -> the sum of that month's days from that source
        self.months = self.session.map("months", str, Tallies)

    def apply(self, event: Event, position: int) -> None:
        item = item_of(event)
        if item is None:
            return
        day = item.received_on
        self.days.setdefault(day_key(day, item.source), Tallies()).add(item)
        self.months.setdefault(month_key(day.year, day.month, item.source), Tallies()).add(item)

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        keys = [key for space, key in changed if space == "days"]
        if not keys:
            return []
        base: list[tuple[Any, ...]] = []
        themed: list[tuple[Any, ...]] = []
        for key in keys:
            tallies: Tallies = self.days[key]
            day_text, _, source = key.partition("/")
            day = dt.date.fromisoformat(day_text)
            for rows, part in ((base, tallies.channels), (themed, tallies.themes)):
                for team, counts in part.items():
                    for value, text in counts.items():
                        rows.append((key, day, source, team or None, value or None, *_row_counts(text)))
        return [(VOICE_DAYS, keys, base), (VOICE_DAY_THEMES, keys, themed)]

    def between(self, start: dt.date, end: dt.date, sources: Iterable[FeedbackSource]) -> dict[Key, int]:
        """The summed tallies of ``sources`` on the days ``start`` .. ``end`` inclusive: whole
        months from the month documents, the days of partial months from the day documents
        (read in one go each)."""
        chosen = list(sources)
        months, days = _parts(start, end)
        month_keys = [month_key(y, m, s) for y, m in months for s in chosen]
        day_keys = [day_key(d, s) for d in days for s in chosen]
        self.months.prefetch(month_keys)
        self.days.prefetch(day_keys)
        total: dict[Key, int] = {}
        get = total.get
        parsed: dict[str, int] = {}  # the distinct count texts of this query (a few hundred)
        for docs, keys in ((self.months, month_keys), (self.days, day_keys)):
            for key in keys:
                tallies: Tallies | None = docs.get(key)
                if tallies is None:
                    continue
                source = key.rpartition("/")[2]
                for kind, part in ((BASE, tallies.channels), (THEME, tallies.themes)):
                    for team, counts in part.items():
                        for value, text in counts.items():
                            packed = parsed.get(text)
                            if packed is None:
                                packed = parsed[text] = packed_of(text)
                            found = (kind, source, team, value)
                            total[found] = get(found, 0) + packed
        return total


def _row_counts(text: str) -> tuple[int, ...]:
    """compliments, feedback, rated, rating_1 .. rating_5 of a document's counts."""
    compliments, unrated, *ratings = (int(n) for n in text.split(","))
    rated = sum(ratings)
    return (compliments, unrated + rated, rated, *ratings)


def _parts(start: dt.date, end: dt.date) -> tuple[list[tuple[int, int]], list[dt.date]]:
    """The whole months of [start, end] as (year, month), and the days of its partial months."""
    months: list[tuple[int, int]] = []
    days: list[dt.date] = []
    cursor = start
    while cursor <= end:
        following = _first_of_next_month(cursor)
        last = following - _ONE_DAY
        if cursor.day == 1 and last <= end:
            months.append((cursor.year, cursor.month))
        else:
            days.extend(_days(cursor, min(end, last)))
        cursor = following
    return months, days


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


_ONE_DAY = dt.timedelta(days=1)


def _first_of_next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)
