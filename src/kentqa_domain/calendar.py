"""Working days and calendar months: the one place dates are counted (SPEC section 4).

Working days exclude weekends, England and Wales bank holidays (from the maintained
``holidays`` package, never a hand-typed list) and the policy's local closure days.
"Within N working days of D" is the Nth working day after D. Months are calendar months
clamped to month end (31 Jan + 1 month = 28/29 Feb), by ``dateutil.relativedelta``.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import holidays
from dateutil.relativedelta import relativedelta

_ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays of ``year`` (Wales shares England's list)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to month end: 31 Jan + 1 month = 28 (or 29) Feb."""
    result: dt.date = day + relativedelta(months=months)
    return result


class _Tables(NamedTuple):
    """Working days of whole years ``first_year`` .. ``last_year``, for lookups."""

    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    counts: list[int]  # counts[i]: working days from 1 Jan of first_year up to day i, inclusive
    days: list[dt.date]  # the working days in order


#: Extra years covered after the latest date asked about: "N working days after D" (at most
#: 65 working days in SPEC section 4) must fall inside the tables.
_MARGIN_YEARS = 1
#: Spans longer than this many years are counted by arithmetic, not listed.
_TABLE_YEARS = 200


class WorkingCalendar:
    """Counts working days: not a weekend, not a bank holiday, not a local closure day.

    The one working-day engine of the library (registers of thousands of rows, the drift
    register's due dates and the demo generator all ask it). A calendar is immutable (its
    closure days are a frozenset); the first question about a year lists that year's working
    days once (``is_working_day`` for each day), and every "Nth working day after D" or
    "working days in (A, B]" after it is a lookup (decision 0815). The tables grow by whole
    years, a year after the latest date asked about; growing swaps them in one assignment
    under a lock, so threads read the old tables or the new, never half of one.
    """

    def __init__(self, closures: Iterable[dt.date] = ()) -> None:
        self.closures = frozenset(closures)
        self._tables = _Tables(0, -1, 0, [], [])
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WorkingCalendar(closures={len(self.closures)} days)"

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in self.closures

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``n`` >= 1); ``n`` = 0 gives ``day`` itself."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return day
        t = self._cover(day, day)
        return t.days[t.counts[day.toordinal() - t.base] + n - 1]

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the first working day after it."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: after ``start`` up to and including ``end``; 0 if end <= start."""
        if end <= start:
            return 0
        if end.year - start.year > _TABLE_YEARS:  # e.g. from date.min: count, do not list
            return self._counted(start, end)
        t = self._cover(start, end)
        return t.counts[end.toordinal() - t.base] - t.counts[start.toordinal() - t.base]

    def _counted(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end] by arithmetic: weekdays, less the weekday holidays and
        closures in the range (for spans too long to list)."""
        weekdays = _weekdays_through(end) - _weekdays_through(start)
        closed: set[dt.date] = set()
        for year in range(start.year, end.year + 1):
            closed.update(bank_holidays(year))
        closed.update(self.closures)
        return weekdays - sum(1 for d in closed if start < d <= end and d.weekday() < 5)

    def _cover(self, first: dt.date, last: dt.date) -> _Tables:
        """Tables covering ``first`` .. ``last`` and a year after (grown if needed)."""
        tables = self._tables
        if first.year >= tables.first_year and last.year + _MARGIN_YEARS <= tables.last_year:
            return tables
        with self._lock:
            tables = self._tables
            lo = min(first.year, tables.first_year) if tables.counts else first.year
            hi = max(last.year + _MARGIN_YEARS, tables.last_year)
            tables = self._tables = self._build(lo, hi)
        return tables

    def _build(self, first_year: int, last_year: int) -> _Tables:
        day = dt.date(first_year, 1, 1)
        end = dt.date(last_year, 12, 31)
        counts: list[int] = []
        days: list[dt.date] = []
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            counts.append(len(days))
            day += _ONE_DAY
        return _Tables(first_year, last_year, dt.date(first_year, 1, 1).toordinal(), counts, days)


def _weekdays_through(day: dt.date) -> int:
    """Monday-to-Friday days from 1 Jan 0001 (a Monday) up to and including ``day``."""
    ordinal = day.toordinal()
    return (ordinal // 7) * 5 + min(ordinal % 7, 5)


# --- The tri-annual audit cycle (R-AUD-1) -------------------------------------------------

_CYCLE_ID = re.compile(r"^(\d{4})-T([123])$")


def parse_cycle_id(cycle_id: str) -> tuple[int, int] | None:
    """``"2026-T2"`` -> ``(2026, 2)``; anything else -> None."""
    match = _CYCLE_ID.match(cycle_id)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def cycle_id_for(day: dt.date, year_start_month: int = 4) -> str:
    """R-AUD-1: the cycle a date falls in; the year starts in ``year_start_month`` (April)."""
    months_in = (day.month - year_start_month) % 12
    year = day.year if day.month >= year_start_month else day.year - 1
    return f"{year}-T{months_in // 4 + 1}"


def cycle_bounds(cycle_id: str, year_start_month: int = 4) -> tuple[dt.date, dt.date]:
    """R-AUD-1: first and last day of a cycle: ``2026-T2`` -> 1 Aug 2026 .. 30 Nov 2026."""
    parsed = parse_cycle_id(cycle_id)
    if parsed is None:
        raise ValueError(f"not a cycle id (like 2026-T2): {cycle_id!r}")
    year, third = parsed
    starts_on = add_months(dt.date(year, year_start_month, 1), 4 * (third - 1))
    ends_on = add_months(starts_on, 4) - _ONE_DAY
    return starts_on, ends_on
