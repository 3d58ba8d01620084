"""The order an import records its events in: one the write model accepts.

A looked-after review needs its child's looked-after plan first (R-LAC-1) and a review
conference its child's CP plan (R-CP-2); ceasing needs the child known (R-LAC-7, R-CP-7).
So events are recorded by business date, and on one day: plans starting, then initial
conferences, then other reviews, then plans ending; ties keep the files' order.
"""

from __future__ import annotations

import datetime as dt

from .. import events as ev
from ..values import ReviewKind

STARTS = 0
INITIAL = 1
DURING = 2
ENDS = 3

_RANK: dict[type[ev.Event], int] = {
    ev.ChildBecameLookedAfter: STARTS,
    ev.StrategyDiscussionHeld: STARTS,
    ev.ChildCeasedLookedAfter: ENDS,
    ev.ChildProtectionPlanEnded: ENDS,
}


def rank(event: ev.Event) -> int:
    """Where an event goes among the events of its day."""
    if isinstance(event, ev.ReviewHeld):
        return INITIAL if event.kind is ReviewKind.INITIAL_CP_CONFERENCE else DURING
    return _RANK.get(type(event), DURING)


def recording_key(event: ev.Event, sequence: int) -> tuple[dt.date, int, int]:
    """Sort key: business date, rank on the day, then the order the importer gave."""
    return (event.business_date, rank(event), sequence)
