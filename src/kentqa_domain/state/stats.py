"""Events stored, by type (``qa.stats()``, ``kentqa stats``): one document per event type."""

from __future__ import annotations

from collections.abc import Sequence

from ..events import Event
from ..readmodel.projection import RowChange, StoredProjection
from ..readmodel.tables import Column, Table

#: ``kentqa_event_counts``: how many events of each type are stored.
EVENT_COUNTS = Table(
    "kentqa_event_counts",
    (
        Column("event_type", "TEXT", "the event's type, e.g. ObservationRecorded"),
        Column("events", "INTEGER", "how many are stored"),
    ),
    doc="Events stored, by type (what `kentqa stats` prints).",
)


class EventCounts(StoredProjection):
    name = "event_counts"
    version = 1
    tables = (EVENT_COUNTS,)

    def setup(self) -> None:
        self.counts = self.session.map("counts", str, int)

    def apply(self, event: Event, position: int) -> None:
        name = type(event).__name__
        self.counts[name] = self.counts.get(name, 0) + 1

    def by_type(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        keys = [key for _space, key in changed]
        return [(EVENT_COUNTS, keys, [(key, key, self.counts[key]) for key in keys])]
