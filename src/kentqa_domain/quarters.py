"""Quarters of the council's year, for the IRO and CP Chair report (decision 0968).

``2026-Q3`` is the third quarter of the year that starts in April 2026 (the policy's
``year_start_month``, as cycle ids do, R-AUD-1): 1 October to 31 December 2026. Q1 of a year
starting in April is April to June.
"""

from __future__ import annotations

import datetime as dt
import re

from .calendar import add_months

_QUARTER_ID = re.compile(r"^(\d{4})-Q([1-4])$")
_ONE_DAY = dt.timedelta(days=1)


def parse_quarter_id(quarter_id: object) -> tuple[int, int] | None:
    """``"2026-Q3"`` -> ``(2026, 3)``; anything else -> None."""
    match = _QUARTER_ID.match(quarter_id) if isinstance(quarter_id, str) else None
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def quarter_bounds(quarter_id: str, year_start_month: int = 4) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter: ``2026-Q3`` -> 1 Oct 2026 .. 31 Dec 2026."""
    parsed = parse_quarter_id(quarter_id)
    if parsed is None:
        raise ValueError(f"not a quarter id (like 2026-Q3): {quarter_id!r}")
    year, quarter = parsed
    starts_on = add_months(dt.date(year, year_start_month, 1), 3 * (quarter - 1))
    return starts_on, add_months(starts_on, 3) - _ONE_DAY


def quarter_id_for(day: dt.date, year_start_month: int = 4) -> str:
    """The quarter a date falls in: 26 Nov 2026 -> ``2026-Q3``."""
    months_in = (day.month - year_start_month) % 12
    year = day.year if day.month >= year_start_month else day.year - 1
    return f"{year}-Q{months_in // 3 + 1}"


def previous_quarters(quarter_id: str, count: int, year_start_month: int = 4) -> list[str]:
    """The ``count`` quarters ending with ``quarter_id``, oldest first."""
    starts_on, _ = quarter_bounds(quarter_id, year_start_month)
    return [quarter_id_for(add_months(starts_on, -3 * n), year_start_month) for n in range(count - 1, -1, -1)]
