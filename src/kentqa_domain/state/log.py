"""Reading the log back: for projections (anonymous events, no key needed) and in full.

Recording folds its own events into the projections inside its transaction; the log is read
back only to rebuild a projection, to catch up one left behind, or to build the write model of
an upgraded store. A child's event is folded in its anonymous form: its stored clear part
with free text blanked (what it reads as once the child is forgotten), so no key is needed;
the ``reveal`` projection alone reads it in full (``keys=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.persistence import StoredEvent

from ..events import Event
from ..privacy.sealing import blanked
from ..serialization.mapper import MARK_TOPICS, ChildForgotten, EventMapper, Recorded
from ..storage.log_pages import PageReader, page_reader
from .head import Head, link
from .runner import Folded


#: A row with nothing to fold in its place (withdrawn, or a replacement folded at its original's).
def _skipped(position: int) -> tuple[int, None, None, None, None]:
    return (position, None, None, None, None)


def as_corrected(rows: Sequence[Any], marks: dict[int, int], fetch: Callable[[int], Any]) -> list[Any]:
    """The log as every answer reads it after corrections (SPEC 9.1, R-COR-4; decision 0995):
    a corrected row is read as the version standing now (``fetch(position)``, at the corrected
    row's position), a withdrawn one and a replacement at its own position as nothing (topic
    None). ``marks``: ``kentqa_corrections``' position -> fold_as for the rows' positions."""
    if not marks:
        return list(rows)
    out: list[Any] = []
    for row in rows:
        fold_as = marks.get(row[0])
        if fold_as is None:
            out.append(row)
        elif fold_as > 0:
            out.append((row[0], *tuple(fetch(fold_as))[1:]))
        else:
            out.append(_skipped(row[0]))
    return out


def decode_row(mapper: EventMapper, row: Any, *, validate: bool = False) -> tuple[Recorded, bytes]:
    """A log row (position, stream, version, topic, state) read in full (a child's event as its
    original while the child's key exists)."""
    _position, stream, version, topic, state = row
    return mapper.decode(StoredEvent(_stream_id(stream), version, topic, bytes(state)), validate=validate)


def _stream_id(stream: Any) -> UUID:
    """A log row's stream id as a UUID (back ends give a UUID or its hex)."""
    return stream if isinstance(stream, UUID) else UUID(hex=str(stream).replace("-", ""))


class LogReader:
    """Pages of the notification log, decoded for projections or in full."""

    def __init__(
        self, recorder: Any, mapper: EventMapper, tables: Any = None, *, read_page: PageReader | None = None
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        #: the storage back end's page reader (``StorageBackend.page_reader``), else the default
        self.read_page = read_page or page_reader(recorder)
        #: the state tables, whose ``kentqa_corrections`` say how the log reads after corrections
        self.tables = tables

    def end(self) -> int:
        return self.recorder.max_notification_id() or 0

    def corrected(self, rows: Sequence[Any], cursor: Any = None) -> list[Any]:
        """``rows`` as the log reads after corrections (:func:`as_corrected`); inside a write
        transaction, ``cursor`` reads its own writes."""
        if not rows or self.tables is None:
            return list(rows)
        marks = self.tables.fold_marks(cursor, rows[0][0], rows[-1][0])
        if not marks:
            return list(rows)
        if cursor is not None:
            return as_corrected(rows, marks, lambda p: self.tables.log_page(cursor, self.recorder, p, 1)[0])
        return as_corrected(rows, marks, lambda p: self.read_page(p, 1)[0])

    def for_projections(self, start: int, limit: int, keys: bool) -> list[Folded]:
        """Rows from ``start``: (position, the event as projections fold it, the full reading
        when ``keys``); a forgetting, a correction's mark, or nothing to fold after a correction
        is (position, None, None). Corrections are applied (:meth:`corrected`)."""
        return self.fold_rows(self.corrected(self.read_page(start, limit)), keys)

    def fold_rows(self, rows: Sequence[Any], keys: bool) -> list[Folded]:
        """Log rows decoded for projections (see :meth:`for_projections`)."""
        mapper = self.mapper
        out: list[Folded] = []
        for position, stream, version, topic, state in rows:
            if topic is None or topic in MARK_TOPICS:
                out.append((position, None, None))
                continue
            place = (stream, version, topic)
            raw = mapper.unseal(state, place) if (mapper.cipher or mapper.compressor) else state
            recorded = None
            if keys and b',"c":' in raw:
                # a child's event read once, in full: the projection folds its anonymous form
                recorded, _ = mapper.decode_opened(_stream_id(stream), version, topic, bytes(raw))
                opened = recorded.sealing.anonymous if recorded.sealing is not None else recorded.event
                assert isinstance(opened, Event)  # a child's sealed event: never a mark
                event = opened
            else:
                event, _canonical, _at = mapper.decode_state(topic, raw, position=position, sealed=False)
                if b',"c":' in raw:
                    event = blanked(event)
            out.append((position, event, recorded))
        return out

    def decode(self, row: Any, *, validate: bool = False) -> tuple[Recorded, bytes]:
        """A log row (position, stream, version, topic, state) read in full."""
        return decode_row(self.mapper, row, validate=validate)

    def verify(
        self, progress: Any = None, *, head: Head | None = None, secret: bytes | None = None
    ) -> LogCheck:
        """Read every stored event with its full validation (``replay --verify``, ``kentqa
        verify``): a payload that does not open at its row (changed, moved between rows:
        decision 0914) raises. Returns what the log says of children's keys and, given the
        stored ``head`` and the secret, the head digest of the rows it covers (decision 0915)."""
        check = LogCheck()
        digest = b""
        start, end = 1, max(self.end(), head.position if head is not None else 0)
        while start <= end:
            page = self.read_page(start, 2_000)
            if not page:
                break
            for row in page:
                if head is not None and secret is not None and head.start <= row[0] <= head.position:
                    digest = link(secret, digest, row)
                recorded, _ = self.decode(row, validate=True)
                check.events += 1
                if isinstance(recorded.event, ChildForgotten):
                    check.forgotten.add(recorded.event.token)
                elif recorded.lost_key is not None:
                    check.keyless.setdefault(recorded.lost_key, row[0])
                elif recorded.sealing is not None:
                    check.children.add(recorded.sealing.key_id)
            start = page[-1][0] + 1
            if progress is not None:
                progress(page[-1][0], end)
        if head is not None:
            check.head = digest.hex()
        return check


@attrs.define
class LogCheck:
    """What reading the whole log found: events read, children's key ids read with their key,
    key ids read without one (-> the first position), and tokens of forgotten children."""

    events: int = 0
    children: set[str] = attrs.Factory(set)
    keyless: dict[str, int] = attrs.Factory(dict)
    forgotten: set[str] = attrs.Factory(set)
    #: the head digest recomputed from the log (hex), when there is a head
    head: str | None = None

    def missing_keys(self) -> dict[str, int]:
        """Key ids whose key row is gone with no ``ChildForgotten`` fact (tampering or damage:
        a forgetting always stores its fact before destroying the key, decision 0601)."""
        return {k: p for k, p in self.keyless.items() if f"anon-{k}" not in self.forgotten}
