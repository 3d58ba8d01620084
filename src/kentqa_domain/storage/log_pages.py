"""Reading the notification log a page at a time, as plain rows.

Catching up and ``replay`` read every stored event; eventsourcing's ``select_notifications``
builds a ``Notification`` and a ``UUID`` per row, which costs more than decoding the event
(decision 0801). A storage back end may read the same rows more cheaply: its
:class:`~kentqa_domain.storage.StorageBackend`'s ``page_reader(recorder)`` gives the reader
(the built-in SQLite one reads them with one SELECT into plain tuples, the stream id left as
the hex string eventsourcing stored; decision 1010). :func:`page_reader` here is the default,
through ``select_notifications``, which serves any eventsourcing recorder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

#: (position, stream id as UUID or 32-digit hex, version in the stream, topic, state)
Row = tuple[int, UUID | str, int, str, bytes]
#: ``read(start, limit)``: the rows (:data:`Row`) from position ``start`` on, at most ``limit``,
#: in position order
PageReader = Callable[[int, int], Sequence[Any]]


def page_reader(recorder: ApplicationRecorder) -> PageReader:
    """``read(start, limit)`` through the recorder's ``select_notifications``: any back end."""

    def read(start: int, limit: int) -> Sequence[Any]:
        return [
            (n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in recorder.select_notifications(start=start, limit=limit)
        ]

    return read
