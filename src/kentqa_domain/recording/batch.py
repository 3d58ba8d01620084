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
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Sequence
from hashlib import sha256
from typing import Any
from uuid import UUID

import attrs

from .. import events as ev
from ..corrections.events import CORRECTED, WITHDRAWN, identity_bytes, rest_bytes
from ..errors import ConflictingEvent, InvalidEvent
from ..events import Event, parse
from ..privacy.keyring import Keyring, key_id_of
from ..privacy.sealing import PRIVATE, Sealing, child_of, seal
from ..readmodel.doc_source import DocWrite
from ..readmodel.docs import DocSession
from ..serialization.mapper import CORRECTION_TOPIC, ChildForgotten, CorrectionMark, Recorded, canonical_body
from ..state.head import LogHead
from ..state.log import decode_row
from ..state.sql import StateTables
from .future_dates import check_not_after
from .identity import IDENTITY, digest64, identity_key, identity_of, keyed64
from .write_model import Casebook

#: The write model's position row in ``kentqa_projections``.
MODEL = "model"
#: Log rows read per page when the write model is rebuilt.
REBUILD_PAGE = 2_000


@attrs.define
class Pending:
    """An accepted event of the batch, ready to store."""

    index: int
    recorded: Recorded
    key: int
    digest: int
    subject: Event  # what projections and the write model fold (anonymous for a child's)


@attrs.define
class _Batch:
    """What a batch has seen and accepted so far, inside its transaction."""

    cursor: Any
    positions: list[int | None]
    known: dict[int, tuple[int, int]]  # identity key -> (position, digest), stored before
    versions: dict[UUID, int]  # stream -> last stored version
    refused: list[tuple[int, InvalidEvent]] = attrs.Factory(list)
    pending: list[Pending] = attrs.Factory(list)
    in_batch: dict[int, tuple[int, int]] = attrs.Factory(dict)  # identity key -> (pending index, digest)
    new_versions: dict[UUID, int] = attrs.Factory(dict)


@attrs.define
class BatchResult:
    """What one batch did: positions (None: refused; negative: an earlier event of the batch),
    refusals, and the events stored as projections fold them."""

    positions: list[int | None]
    refused: list[tuple[int, InvalidEvent]]
    stored: list[tuple[int, Event, Recorded]]


class Recording:
    """Checks and stores batches for one connection (see the module docstring)."""

    def __init__(
        self,
        *,
        recorder: Any,
        mapper: Any,
        tables: StateTables,
        keyring: Keyring,
        model: DocSession,
        stream_id: Callable[[str], UUID],
        child_stream_id: Callable[[str], UUID],
        fold_in: Callable[[Any, list[tuple[int, Event, Recorded]], int], Callable[[bool], None]]
        | None = None,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.tables = tables
        self.keyring = keyring
        self.model = model
        self.book = Casebook(model)
        self.stream_id = stream_id
        self.child_stream_id = child_stream_id
        #: folds a batch's stored events into the projections inside its transaction
        self.fold_in = fold_in
        #: an encrypted store's wrapped secret: the identity index is keyed (decision 0913)
        self.identity_secret: bytes | None = None
        #: an encrypted store's log head, advanced with every append (decision 0915)
        self.head: LogHead | None = None
        #: a page of log rows as it reads after corrections (decision 0995; the store sets it)
        self.corrected: Callable[[Sequence[Any], Any], Sequence[Any]] = _as_recorded

    def identity(self, subject: Event) -> int:
        """The ``kentqa_identities`` key of an event: blake2b-64 of its identity, keyed with the
        store's secret in an encrypted store, so that a guessed identity (``SupportNeedFlagged``
        of worker SW-102 on a date) cannot be looked up in the file (issue 17, finding 2)."""
        if self.identity_secret is None:
            return identity_key(subject)
        return keyed64(self.identity_secret, identity_of(subject).encode())

    def digest(self, body: bytes) -> int:
        """The digest of a stored body (same identity, other content: a conflict), keyed likewise."""
        if self.identity_secret is None:
            return digest64(body)
        return keyed64(self.identity_secret, body)

    # --- child keys ----------------------------------------------------------------------

    def review_name(self, review_id: str) -> str:
        """The keyed lookup name of a review id (HMAC under the store's secret)."""
        digest = hmac.new(self.keyring.secret(), f"review\x1f{review_id}".encode(), sha256).hexdigest()
        return f"review:{digest[:32]}"

    def _sealing(self, event: Event, child: str) -> Sealing | None:
        """The split of a child's event with the child's key (None: the child has no key)."""
        key_id = (
            key_id_of(child) if child.startswith("anon-") else self.keyring.child_key_id(child, create=False)
        )
        if key_id is None:
            return None
        key = self.keyring.child_key(key_id)
        if key is None:
            return None
        return seal(event, child, key_id, key)

    def make_keys(self, events: Sequence[Event]) -> None:
        """Before the lock: make the keys of new children whose events pass the write model's
        check (making a key writes the key table, which cannot wait inside the batch)."""
        made: dict[str, None] = {}
        for event in events:
            ref = getattr(event, "child_ref", None)
            if not isinstance(ref, str) or ref in made or type(event) not in _PRIVATE_WITH_REF:
                continue
            if self.keyring.child_key_id(ref, create=False) is not None:
                continue
            try:
                self.book.check(event)
            except InvalidEvent:
                continue
            made[ref] = None
        if made:
            self.keyring.make_child_keys(list(made))

    def child(self, child_ref: str) -> Any:
        """The write model's record of a child, by its reference (None: unknown or forgotten)."""
        key_id = self.keyring.child_key_id(child_ref, create=False)
        return self.book.children.get(f"anon-{key_id}") if key_id is not None else None

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

    def _prepare(self, parsed: list[Event | InvalidEvent]) -> list[Any]:
        """Each event with its sealing, identity key, stored body and digest (or its refusal).

        A follow-up's child is found through the write model, or through an earlier event of
        the batch (a review and its QA, an escalation and its response, sent together)."""
        book = self.book
        reviews: dict[str, str] = {}  # review lookup name -> child ref or token, in this batch
        escalations: dict[str, str] = {}
        out: list[Any] = []

        def review_token(review_id: str) -> str | None:
            name = self.review_name(review_id)
            return reviews.get(name) or book.review_lookup.get(name)

        for event in parsed:
            if isinstance(event, InvalidEvent):
                out.append(event)
                continue
            try:
                child = child_of(event, book, review_token)
                if (
                    child is None
                    and type(event) in PRIVATE
                    and isinstance(getattr(event, "escalation_id", None), str)
                ):
                    # checked just above: the event has a str escalation_id (ev.Event does not declare it)
                    child = escalations.get(event.escalation_id)  # type: ignore[attr-defined]
                sealing = self._sealing(event, child) if child is not None else None
                if child is not None and sealing is None:
                    book.check(event)  # a child never recorded: refused here, with its reference
                    raise InvalidEvent(  # noqa: TRY301 - passed the check but has no key: a race
                        type(event).__name__,
                        "child_ref",
                        "reference",
                        "the child's key is not ready; record it again",
                    )
                if isinstance(event, ev.ReviewHeld) and sealing is not None:
                    # A review id is one review (its identity, SPEC 2): the identity index sees
                    # it only pseudonymised under its child's key, so another child's review
                    # with the same id is refused here, by the store-wide lookup name.
                    name = self.review_name(event.review_id)
                    if review_token(event.review_id) not in (None, sealing.token):
                        raise ConflictingEvent(
                            "ReviewHeld",
                            "child_ref",
                            "idempotency",
                            f"ReviewHeld review_id={event.review_id!r} was already recorded for another "
                            "child; give this review a new id, or correct the first one",
                        )
                    reviews[name] = sealing.token
                if isinstance(event, ev.EscalationRaised) and event.child_ref is not None:
                    escalations[event.escalation_id] = event.child_ref
                subject = sealing.anonymous if sealing is not None else event
                body = canonical_body(sealing.clear if sealing is not None else event)
                out.append((event, sealing, self.identity(subject), body, self.digest(body)))
            except InvalidEvent as exc:
                out.append(exc)
        return out

    def _streams_of(self, prepared: list[Any]) -> list[UUID]:
        streams = []
        for item in prepared:
            if isinstance(item, InvalidEvent):
                continue
            event, sealing = item[0], item[1]
            subject = sealing.anonymous if sealing is not None else event
            try:
                streams.append(self._stream(self.book.stream(subject), sealing))
            except (KeyError, InvalidEvent):
                continue
        return streams

    def _stream(self, name: str, sealing: Sealing | None) -> UUID:
        if sealing is not None and name == f"child:{sealing.token}":
            return self.child_stream_id(sealing.key_id)
        return self.stream_id(name)

    def _check(self, subject: Event, sealing: Sealing | None) -> None:
        try:
            self.book.check(subject)
        except InvalidEvent as exc:
            if sealing is None:
                raise
            raise _revealed(exc, sealing) from None

    def _note_review(self, review_id: str, token: str) -> None:
        name = self.review_name(review_id)
        book = self.book
        book.review_lookup[name] = token
        names = book.child_reviews.get(token, ())
        if name not in names:
            book.child_reviews[token] = (*names, name)

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

    # --- rebuilding the write model from the log ---------------------------------------------

    def catch_up_model(
        self, decode: Callable[[Any], tuple[Recorded, bytes]], *, restart: bool = False
    ) -> int:
        """Fold the log into the write model and the identity index from the model's position
        (from the start with ``restart``), under the write lock: an upgraded store, or
        ``kentqa replay``. Returns the events folded."""
        folded = 0
        with self.tables.writing(self.recorder) as cursor:
            if restart:
                self.tables.delete_docs(cursor, MODEL)
                self.tables.delete_identities(cursor)
                self._move_model(cursor, 0)
                self.model.clear()
            position = self._model_position(cursor)
            self.model.sync(position)
            end = self.tables.log_end(cursor, self.recorder)
            try:
                while position < end:
                    raw = self.tables.log_page(cursor, self.recorder, position + 1, REBUILD_PAGE)
                    if not raw:
                        break
                    page = self.corrected(raw, cursor)
                    identities = []
                    replaced: list[tuple[int, int, int]] = []  # identities of corrected rows: the last wins
                    self.model.writing = True
                    try:
                        for raw_row, row in zip(raw, page, strict=True):
                            found = self._fold_stored(row, decode)
                            if row is raw_row and raw_row[3] != CORRECTION_TOPIC:
                                if found is not None:
                                    identities.append(found)
                            elif (again := self._identity_of_row(cursor, raw_row, decode)) is not None:
                                replaced.append(again)
                    finally:
                        self.model.writing = False
                    position = raw[-1][0]
                    known = self.tables.identities_of(cursor, [k for k, _p, _d in identities])
                    fresh: dict[int, tuple[int, int, int]] = {}
                    for key, at, digest in identities:
                        if key not in known and key not in fresh:
                            fresh[key] = (key, at, digest)
                    self.tables.insert_identities(cursor, list(fresh.values()))
                    for key, at, digest in replaced:
                        self.tables.set_identity(cursor, key, at, digest)
                    writes = self.model.changes()
                    self.tables.write_docs(cursor, MODEL, position, writes)
                    self._move_model(cursor, position)
                    self.model.committed(position, writes)
                    folded += len(page)
            except BaseException:
                self.model.clear()
                raise
        return folded

    def _fold_stored(
        self, row: Any, decode: Callable[[Any], tuple[Recorded, bytes]]
    ) -> tuple[int, int, int] | None:
        """One stored event into the write model; its (identity key, position, digest)."""
        if row[3] is None:  # nothing to fold in this place after a correction (decision 0995)
            return None
        recorded, canonical = decode(row)
        subject = self._fold_recorded(recorded)
        if subject is None:
            return None
        return self.identity(subject), row[0], self.digest(canonical)

    def _identity_of_row(
        self, cursor: Any, row: Any, decode: Callable[[Any], tuple[Recorded, bytes]]
    ) -> tuple[int, int, int] | None:
        """(identity key, position, digest) of a row as recorded, when a correction changed how
        it reads: a corrected or replacement event under its own identity, a correction's mark
        under the correction's (so that sending either again stays a no-op after a rebuild)."""
        recorded, canonical = decode(row)
        event = recorded.event
        if isinstance(event, Event):
            subject = recorded.sealing.anonymous if recorded.sealing is not None else event
            return self.identity(subject), row[0], self.digest(canonical)
        if isinstance(event, CorrectionMark) and event.reason is not None:
            original = self.tables.correction_of(cursor, event.original)
            replacement = self.tables.correction_of(cursor, event.replacement) if event.replacement else None
            if original is None:
                return None
            kind = CORRECTED if event.replacement is not None else WITHDRAWN
            key = self.digest(
                identity_bytes(kind, original[3], original[4], replacement[4] if replacement else 0)
            )
            return key, row[0], self.digest(rest_bytes(event.on, event.by, event.reason))
        return None

    def _fold_recorded(self, recorded: Recorded) -> Event | None:
        """One stored event into the write model; the event as folded (None: a mark)."""
        event = recorded.event
        if not isinstance(event, Event):  # a child forgotten: its reviews' lookup names go
            token = getattr(event, "token", None)
            names = self.book.child_reviews.pop(token, ()) if token else ()
            for name in names:
                self.book.review_lookup.pop(name, None)
            return None
        sealing = recorded.sealing
        subject = sealing.anonymous if sealing is not None else event
        self.book.apply(subject)
        if sealing is not None and isinstance(event, ev.ReviewHeld):
            self._note_review(event.review_id, sealing.token)
        return subject

    # --- the write model's position -------------------------------------------------------

    def _model_position(self, cursor: Any) -> int:
        return self.tables.position_of(cursor, MODEL)

    def _move_model(self, cursor: Any, position: int) -> None:
        self.tables.set_position(cursor, MODEL, position)


#: Event types sealed with a child's key that name the child directly.
_PRIVATE_WITH_REF = frozenset(
    t for t in ev.EVENT_TYPES.values() if "child_ref" in {f.name for f in attrs.fields(t)}
)


def _as_recorded(rows: Sequence[Any], _cursor: Any) -> Sequence[Any]:
    """Rows as stored (a store with no corrections reader)."""
    return rows


def _nothing(_ok: bool) -> None:
    """Nothing to finish after the transaction."""


def _place(position: int, stored: Any) -> tuple[int, Any, int, str, Any]:
    """A stored event as the log reads it back: (position, stream, version, topic, payload)."""
    return position, stored.originator_id, stored.originator_version, stored.topic, stored.state


def _check_not_a_token(event: Event) -> None:
    """A reference of the anonymous tokens' shape is reserved: a forgotten child's token must
    never become a live child (issue 17)."""
    ref = getattr(event, "child_ref", None)
    if isinstance(ref, str) and key_id_of(ref) is not None:
        raise InvalidEvent(
            type(event).__name__,
            "child_ref",
            "reserved",
            "references of the form anon-<20 hex digits> are reserved for forgotten children",
        )


def _revealed(exc: InvalidEvent, sealing: Sealing) -> InvalidEvent:
    """``exc`` raised for a child's anonymous event, with the references the caller sent."""
    message = exc.message
    if sealing.child_ref != sealing.token:
        message = message.replace(sealing.token, sealing.child_ref)
    for mapping in sealing.aliases.values():
        for original, pseudonym in mapping.items():
            message = message.replace(pseudonym, original)
    return type(exc)(exc.event_type, exc.field, exc.rule, message, index=exc.index)
