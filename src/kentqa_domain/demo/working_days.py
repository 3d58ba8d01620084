"""Working days for the generator: a precomputed table over the simulated period.

The generator asks for thousands of "Nth working day after" dates; counting day by day
through the policy's calendar each time would dominate its run time, so the working days
of the period are listed once (from the same calendar: bank holidays and closure days).
"""

from __future__ import annotations

import bisect
import datetime as dt

from ..calendar import WorkingCalendar


class WorkingDays:
    """The working days from ``start`` to ``end`` of ``calendar``, for fast arithmetic."""

    def __init__(self, calendar: WorkingCalendar, start: dt.date, end: dt.date) -> None:
        days = []
        day = start
        one = dt.timedelta(days=1)
        while day <= end:
            if calendar.is_working_day(day):
                days.append(day)
            day += one
        self._days = days
        self._ordinals = [d.toordinal() for d in days]
        self.start, self.end = start, end

    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next one."""
        i = bisect.bisect_left(self._ordinals, day.toordinal())
        return self._days[min(i, len(self._days) - 1)]

    def add(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``n`` >= 1), as the policy counts it."""
        i = bisect.bisect_right(self._ordinals, day.toordinal()) + n - 1
        return self._days[min(i, len(self._days) - 1)]
