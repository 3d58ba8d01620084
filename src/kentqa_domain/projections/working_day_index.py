"""Working-day arithmetic for registers of thousands of rows: one calendar walk, then lookups.

The registers (``qa.escalations``, ``qa.complaints_register``) need, per row, "the Nth
working day after D" (R-ESC-2, R-CMP-1..3, R-CMP-6) and "working days in (A, B]" (R-ESC-3).
Asking :class:`~kentqa_domain.calendar.WorkingCalendar` row by row walks the calendar again
for every row (decision 0815). :class:`WorkingDayIndex` asks the calendar once per day of the
years it covers — the calendar's own ``is_working_day``, so its weekends, bank holidays and
closure days are exactly the calendar's — and answers both questions by lookup:

- ``counts[i]``: working days from the first covered day up to and including day ``i``;
- ``days``: the covered working days in order, so the Nth working day after D is
  ``days[count(D) + N - 1]``.

An index is kept per calendar object (calendars are immutable: their closure days are a
frozenset) and grows by whole years when asked about dates outside what it covers.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from typing import NamedTuple

from ..calendar import WorkingCalendar

#: Extra years covered after the latest date asked about: "N working days after D" (at most
#: 65 working days in SPEC section 4) must fall inside the index.
_MARGIN_YEARS = 1


class _Tables(NamedTuple):
    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    counts: list[int]
    days: list[dt.date]


class WorkingDayIndex:
    """Lookups equal to ``calendar.add_working_days`` / ``calendar.working_days_after``."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._tables = _Tables(0, -1, 0, [], [])
        self._lock = threading.Lock()

    def cover(self, first: dt.date, last: dt.date) -> _Tables:
        """Tables covering ``first`` .. ``last`` and a year after (grown if needed)."""
        tables = self._tables
        if first.year >= tables.first_year and last.year + _MARGIN_YEARS <= tables.last_year:
            return tables
        with self._lock:
            tables = self._tables
            lo = min(first.year, tables.first_year) if tables.counts else first.year
            hi = max(last.year + _MARGIN_YEARS, tables.last_year)
            tables = self._tables = self._build(lo, hi)  # one assignment: readers see old or new
        return tables

    def _build(self, first_year: int, last_year: int) -> _Tables:
        is_working = self.calendar.is_working_day
        day = dt.date(first_year, 1, 1)
        end = dt.date(last_year, 12, 31)
        one = dt.timedelta(days=1)
        counts: list[int] = []
        days: list[dt.date] = []
        while day <= end:
            if is_working(day):
                days.append(day)
            counts.append(len(days))
            day += one
        return _Tables(first_year, last_year, dt.date(first_year, 1, 1).toordinal(), counts, days)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``n`` = 0: ``day`` itself)."""
        if n == 0:
            return day
        if n < 0:
            raise ValueError("n must not be negative")
        t = self.cover(day, day)
        return t.days[t.counts[day.toordinal() - t.base] + n - 1]

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; 0 if ``end`` <= ``start``."""
        if end <= start:
            return 0
        t = self.cover(start, end)
        return t.counts[end.toordinal() - t.base] - t.counts[start.toordinal() - t.base]


_INDEXES: weakref.WeakKeyDictionary[WorkingCalendar, WorkingDayIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def working_day_index(calendar: WorkingCalendar) -> WorkingDayIndex:
    """The shared index of ``calendar`` (built on first use)."""
    found = _INDEXES.get(calendar)
    if found is None:
        with _INDEXES_LOCK:
            found = _INDEXES.get(calendar)
            if found is None:
                found = _INDEXES[calendar] = WorkingDayIndex(calendar)
    return found
