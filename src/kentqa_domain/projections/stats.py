"""Events stored, by type (``qa.stats()``, ``kentqa stats``)."""

from __future__ import annotations

from collections import Counter

from ..events import Event
from .base import Projection


class EventCounts(Projection):
    name = "event_counts"
    holds_child_refs = False

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def apply(self, event: Event, position: int) -> None:
        self.counts[type(event).__name__] += 1

    def by_type(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))
