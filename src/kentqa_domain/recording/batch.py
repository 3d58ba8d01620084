"""Recording: parse, seal, identity, check, store — one write transaction per batch (SPEC 2, 9.4).

A batch is checked and stored inside one write transaction that first takes the store's
write lock (the lock every writer of events takes: SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's
``LOCK TABLE ... IN EXCLUSIVE MODE``). Inside it, the write model's documents changed by other
processes since this one last looked are dropped from its cache, the batch's identities and
stream versions are read from indexed rows, each event is checked against the write model
and applied to it, and then the events, the write model's changed documents, the new
identities and the write model's position are written together. So two processes recording
at once can never break a rule or lose an event, and no process keeps the write model or
the identity index in memory beyond a bounded cache (decision 0900).

A child's events are checked and applied in their anonymous form (the child's token, its
pseudonymised ids): the write model holds no child's reference. A refusal is reported with
the references the caller sent.

The parts of :class:`Recording`, one module each: what a batch holds and returns
(:mod:`.results`), identities, child keys and the check (:mod:`.base`), each event prepared
(:mod:`.prepare`), the refusal of a conflicting event (:mod:`.conflicts`), the write model
rebuilt from the log (:mod:`.rebuild`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from .. import events as ev
from ..errors import InvalidEvent
from ..events import Event, parse
from ..privacy.keyring import key_id_of
from ..readmodel.doc_source import DocWrite
from ..serialization.mapper import ChildForgotten, Recorded
from .base import _check_not_a_token
from .conflicts import Conflicts
from .future_dates import check_not_after
from .prepare import Preparing
from .rebuild import Rebuilding
from .results import MODEL, BatchResult, Pending, _Batch, _nothing, _place


class Recording(Preparing, Conflicts, Rebuilding):
    """Checks and stores batches for one connection (see the module docstring)."""

    # --- one batch ---------------------------------------------------------------------------

    def record_batch(
        self, items: Sequence[Any], offset: int, *, stop_at_first: bool, not_after: dt.date | None = None
    ) -> BatchResult:
        """Check and store ``items`` (events or JSON objects) in one write transaction; with
        ``not_after`` (today, from the edge), an event with a business date after it is refused
        (R-INP-1) before anything else is looked at."""
        parsed: list[Event | InvalidEvent] = []
        for item in items:
            try:
                event = item if isinstance(item, Event) else parse(item)
                if not isinstance(event, Event):
                    raise InvalidEvent("event", None, "shape", "must be an event or a JSON object")  # noqa: TRY301
                _check_not_a_token(event)
                if not_after is not None:
                    check_not_after(event, not_after)
                parsed.append(event)
            except InvalidEvent as exc:
                parsed.append(exc)
        self.make_keys([e for e in parsed if isinstance(e, Event)])
        finish: Callable[[bool], None] = _nothing
        try:
            with self.tables.writing(self.recorder) as cursor:
                result, writes, last = self._in_transaction(
                    cursor, parsed, offset, stop_at_first=stop_at_first
                )
                if result.stored and self.fold_in is not None:
                    finish = self.fold_in(cursor, result.stored, result.stored[0][0] - 1)
        except BaseException:
            self.model.discard()
            finish(False)
            raise
        if result.stored:
            self.model.committed(last, writes)
        finish(True)
        return result

    def _in_transaction(
        self, cursor: Any, parsed: list[Event | InvalidEvent], offset: int, *, stop_at_first: bool
    ) -> tuple[BatchResult, list[DocWrite], int]:
        model = self.model
        model.sync(self._model_position(cursor))
        self.book.prefetch([e for e in parsed if isinstance(e, Event)])
        prepared = self._prepare(parsed)
        self.book.prefetch(
            [p[1].anonymous for p in prepared if not isinstance(p, InvalidEvent) and p[1] is not None]
        )
        keys = [p[2] for p in prepared if not isinstance(p, InvalidEvent)]
        streams = self._streams_of(prepared)
        batch = _Batch(
            cursor=cursor,
            positions=[None] * len(parsed),
            known=self.tables.identities_of(cursor, keys) if keys else {},
            versions=self.tables.stream_versions(cursor, self.recorder, streams) if streams else {},
        )
        try:
            for i, item in enumerate(prepared):
                try:
                    self._take(batch, i, item)
                except InvalidEvent as exc:
                    exc.index = offset + i
                    batch.refused.append((offset + i, exc))
                    if stop_at_first:
                        del batch.positions[i:]
                        break
            stored, writes, last = self._store(batch)
        except BaseException:
            model.discard()
            raise
        positions = batch.positions
        for i, value in enumerate(positions):
            if value is not None and value < 0:
                positions[i] = positions[batch.pending[-1 - value].index]
        return BatchResult(positions, batch.refused, stored), writes, last

    def _take(self, batch: _Batch, i: int, item: Any) -> None:
        """Check one prepared event and apply it to the write model (or raise its refusal)."""
        if isinstance(item, InvalidEvent):
            raise item
        event, sealing, key, body, digest = item
        subject = sealing.anonymous if sealing is not None else event
        seen = batch.known.get(key)
        if seen is None and key in batch.in_batch:
            seen = (-1 - batch.in_batch[key][0], batch.in_batch[key][1])
        if seen is not None:
            # Another digest with no field different: stored by an earlier release, before a
            # field with a default was added (its JSON lacks the key): the same event.
            if seen[1] != digest and self._differences(batch, event, seen[0]) != {}:
                # a version a correction replaced, sent again: the correction stands (decision 0995)
                earlier = self.tables.superseded(batch.cursor, key, digest) if seen[0] >= 0 else []
                if not earlier:
                    raise self._conflict(batch, event, seen[0])
                batch.positions[i] = earlier[0][0]
                return
            batch.positions[i] = seen[0]
            return
        self._check(subject, sealing)
        stream = self._stream(self.book.stream(subject), sealing)
        if stream not in batch.versions and stream not in batch.new_versions:
            batch.versions.update(self.tables.stream_versions(batch.cursor, self.recorder, [stream]))
        version = batch.new_versions.get(stream, batch.versions.get(stream, 0)) + 1
        batch.new_versions[stream] = version
        self.model.writing = True
        try:
            self.book.apply(subject)
            if sealing is not None and isinstance(event, ev.ReviewHeld):
                self._note_review(event.review_id, sealing.token)
        finally:
            self.model.writing = False
        batch.in_batch[key] = (len(batch.pending), digest)
        recorded = Recorded(stream, version, event, sealing=sealing, body=body)
        batch.pending.append(Pending(i, recorded, key, digest, subject))

    def _store(self, batch: _Batch) -> tuple[list[tuple[int, Event, Recorded]], list[DocWrite], int]:
        """Insert the accepted events, the write model's changes, identities and position."""
        if not batch.pending:
            return [], [], 0
        cursor, pending = batch.cursor, batch.pending
        rows = [self.mapper.to_stored_event(p.recorded) for p in pending]
        ids = self.tables.insert_events(cursor, self.recorder, rows)
        if self.head is not None:
            self.head.advance(cursor, [_place(n, r) for n, r in zip(ids, rows, strict=True)])
        last = max(ids)
        writes = self.model.changes()
        self.tables.write_docs(cursor, MODEL, last, writes)
        self.tables.insert_identities(
            cursor, [(p.key, n, p.digest) for p, n in zip(pending, ids, strict=True)]
        )
        self._move_model(cursor, last)
        stored = []
        for p, n in zip(pending, ids, strict=True):
            batch.positions[p.index] = n
            stored.append((n, p.subject, p.recorded))
        return stored, writes, last

    # --- forgetting a child ----------------------------------------------------------------------

    def record_forgetting(self, token: str, on: Any, stream: UUID) -> int:
        """Store the fact that the child ``token`` was forgotten, drop its reviews' lookup names
        and its pseudonyms' sealed originals, in one write transaction; returns the position."""
        book, model = self.book, self.model
        with self.tables.writing(self.recorder) as cursor:
            model.sync(self._model_position(cursor))
            version = self.tables.stream_versions(cursor, self.recorder, [stream]).get(stream, 0) + 1
            marker = Recorded(stream, version, ChildForgotten(token, on))
            stored_marker = self.mapper.to_stored_event(marker)
            (position,) = self.tables.insert_events(cursor, self.recorder, [stored_marker])
            if self.head is not None:
                self.head.advance(cursor, [_place(position, stored_marker)])
            try:
                model.writing = True
                for name in book.child_reviews.pop(token, ()):
                    book.review_lookup.pop(name, None)
                model.writing = False
                writes = model.changes()
                self.tables.write_docs(cursor, MODEL, position, writes)
                self._move_model(cursor, position)
                self.tables.delete_docs(cursor, "reveal", prefix=f"{key_id_of(token)}:", position=position)
            except BaseException:
                model.writing = False
                model.discard()
                raise
        model.committed(position, writes)
        return int(position)
