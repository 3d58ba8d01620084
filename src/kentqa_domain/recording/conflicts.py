"""An event sent again with other content: the refusal that names what differs (SPEC 9.5).

The identity index says an event's identity was recorded before with another digest; the
event recorded under it (earlier in the batch, or stored) is read back to list each field
whose stored and sent values differ.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import ConflictingEvent
from ..events import Event
from ..state.log import decode_row
from .base import RecordingBase
from .identity import IDENTITY
from .results import _Batch


class Conflicts(RecordingBase):
    """The refusal of a conflicting event (see :mod:`kentqa_domain.recording.batch`)."""

    def _conflict(self, batch: _Batch, event: Event, seen: int) -> ConflictingEvent:
        """SPEC 9.5: the refusal of an event whose identity was recorded with other content
        names the identity and each field whose stored and sent values differ (``field``:
        the first of them; ``differences``: field -> (stored, sent))."""
        names = IDENTITY[type(event)]
        identity = f"{type(event).__name__} " + ", ".join(f"{n}={getattr(event, n)!r}" for n in names)
        differences = self._differences(batch, event, seen) or {}
        listed = "; ".join(f"{name}: stored {a!r}, sent {b!r}" for name, (a, b) in differences.items())
        error = ConflictingEvent(
            type(event).__name__,
            next(iter(differences), None),
            "idempotency",
            f"{identity} was already recorded with different content"
            + (f" ({listed}); correct a record with a correction, not by sending it again" if listed else ""),
        )
        error.differences = differences  # type: ignore[attr-defined]
        return error

    def _differences(self, batch: _Batch, event: Event, seen: int) -> dict[str, tuple[Any, Any]] | None:
        """Field -> (stored, sent) for each field of ``event`` that differs from the event
        already recorded under its identity; None when they cannot be compared (the stored
        event cannot be read back, or reads anonymous because its child was forgotten)."""
        earlier = self._earlier(batch, seen)
        if earlier is None or type(earlier) is not type(event):
            return None
        differences: dict[str, tuple[Any, Any]] = {}
        for field in attrs.fields(type(event)):
            stored, sent = getattr(earlier, field.name), getattr(event, field.name)
            if stored != sent:
                differences[field.name] = (stored, sent)
        return None if "child_ref" in differences else differences

    def _earlier(self, batch: _Batch, seen: int) -> Event | None:
        """The event already recorded under an identity: earlier in this batch (``seen`` < 0)
        or stored at position ``seen``; None if it cannot be read back."""
        if seen < 0:
            event = batch.pending[-1 - seen].recorded.event
            return event if isinstance(event, Event) else None
        return self._earlier_at(batch.cursor, seen)

    def _earlier_at(self, cursor: Any, position: int) -> Event | None:
        """The event stored at ``position`` read in full; None if it cannot be read back."""
        try:
            rows = self.tables.log_page(cursor, self.recorder, position, 1)
            if not rows or rows[0][0] != position:
                return None
            recorded, _ = decode_row(self.mapper, rows[0])
        except Exception:  # noqa: BLE001 - the refusal stands without the field list
            return None
        event = recorded.event
        return event if isinstance(event, Event) else None
