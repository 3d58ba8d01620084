"""The benchmark's events: one synthetic council (``kentqa_domain.demo``) over as many years
as it takes to reach N events, in recording order (late events included).

One council, not many: the entities (staff, children in plans) stay about the same while the
history grows, which is what ``query_flatness`` is about. The same seed gives the same events,
so the kentqa run and the bare run store exactly the same work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice

from kentqa_domain.demo import council_events
from kentqa_domain.events import Event
from kentqa_domain.policy import Policy

#: A council records about this many events a year (with its first year's back-filled history).
EVENTS_PER_YEAR = 110_000
AS_OF = dt.date(2035, 3, 31)


def years_for(n: int) -> int:
    return max(1, -(-n // EVENTS_PER_YEAR) + 1)


def events(n: int, *, seed: int = 1) -> Iterator[Event]:
    """The first ``n`` events of a council simulated for enough years up to ``AS_OF``."""
    return islice(
        council_events(seed=seed, as_of=AS_OF, years=years_for(n), policy=Policy(), corrections=False), n
    )


def chunks(n: int, size: int, *, seed: int = 1) -> Iterator[list[Event]]:
    source = events(n, seed=seed)
    while True:
        chunk = list(islice(source, size))
        if not chunk:
            return
        yield chunk
