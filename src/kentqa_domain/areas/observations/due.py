"""When a practitioner's next practice observation is due, and the status that gives.

Pure functions of folded facts, the :class:`~kentqa_domain.policy.Policy` and ``as_of``; the
projection (:mod:`.observation_compliance`) supplies the facts. Months are calendar months
clamped to month end (:func:`kentqa_domain.calendar.add_months`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ...calendar import add_months
from ...policy import Policy
from ...values import ASYE_YEAR_MONTHS
from .rows import ComplianceStatus


@lru_cache(maxsize=65_536)
def _months_after(day: dt.date, months: int) -> dt.date:
    return add_months(day, months)


def asye_due(
    start: dt.date,
    observed: int,
    latest: dt.date | None,
    policy: Policy,
    ends_on: dt.date | None = None,
) -> dt.date:
    """R-OBS-1: the (observed+1)-th ASYE observation is due 3, 6 or 11 months (policy) from ``start``.

    ``start`` is ``asye_started_on``, else ``registered_on`` (a rejoiner's rejoining: decision
    0990); ``observed`` counts the practice observations from ``start`` up to ``as_of``. Once
    all three are done and the ASYE is not yet completed, the next is due as R-OBS-2 would
    make it: the observation interval after the latest (decision 0101).

    ``ends_on`` (SPEC 9.3, ``ASYEExtended``): the end of an extended ASYE year. When it is after
    the year's natural end (12 months from ``start``), the review points stretch in proportion:
    a point ``p`` days into the year is due ``p * (ends_on - start) // (natural end - start)``
    days from ``start`` (decision 0991).
    """
    if observed < 0:
        raise ValueError(f"observed must be a count of observations, got {observed}")
    points = policy.asye_observation_months
    if observed < len(points):
        due = _months_after(start, points[observed])
        natural = _months_after(start, ASYE_YEAR_MONTHS)
        if ends_on is not None and ends_on > natural:
            stretched = (due - start).days * (ends_on - start).days // (natural - start).days
            return start + dt.timedelta(days=stretched)
        return due
    assert latest is not None  # three observations were counted
    return _months_after(latest, policy.observation_interval_months)


def annual_due(latest: dt.date | None, registered_on: dt.date, policy: Policy) -> dt.date:
    """R-OBS-2: 12 months (policy) after the latest practice observation, else after registration."""
    return _months_after(latest or registered_on, policy.observation_interval_months)


def support_due(
    latest: dt.date | None,
    flagged_on: dt.date,
    interval_months: int | None,
    otherwise_due: dt.date,
    policy: Policy,
) -> dt.date:
    """R-OBS-3: ``interval_months`` (default 6, policy: revised by SPEC 9.3) after the later of the latest practice
    observation and the flag date, but never later than the date the worker's rule without
    the flag (R-OBS-2, or R-OBS-1 in the ASYE year: decision 0102) would make it.
    """
    interval = interval_months if interval_months is not None else policy.support_interval_months
    since = flagged_on if latest is None or flagged_on > latest else latest
    return min(_months_after(since, interval), otherwise_due)


def status_on(due: dt.date, as_of: dt.date, policy: Policy) -> ComplianceStatus:
    """R-OBS-5: ``overdue`` after ``due``; ``due_soon`` from 28 days (policy) before it up to and
    including the due date itself; else ``compliant``.
    """
    if as_of > due:
        return ComplianceStatus.OVERDUE
    if (due - as_of).days <= policy.due_soon_days:
        return ComplianceStatus.DUE_SOON
    return ComplianceStatus.COMPLIANT
