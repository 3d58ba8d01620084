"""One recording order for many simulated processes.

Each process (a worker's career, a child's plan, a complaint) is a Python generator. It
records events through :meth:`Timeline.record` with a *record date* (the day the event is
typed up: its business date, or later for a late event) and yields the date it wants to
wake up next. The timeline is a heap ordered by record date, so the merged stream is in
recording order, and a process's events always come after what it recorded before.

Late events: a process may record an event with a record date after its business date; an
event that depends on it (the sharing of a late observation) is given a record date no
earlier, so references are always recorded first. Events whose record date falls after
the end of the simulation were "not typed up yet" and are dropped.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Generator, Iterator
from itertools import count
from typing import Any

from ..events import Event

#: A process: a generator yielding the date it next wakes up.
Process = Generator[dt.date, None, None]


class Timeline:
    """Merges the events of processes into recording order, up to ``until``."""

    def __init__(self, until: dt.date) -> None:
        self.until = until
        self._heap: list[tuple[dt.date, int, Any]] = []
        self._seq = count()
        self.late = 0

    def record(self, on: dt.date, event: Event, *, after: dt.date | None = None) -> dt.date | None:
        """Record ``event`` on ``on`` (not before ``after``); its record date, or None if dropped."""
        if after is not None and after > on:
            on = after
        if on > self.until:
            return None
        if on > event.business_date:
            self.late += 1
        heapq.heappush(self._heap, (on, next(self._seq), event))
        return on

    def spawn(self, on: dt.date, process: Process) -> None:
        """Start ``process`` on ``on`` (it runs until its first ``yield``)."""
        if on <= self.until:
            heapq.heappush(self._heap, (on, next(self._seq), process))

    def __iter__(self) -> Iterator[Event]:
        heap = self._heap
        while heap:
            on, _, item = heapq.heappop(heap)
            if isinstance(item, Event):
                yield item
                continue
            try:
                wake = next(item)
            except StopIteration:
                continue
            if wake < on:
                raise RuntimeError(f"a demo process asked to wake on {wake} after running on {on}")
            self.spawn(wake, item)
