"""A document store in a dict, for folding stored projections without a database in tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kentqa_domain.events import Event
from kentqa_domain.readmodel.docs import DocSession
from kentqa_domain.readmodel.projection import StoredProjection
from kentqa_domain.state import codec


class MemoryDocs:
    """A :class:`~kentqa_domain.readmodel.doc_source.DocSource` over a dict; counts the reads it answers."""

    def __init__(self) -> None:
        #: (owner, space, key) -> (position, document)
        self.docs: dict[tuple[str, str, str], tuple[int, bytes]] = {}
        self.reads = 0

    def load_docs(self, owner: str, space: str, keys: Sequence[str]) -> dict[str, bytes]:
        self.reads += 1
        return {k: found[1] for k in keys if (found := self.docs.get((owner, space, k))) is not None}

    def scan_docs(self, owner: str, space: str, after: str | None, limit: int) -> list[tuple[str, bytes]]:
        self.reads += 1
        keys = sorted(
            k for o, s, k in self.docs if o == owner and s == space and (after is None or k > after)
        )
        return [(k, self.docs[(owner, space, k)][1]) for k in keys[:limit]]

    def changed_since(self, owner: str, position: int, limit: int) -> list[tuple[str, str]]:
        self.reads += 1
        return [(s, k) for (o, s, k), (p, _d) in self.docs.items() if o == owner and p > position][:limit]

    def session(self, owner: str, *, capacity: int = 20_000) -> DocSession:
        return DocSession(self, owner, codec, capacity=capacity)

    def owned(self, owner: str) -> dict[tuple[str, str], bytes]:
        """(space, key) -> document of one owner (to compare two states)."""
        return {(s, k): d for (o, s, k), (_p, d) in self.docs.items() if o == owner}


def fold(projection: StoredProjection, events: Iterable[Event], *, page: int = 7) -> list[Any]:
    """Fold ``events`` into a projection over :class:`MemoryDocs`, storing its documents every
    ``page`` events as the runner does; returns the row changes of every page."""
    session = projection.session
    store: MemoryDocs = session.source  # type: ignore[assignment]
    changes: list[Any] = []
    batch = list(events)
    for start in range(0, len(batch), page):
        session.writing = True
        try:
            for position, event in enumerate(batch[start : start + page], start=start + 1):
                projection.apply(event, position)
        finally:
            session.writing = False
        written = session.changes()
        changes.extend(projection.rows([(space, key) for space, key, _ in written]))
        position = start + len(batch[start : start + page])
        for space, key, data in written:
            if data is None:
                store.docs.pop((session.owner, space, key), None)
            else:
                store.docs[(session.owner, space, key)] = (position, data)
        session.committed(position, written)
    return changes
