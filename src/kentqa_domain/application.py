"""The application: recording (validate, then store) and queries over caught-up projections.

``QualityAssurance`` is an eventsourcing ``Application`` whose storage comes from a storage
plugin. Recording checks each event against the in-memory write model (no repository read
per event), stores accepted events in batches, and folds them into the ledger. Queries first
catch up with the notification log (other processes may have recorded), then read the
projections. The ledger is checkpointed with its tracking position in one row, in checkpoint
generations so that ``replay`` and long catch-ups are resumable (decision 0802).

Reliability and security (issue 9, ``docs/reliability.md``, ``docs/security.md``):
optimistic-concurrency conflicts are retried with jittered back-off, then reported as
``ConflictingEvent``; every other storage failure is a ``StorageError``. Events of a child
are sealed with the child's own key, checkpoints with a ledger key, and with
``KENTQA_CIPHER_KEY`` everything with the application cipher; ``forget_child`` destroys a
child's key (crypto-shredding).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import pickle
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid5

import attrs
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import (
    AggregateRecorder,
    IntegrityError,
    MapperDeserialisationError,
    PersistenceError,
    StoredEvent,
)

from .access import Scope, scope_for
from .calendar import cycle_bounds as _cycle_bounds
from .calendar import parse_cycle_id
from .checkpoint_format import dump_ledger, load_ledger
from .checkpoint_format import plaintext as checkpoint_plaintext
from .checkpoints import GENERATIONS_STREAM, STREAM_NAMESPACE, Checkpoints, checkpoint_stream
from .child_privacy import Sealing, blanked, child_of, seal
from .errors import ConflictingEvent, InvalidEvent, StorageError, UnknownReference
from .events import AuditCompleted, Event, parse
from .fields import check_identifier
from .keyring import Keyring, aes_decrypt, aes_encrypt_parts, key_id_of, token_for
from .ledger import Ledger, digest64, identity_key
from .log_pages import page_reader
from .mapper import FORGOTTEN_TOPIC, ChildForgotten, EventMapper, Recorded, canonical_body
from .policy import Policy
from .projections import PROJECTIONS, STORED_PROJECTIONS, ActivityByDay, AuditLedger
from .projections.audit_actions import action_rows, thematic_rows
from .projections.audit_grades import shares_by_cycle, summarise_cycle
from .projections.audit_rows import (
    AuditActionRow,
    AuditCycle,
    CycleShare,
    ThematicAuditRow,
    TriadRecommendation,
)
from .projections.complaints import CLOSED as COMPLAINT_CLOSED
from .projections.complaints import OPEN as COMPLAINT_OPEN
from .projections.complaints import WITHDRAWN as COMPLAINT_WITHDRAWN
from .projections.complaints import ComplaintRow
from .projections.complaints import register as register_complaints
from .projections.complaints_summary import ComplaintsSummary
from .projections.complaints_summary import summary as summarise_complaints
from .projections.drift import DriftRow, drift_rows
from .projections.escalations import EscalationRow, EscalationState, escalation_row
from .projections.observation_compliance import ObservationCompliance
from .projections.observation_rows import (
    Grouping,
    ObservationComplianceRow,
    ObservationLearningRow,
    ObservationSummaryRow,
)
from .projections.observation_summary import learning, summarise
from .projections.plan_teams import PlanTeams
from .projections.review_qa import ReviewQARow, review_facts
from .projections.review_qa import summarise as summarise_review_qa
from .projections.triad import recommend
from .projections.voice import VoiceSummary
from .projections.voice import summary as summarise_voice
from .projections.working_day_index import working_day_index
from .state.runner import Folded, Projections
from .state.sql import StateTables, tables_for
from .storage import Storage
from .storage_faults import describe, guarded, storage_errors
from .store_admin import admin_for
from .values import FeedbackSource, ObservationSetting

if TYPE_CHECKING:
    import pluggy

    from .notifications import Notification
    from .reports.learning import LearningReport

ERASURE_STREAM = uuid5(STREAM_NAMESPACE, "erasures")
BATCH_SIZE = 500
CATCH_UP_PAGE = 2_000
#: A checkpoint is written once the events folded since the last one reach
#: max(CHECKPOINT_EVERY, position // CHECKPOINT_SHARE): checkpoints grow with the state, so
#: their spacing grows too and writing them costs a bounded share of the work (decision 0802).
CHECKPOINT_EVERY = 20_000
CHECKPOINT_SHARE = 4
#: ...and not sooner than this many times as long as the last checkpoint took to write.
CHECKPOINT_COST_FACTOR = 10.0
#: ``replay`` checkpoints every REPLAY_CHECKPOINT_SECONDS of work (and at the end), so a killed
#: replay resumes from at most that far back while checkpoints (each a pickle of the whole
#: ledger) cost a small share of a long replay; ``checkpoint_every=N`` counts events instead.
REPLAY_CHECKPOINT_SECONDS = 60.0
#: Optimistic-concurrency conflicts retried before giving up with ConflictingEvent.
MAX_CONFLICT_RETRIES = 40
#: Opening attempts when processes create the schema at the same moment (PostgreSQL).
OPEN_RETRIES = 5
#: Back-off between retries: random up to min(cap, base * 2**attempt) seconds.
BACKOFF_BASE, BACKOFF_CAP = 0.005, 0.25

OnInvalid = Callable[[int, InvalidEvent], None]
#: ``replay(progress=...)`` is told (position folded, last position in the log).
OnProgress = Callable[[int, int], None]
_E = TypeVar("_E", bound=Enum)


@lru_cache(maxsize=4096)
def stream_id(stream: str) -> UUID:
    """The eventsourcing originator id of an aggregate stream such as ``"worker:W1"``.

    A child's stream is named by the child's random key id instead (:func:`child_stream_id`):
    ``uuid5`` of ``"child:REF"`` could be recomputed from a guessed reference.
    """
    return uuid5(STREAM_NAMESPACE, stream)


@lru_cache(maxsize=8192)
def child_stream_id(key_id: str) -> UUID:
    """The originator id of a child's stream: from its random key id, not its reference."""
    return uuid5(STREAM_NAMESPACE, f"child-key:{key_id}")


class QualityAssurance(Application[UUID]):
    """Record QA events and answer questions about them (SPEC section 2)."""

    name = "KentQA"

    def __init__(self, storage: Storage, policy: Policy | None = None) -> None:
        self.storage = storage
        self.policy = policy or Policy()
        self._closed = True
        #: The plugin manager ``kq.connect`` built (report renderers are looked up in it).
        self.plugin_manager: pluggy.PluginManager | None = None
        for attempt in range(OPEN_RETRIES):
            try:
                self._open(storage)
            except BaseException as exc:
                factory = getattr(self, "factory", None)
                if factory is not None:  # release the pool now, not in a garbage collector's thread
                    with contextlib.suppress(Exception):
                        factory.close()
                if attempt + 1 < OPEN_RETRIES and _racing_schema_creation(exc):
                    _backoff(attempt + 3)
                    continue
                raise
            return

    def _open(self, storage: Storage) -> None:
        with storage_errors(f"opening {storage.display}", settings=storage.settings):
            super().__init__(env=dict(storage.settings))
            self.checkpoints: AggregateRecorder = self.factory.aggregate_recorder(purpose="checkpoints")
            self.admin = admin_for(self.checkpoints)
            self.keyring = Keyring(self.admin, self.mapper.cipher)
            self.event_mapper.keyring = self.keyring
            self._signature = Ledger.signature(PROJECTIONS)
            self._read_page = page_reader(self.recorder)
            #: the state in the store: documents, identities, projections' rows (decision 0900)
            self.state_tables: StateTables = tables_for(self.factory.datastore, self.mapper.cipher)  # type: ignore[attr-defined]
            self.state_tables.create()
            self.projections = Projections(self.state_tables, STORED_PROJECTIONS)
            self.checkpoint_store = Checkpoints(self.checkpoints, self._signature, load=self._open_checkpoint)
            #: optimistic-concurrency conflicts met (and retried) by this connection
            self.conflicts = 0
            self._closed = False
            self._since_checkpoint = 0
            self._next_checkpoint_after = 0.0
            self._generation = 0
            # The ledger key as the ledger is loaded: a long first catch-up checkpoints as it
            # goes with it (a forgetting meanwhile replaces it, making those rows unreadable).
            self._seal_key: tuple[str, bytes] | None = self.keyring.ledger_key()
            self.ledger = self._load_ledger(starting=True)
            self.catch_up()
            self._seal_key = None
            self.checkpoint_store.finish_generation(self.ledger.generation)

    # --- configuration -----------------------------------------------------------------

    def construct_env(self, name: str, env: Any = None) -> Any:
        """Configured by the storage URL only: the process environment is not consulted."""
        from eventsourcing.utils import Environment

        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> EventMapper:
        return EventMapper(cipher=self.factory.cipher(), compressor=self.factory.compressor())

    @property
    def event_mapper(self) -> EventMapper:
        mapper: EventMapper = self.mapper  # type: ignore[assignment]
        return mapper

    # --- recording -----------------------------------------------------------------------

    def record(self, event: Event) -> int:
        """Validate, then store one event; returns its position (SPEC section 2).

        Re-recording an identical event is a no-op returning the first position.
        """
        (position,) = self.record_many([event])
        assert position is not None
        return position

    def record_json(self, obj: object) -> int:
        """The same from a JSON object (already decoded): ``{"type": ..., fields...}``."""
        return self.record(parse(obj))

    @guarded("recording")
    def record_many(
        self, events: Iterable[Event | dict[str, Any]], *, on_invalid: OnInvalid | None = None
    ) -> list[int | None]:
        """Record a batch; each event all-or-nothing, stored in batches.

        Without ``on_invalid`` the first refused event raises (its ``index`` set) after the
        events before it are stored. With ``on_invalid(index, error)`` refused events are
        reported and skipped, and their place in the returned list is None.
        Dicts are parsed as JSON objects.
        """
        self._check_open()
        with gc_paused():
            return self._record_many(events, on_invalid)

    def _record_many(
        self, events: Iterable[Event | dict[str, Any]], on_invalid: OnInvalid | None
    ) -> list[int | None]:
        positions: list[int | None] = []
        for chunk in _chunks(events, BATCH_SIZE):
            offset = len(positions)
            chunk_positions, refused = self._record_chunk_with_retries(
                chunk, offset, stop_at_first=on_invalid is None
            )
            positions.extend(chunk_positions)
            for index, error in refused:
                if on_invalid is None:
                    self._maybe_checkpoint()
                    raise error
                on_invalid(index, error)
        self._maybe_checkpoint()
        return positions

    def _record_chunk_with_retries(
        self, chunk: list[Any], offset: int, *, stop_at_first: bool
    ) -> tuple[list[int | None], list[tuple[int, InvalidEvent]]]:
        for attempt in range(MAX_CONFLICT_RETRIES):
            self.catch_up()
            try:
                return self._record_chunk(chunk, offset, stop_at_first=stop_at_first)
            except IntegrityError:
                self.conflicts += 1
                # Another writer extended one of our streams first: our write model saw a
                # stale version (and already applied the chunk). Rebuild it from the newest
                # checkpoint and the log, wait a little (so writers do not retry in step),
                # and validate the chunk again.
                self.ledger = self._load_ledger()
                self._since_checkpoint = 0
                _backoff(attempt)
            except BaseException:
                # Anything unexpected (a bug, KeyboardInterrupt) may leave events applied to
                # the write model that were never stored: rebuild it before going on.
                self.ledger = self._load_ledger()
                self._since_checkpoint = 0
                raise
        first = chunk[0]
        name = type(first).__name__ if isinstance(first, Event) else str(first.get("type", "event"))[:60]
        raise ConflictingEvent(
            name,
            None,
            "concurrency",
            f"other writers kept extending the same streams: gave up after {MAX_CONFLICT_RETRIES} "
            "optimistic-concurrency conflicts; nothing of this batch was stored, record it again",
            index=offset,
        )

    def _record_chunk(
        self, chunk: list[Any], offset: int, *, stop_at_first: bool
    ) -> tuple[list[int | None], list[tuple[int, InvalidEvent]]]:
        ledger = self.ledger
        book = ledger.casebook
        results: list[int | None] = [None] * len(chunk)
        refused: list[tuple[int, InvalidEvent]] = []
        pending: list[Recorded] = []
        pending_meta: list[tuple[int, int, int]] = []  # (chunk index, identity key, digest)
        pending_keys: dict[int, tuple[int, int]] = {}  # identity key -> (pending index, digest)
        new_versions: dict[UUID, int] = {}
        for i, item in enumerate(chunk):
            try:
                event = item if isinstance(item, Event) else parse(item)
                if not isinstance(event, Event):
                    raise InvalidEvent("event", None, "shape", "must be an event or a JSON object")  # noqa: TRY301
                child = child_of(event, book)
                sealing = self._sealing(event, child, create=False) if child is not None else None
                if child is not None and sealing is None:
                    known = None  # a child without a key has nothing recorded: check, then make its key
                    book.check(event)
                    sealing = self._sealing(event, child, create=True)
                key = identity_key(sealing.anonymous if sealing else event)
                body = canonical_body(sealing.clear if sealing else event)
                digest = digest64(body)
                known = ledger.recorded(key)
                if known is None and key in pending_keys:
                    known = (-1 - pending_keys[key][0], pending_keys[key][1])
                if known is not None:
                    position, known_digest = known
                    if known_digest != digest:
                        raise ConflictingEvent(
                            type(event).__name__,
                            None,
                            "idempotency",
                            "an event with the same identity was already recorded with different content",
                        )
                    results[i] = position  # negative: an earlier event of this chunk
                    continue
                book.check(event)
            except InvalidEvent as exc:
                exc.index = offset + i
                refused.append((offset + i, exc))
                if stop_at_first:
                    del results[i:]
                    break
                continue
            stream = self._stream_of(book.stream(event), sealing)
            version = new_versions.get(stream, ledger.versions.get(stream, 0)) + 1
            new_versions[stream] = version
            book.apply(event)
            pending_keys[key] = (len(pending), digest)
            pending.append(Recorded(stream, version, event, sealing=sealing, body=body))
            pending_meta.append((i, key, digest))
        if pending:
            self._store(pending, pending_meta, results)
        for i, value in enumerate(results):
            if value is not None and value < 0:
                results[i] = results[pending_meta[-1 - value][0]]
        return results, refused

    def _sealing(self, event: Event, child: str, *, create: bool) -> Sealing | None:
        """The split of a child's event with the child's key (made on first use when ``create``)."""
        key_id = self.keyring.child_key_id(child, create=create)
        if key_id is None:
            return None
        key = self.keyring.child_key(key_id)
        if key is None:  # pragma: no cover - destroyed between the two reads
            return None
        return seal(event, child, key_id, key)

    def _stream_of(self, name: str, sealing: Sealing | None) -> UUID:
        if sealing is not None and name == f"child:{sealing.child_ref}":
            return child_stream_id(sealing.key_id)
        return stream_id(name)

    def _store(
        self, pending: list[Recorded], meta: list[tuple[int, int, int]], results: list[int | None]
    ) -> None:
        try:
            recordings = self._save_batch(pending)
        except IntegrityError:
            raise
        except PersistenceError as exc:  # the caller rebuilds the write model
            raise StorageError(describe(exc, "storing a batch")) from exc
        positions = [recording.notification.id for recording in recordings]
        first = self.ledger.position + 1
        if positions == list(range(first, first + len(positions))):
            # Nobody else wrote in between: fold our own events without reading them back.
            own: list[Folded] = []
            for position, recorded, (i, key, digest) in zip(positions, pending, meta, strict=True):
                results[i] = position
                self._fold_recorded(recorded, position, digest, own=True, key=key)
                sealing = recorded.sealing
                own.append((position, sealing.anonymous if sealing else recorded.event, recorded))
            self._since_checkpoint += len(positions)
            self._catch_up_state(own)
            return
        own = {}
        for position, recorded, (i, _key, digest) in zip(positions, pending, meta, strict=True):
            results[i] = position
            own[position] = (recorded, digest)
        self.catch_up(own=own)

    def _save_batch(self, pending: list[Recorded]) -> list[Any]:
        """``Application.save`` for events we made, without its per-object protocol checks
        (``isinstance`` against runtime-checkable protocols costs more than storing; 0805)."""
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        processing.events.extend(pending)
        recordings = self._record(processing)
        self._notify(recordings)
        return recordings

    # --- catching up and checkpoints ------------------------------------------------------

    @guarded("catching up with the store")
    def catch_up(self, own: dict[int, tuple[Recorded, int]] | None = None) -> int:
        """Fold every stored event after the ledger's position; returns how many were folded.

        ``own`` holds events this process just stored (already applied to the write model).
        A long first catch-up (a big store, a rebuild after an upgrade) checkpoints as it goes,
        so it resumes where it stopped if the process dies.
        """
        with gc_paused():
            unfinished: list[str] = []
            folded = self._fold_log(own or {}, unfinished, verify=False, checkpoints=self._seal_key)
            for key_id in unfinished:
                # A forgetting was stored but its key survived (the forgetting process died):
                # finish it, so that no process can read the child's events again.
                self._destroy_keys(key_id)
                self._after_forgetting()
            self._catch_up_state()
            return folded

    def _catch_up_state(self, own: list[Folded] | None = None) -> int:
        """Bring the stored projections to the end of the log (decision 0900)."""
        end = self.recorder.max_notification_id() or 0
        return self.projections.catch_up(self._read_for_projections, end, own or ())

    def _read_for_projections(self, start: int, limit: int, keys: bool) -> list[Folded]:
        """Log rows as projections fold them: a child's event in its anonymous form (no key
        needed: its clear part, free text blanked); with ``keys`` the full reading too."""
        mapper = self.event_mapper
        out: list[Folded] = []
        for position, stream, version, topic, state in self._read_page(start, limit):
            raw = mapper.unseal(state) if (mapper.cipher or mapper.compressor) else state
            if topic == FORGOTTEN_TOPIC:
                out.append((position, None, None))
                continue
            event, _canonical, _at = mapper.decode_state(topic, raw, position=position, sealed=False)
            recorded = None
            if b',"c":' in raw:
                event = blanked(event)
                if keys:
                    originator = stream if isinstance(stream, UUID) else UUID(hex=stream)
                    recorded, _ = mapper.decode(StoredEvent(originator, version, topic, state))
            out.append((position, event, recorded))
        return out

    def _fold_log(
        self,
        own: dict[int, tuple[Recorded, int]],
        unfinished: list[str],
        *,
        verify: bool,
        checkpoints: tuple[str, bytes] | None,
        progress: OnProgress | None = None,
        every: int | None = None,
        replaying: bool = False,
    ) -> int:
        """Fold the log from the ledger's position to its end, a page at a time.

        Plain events are decoded on the fast path (decision 0801); a child's sealed event and
        a forgetting go through the mapper's full reading (the child's key, erasure). With
        ``checkpoints`` (a ledger key) the fold checkpoints as it goes: every ``every`` events
        if given, else by size and cost as recording does.
        """
        ledger = self.ledger
        folded = since = 0
        last_checkpoint = time.monotonic()
        while True:
            page = self._read_page(ledger.position + 1, CATCH_UP_PAGE)
            for row in page:
                mine = own.get(row[0])
                if mine is not None:
                    self._fold_recorded(mine[0], row[0], mine[1], own=True)
                else:
                    forgotten = self._fold_row(row, verify=verify)
                    if forgotten is not None:
                        unfinished.append(forgotten)
                folded += 1
            since += len(page)
            self._since_checkpoint += len(page)
            if progress is not None:
                progress(ledger.position, max(ledger.position, self.recorder.max_notification_id() or 0))
            if len(page) < CATCH_UP_PAGE:
                return folded
            if checkpoints is not None and self._checkpoint_due(since, last_checkpoint, every, replaying=replaying):
                self._write_checkpoint(*checkpoints)
                since = 0
                last_checkpoint = time.monotonic()

    def _fold_row(self, row: Any, *, verify: bool) -> str | None:
        """One row of the log read by ``_read_page``: plain events on the fast path, a child's
        sealed event or a forgetting read in full by the mapper (returns a surviving key id)."""
        position, stream, version, topic, state = row
        mapper = self.event_mapper
        try:
            raw = mapper.unseal(state) if (mapper.cipher or mapper.compressor) else state
        except Exception as exc:
            raise MapperDeserialisationError(f"could not read stored {topic} at position {position}: {exc}") from exc
        if topic == FORGOTTEN_TOPIC or b',"c":' in raw:
            originator = stream if isinstance(stream, UUID) else UUID(hex=stream)
            recorded, canonical = mapper.decode(StoredEvent(originator, version, topic, state), validate=verify)
            return self._fold_recorded(recorded, position, digest64(canonical), own=False)
        event, canonical, _at = mapper.decode_state(topic, raw, validate=verify, position=position, sealed=False)
        self.ledger.fold(event, stream, version, position, digest64(canonical))
        return None

    def _checkpoint_due(self, since: int, last: float, every: int | None, *, replaying: bool) -> bool:
        """Every ``every`` events if given; while replaying, every REPLAY_CHECKPOINT_SECONDS;
        while catching up, by size and cost as recording does."""
        if every is not None:
            return since >= every
        if replaying:
            return time.monotonic() - last >= REPLAY_CHECKPOINT_SECONDS
        return self._since_checkpoint >= self._checkpoint_interval()

    def _fold_recorded(
        self, recorded: Recorded, position: int, digest: int, *, own: bool, key: int | None = None
    ) -> str | None:
        """Fold one event read in full (or just stored); returns the key id of a forgetting
        whose key survived (to be finished), else None."""
        event = recorded.event
        if isinstance(event, ChildForgotten):
            self.ledger.forget(event.token, recorded.originator_id, recorded.originator_version, position)
            key_id = key_id_of(event.token)
            survived = None
            if key_id is not None:
                if self.keyring.child_key(key_id) is not None:
                    survived = key_id
                self.keyring.forget_cached(key_id)
            return survived
        sealing, lost = recorded.sealing, recorded.lost_key
        if sealing is not None and own and self.keyring.child_key(sealing.key_id) is None:
            # Our own event of a child forgotten by another process since we sealed it:
            # fold it as every replay will read it, anonymously.
            event, lost, sealing = sealing.anonymous, sealing.key_id, None
            key = None
        if lost is not None:
            # The child's key is gone but its forgetting is still ahead in the log: forget
            # the child now, so this anonymous event lands where a replay puts it.
            self.ledger.forget_early(token_for(lost))
        self.ledger.fold(
            event,
            recorded.originator_id,
            recorded.originator_version,
            position,
            digest,
            casebook=not own,
            child=(sealing.child_ref, sealing.token, sealing.aliases) if sealing else None,
            identity=key if key is not None else (identity_key(sealing.anonymous) if sealing else None),
        )
        return None

    def _load_ledger(self, *, starting: bool = False) -> Ledger:
        """The newest usable checkpoint, else an empty ledger (in a fresh generation on start)."""
        ledger = self.checkpoint_store.newest()
        if ledger is not None:
            self._generation = ledger.generation
            return ledger
        ledger = Ledger(PROJECTIONS)
        if starting:
            self._generation = self.checkpoint_store.generation_for_rebuild()
        ledger.generation = self._generation
        return ledger

    def _open_checkpoint(self, state: bytes) -> Any:
        """A checkpoint's ledger; fails if its ledger key was replaced (a child was forgotten since)
        or it is not of the current format (decision 0820)."""
        return load_ledger(self._checkpoint_compressed(state))

    def _checkpoint_compressed(self, state: bytes) -> bytes:
        sealed = self.event_mapper.unseal(state)
        key_id, _, body = sealed.partition(b":")
        key = self.keyring.ledger_key_by_id(key_id.decode())
        if key is None:
            raise ValueError("the checkpoint's key was replaced: a child was forgotten since")
        return aes_decrypt(key, body)

    def _checkpoint_plaintext(self, state: bytes) -> bytes:
        return checkpoint_plaintext(self._checkpoint_compressed(state))

    @guarded("reading checkpoints")
    def checkpoint_plaintexts(self) -> list[tuple[int, bytes]]:
        """(position, pickled ledger) of every checkpoint still readable: for privacy audits and tests
        that must look inside the sealed checkpoint rows."""
        out = []
        latest = self.checkpoint_store.latest_generation().number
        for generation in range(latest + 1):
            for stored in self.checkpoints.select_events(checkpoint_stream(generation)):
                try:
                    out.append((stored.originator_version, self._checkpoint_plaintext(stored.state)))
                except ValueError:
                    continue
        return out

    @guarded("writing a checkpoint")
    def checkpoint(self) -> bool:
        """Store the ledger with its tracking position in one row; False if one is already there.

        The row is sealed with the current ledger key (read *before* catching up, so a
        checkpoint sealed with a key made by a forgetting always includes that forgetting),
        then with the application cipher when it is on.
        """
        key_id, key = self.keyring.ledger_key()
        self.catch_up()
        return self._write_checkpoint(key_id, key)

    def _write_checkpoint(self, key_id: str, key: bytes) -> bool:
        """The ledger as it is now, sealed with ``key``, in its generation's stream."""
        self._since_checkpoint = 0
        if self.ledger.position == 0:
            return False
        started = time.monotonic()
        try:
            out = io.BytesIO()
            # part by part, straight into the compressor: the memo never spans the whole ledger
            # and the plain pickle is never whole (decision 0820)
            dump_ledger(self.ledger, out.write)
            with out.getbuffer() as compressed:
                nonce, ciphertext = aes_encrypt_parts(key, compressed)
            del out  # at most two copies of the checkpoint's size at any moment
            body = b"".join((key_id.encode(), b":", nonce, ciphertext))
            del ciphertext
            state = self.event_mapper.seal(body)
            del body
            return self.checkpoint_store.save(self.ledger, state)
        finally:
            self._next_checkpoint_after = time.monotonic() + CHECKPOINT_COST_FACTOR * (time.monotonic() - started)

    def _checkpoint_interval(self) -> int:
        """Events to fold before the next automatic checkpoint (none is written sooner than
        CHECKPOINT_COST_FACTOR times the last one took, so they cost a bounded share of time)."""
        interval = max(CHECKPOINT_EVERY, self.ledger.position // CHECKPOINT_SHARE)
        if time.monotonic() < self._next_checkpoint_after:
            return max(interval, self._since_checkpoint + 1)
        return interval

    def _maybe_checkpoint(self) -> None:
        if self._since_checkpoint >= self._checkpoint_interval():
            self.checkpoint()

    # --- replay --------------------------------------------------------------------------

    @guarded("replaying the log")
    def replay(
        self,
        *,
        progress: OnProgress | None = None,
        verify: bool = False,
        restart: bool = False,
        checkpoint_every: int | None = None,
    ) -> ReplayReport:
        """Rebuild the ledger — write model, identity index and every projection — from the log.

        Resumable: the rebuild is a new checkpoint generation that checkpoints as it goes
        (every REPLAY_CHECKPOINT_SECONDS of work, or every ``checkpoint_every`` events when
        given); if the process dies, the next ``replay`` continues from that generation's newest
        checkpoint. ``restart`` starts a new generation even so. ``verify`` reads every event
        with its full validation (slower; decision 0801). ``progress(position, last)`` is
        called after each page of the log. When it returns, this connection uses the rebuilt
        ledger, and so do later ones (decision 0802).
        """
        self._check_open()
        store = self.checkpoint_store
        seal_key = self.keyring.ledger_key()
        latest = store.latest_generation()
        ledger: Ledger | None = None
        if not restart and not latest.finished:
            generation = latest.number
            ledger = store.newest_in(generation)
        else:
            generation = store.start_generation("replay")
        if ledger is None:
            ledger = Ledger(PROJECTIONS)
            ledger.generation = generation
        resumed_from = ledger.position
        # The old ledger is let go now, not at the end: two ledgers would double the memory.
        self.ledger = ledger
        self._generation = generation
        try:
            with gc_paused():
                unfinished: list[str] = []
                self._fold_log(
                    {}, unfinished, verify=verify, checkpoints=seal_key, progress=progress,
                    every=checkpoint_every, replaying=True,
                )
                self._write_checkpoint(*seal_key)
                store.finish_generation(generation)
            for key_id in unfinished:
                self._destroy_keys(key_id)
                self._after_forgetting()
        except BaseException:
            self.ledger = self._load_ledger()
            raise
        return ReplayReport(
            generation=generation,
            resumed_from=resumed_from,
            folded=self.ledger.position - resumed_from,
            position=self.ledger.position,
        )

    # --- queries -------------------------------------------------------------------------

    def _fresh(self) -> Ledger:
        self._check_open()
        self.catch_up()
        return self.ledger

    # --- erasure ---------------------------------------------------------------------------

    @guarded("forgetting a child")
    def forget_child(self, child_ref: str, *, on: dt.date) -> Erasure:
        """Erasure: make every stored payload about ``child_ref`` unreadable (crypto-shredding).

        Stores the fact that a child was forgotten on ``on`` (its anonymous token only), then
        destroys the child's own key and the ledger key in one transaction, writes a fresh
        checkpoint without the child, deletes every older checkpoint and scrubs the database
        files. Afterwards the child is counted only under its anonymous token; replay still
        succeeds. Raises ``UnknownReference`` if no event of this child is readable any more
        (never recorded, or already forgotten). See ``docs/security.md``.

        If scrubbing the files fails (e.g. another process holds the SQLite file busy past the
        lock timeout), the erasure still stands (the key is gone); the result says so and
        :meth:`scrub` can be run again later.
        """
        self._check_open()
        check_identifier(_FORGET, _CHILD_REF, child_ref)
        if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
            raise InvalidEvent("forget_child", "on", "type", "must be a date")
        for attempt in range(MAX_CONFLICT_RETRIES):
            self.catch_up()
            forgetting = self.ledger.forgetting_of(child_ref)
            if forgetting is None:
                raise UnknownReference(
                    "forget_child", "child_ref", "reference", f"no readable event of child {child_ref!r}: never recorded or already forgotten"
                )
            # Dry run on a copy: a projection that cannot forget stops us before anything changes.
            trial: Ledger = pickle.loads(pickle.dumps(self.ledger, protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301
            trial.forget(forgetting.token, ERASURE_STREAM, 0, 0)
            version = self.ledger.versions.get(ERASURE_STREAM, 0) + 1
            marker = Recorded(ERASURE_STREAM, version, ChildForgotten(forgetting.token, on))
            try:
                self.save(marker)
            except IntegrityError:
                self.ledger = self._load_ledger()
                self._since_checkpoint = 0
                _backoff(attempt)
                continue
            break
        else:
            raise ConflictingEvent("forget_child", None, "concurrency", "other writers kept extending the erasure stream; try again")
        key_id = key_id_of(forgetting.token)
        assert key_id is not None
        self._destroy_keys(key_id)
        self.catch_up()
        self._forget_notifications(child_ref)
        problem = self._after_forgetting()
        return Erasure(token=forgetting.token, forgotten_on=on, scrubbed=problem is None, problem=problem)

    def _forget_notifications(self, child_ref: str) -> None:
        """The delivery record of ``kentqa notify`` names children in plain notifications:
        delete the deliveries about this child (scrubbed with the rest). Later runs name the
        child by its anonymous token. ``memory://`` keeps no delivery record between runs."""
        if self.storage.display == "memory://":
            return
        from .notifications.outbox import Notifications

        with Notifications(self.storage) as outbox:
            ids = [d.id for d in outbox.view.deliveries.values() if _names_child(d.notification, child_ref)]
            if ids:
                self.admin.delete_streams(outbox.recorder, ids)

    def _destroy_keys(self, key_id: str) -> None:
        """Destroy the child's key and replace the ledger key, in one transaction."""
        self.keyring.destroy_child(key_id, also={"ledger": self.keyring.new_ledger_row()}, delete=("ledger",))

    def _after_forgetting(self) -> str | None:
        """A checkpoint under the new ledger key, older ones deleted, the files scrubbed.

        Returns None, or why scrubbing failed (the erasure itself stands).
        """
        try:
            self.checkpoint()  # if this fails, older checkpoints are unreadable anyway (new ledger key)
            self.scrub()
        except StorageError as exc:
            return str(exc)
        return None

    @guarded("scrubbing the store")
    def scrub(self) -> None:
        """Delete every checkpoint but the newest and wipe freed space (SQLite: secure_delete,
        VACUUM, WAL truncated; PostgreSQL: VACUUM FULL of the key and checkpoint tables)."""
        self._check_open()
        self.admin.delete_checkpoints(keep_version=self.ledger.position, keep_stream=GENERATIONS_STREAM)
        self.admin.scrub()

    def stats(self) -> dict[str, int]:
        """Events stored, by type."""
        self._fresh()
        counts: dict[str, int] = self.projections["event_counts"].by_type()
        return counts

    def _sees_everything(self, as_worker: str | None) -> bool:
        """R-ACC-1 for organisation-wide rows (of no team): only principals who see everything."""
        return self.scope(as_worker).kind == "all"

    def scope(self, as_worker: str | None = None) -> Scope:
        """R-ACC-1: what ``as_worker`` may see (None: everything). Queries take ``as_worker=``."""
        book = self._fresh().casebook
        return scope_for(as_worker, workers=book.workers, teams=book.teams, access=self.policy.access)

    # --- queries: children's plans and escalations (R-LAC-1..7, R-CP-1..7, R-ESC-1..5) ---------

    def drift_register(self, *, as_of: dt.date, as_worker: str | None = None) -> list[DriftRow]:
        """What is overdue in every open looked-after and CP plan at ``as_of`` (SPEC section 5).

        Rows ``child_ref, plan, kind, due_on, working_days_overdue, escalation_id`` (and the
        team, worker, review and action they concern), oldest due date first. R-ACC-1: a row
        is visible to its team and to the team of the plan's chair or IRO.
        """
        ledger = self._fresh()
        with gc_paused():  # the first query after a load memoises every child's plans (decision 0810)
            rows = drift_rows(
                ledger.projection("child_plans"), ledger.projection("escalations"), self.policy, as_of
            )
        scope = self.scope(as_worker)
        plans = ledger.projection("child_plans")
        return [
            r
            for r in rows
            if _visible(
                scope,
                ledger,
                (r.team_id, r.worker_id),
                (plans.workers.team_on(r.chair_id, as_of), r.chair_id),
            )
        ]

    def escalations(
        self,
        *,
        as_of: dt.date,
        as_worker: str | None = None,
        state: EscalationState | str | None = None,
        since: dt.date | None = None,
    ) -> list[EscalationRow]:
        """Every escalation raised on or before ``as_of`` (SPEC section 5, R-ESC-1..5).

        Rows ``escalation_id, stage, state, raised_on, response_due_on, response_overdue,
        working_days_open, breached`` (and more), by raising date. R-ACC-1: a row is visible
        to the team it names and to the team of the worker who raised it.

        Optional filters for a dashboard (decision 0815): ``state`` (``open``, ``resolved`` or
        ``referred``, the row's state at ``as_of``) and ``since`` (raised on or after it).
        ``state="open"`` visits only the escalations not ended by ``as_of``, so "what is open
        now" costs the same whatever the length of the history.
        """
        as_of = _query_date("escalations", "as_of", as_of)
        wanted = None if state is None else _query_choice("escalations", EscalationState, state, "state")
        if since is not None:
            since = _query_date("escalations", "since", since)
        ledger = self._fresh()
        esc = ledger.projection("escalations")
        workers = ledger.projection("child_plans").workers
        scope = self.scope(as_worker)
        views = esc.views(as_of, open_only=wanted is EscalationState.OPEN, since=since)
        if wanted is not None and wanted is not EscalationState.OPEN:
            views = [v for v in views if v.ending is not None and v.ending.state is wanted]
        if scope.kind != "all":
            views = [
                view
                for view in views
                if _visible(
                    scope,
                    ledger,
                    (view.raised.team_id, view.raised.raised_by),
                    (workers.team_on(view.raised.raised_by, as_of), view.raised.raised_by),
                )
            ]
        days = working_day_index(self.policy.calendar)
        return [escalation_row(view, self.policy, as_of, days) for view in views]

    def review_qa_summary(
        self,
        *,
        as_of: dt.date,
        by: str = "team",
        since: dt.date | None = None,
        as_worker: str | None = None,
    ) -> list[ReviewQARow]:
        """The IRO / CP Chair QA of reviews held in ``[since, as_of]``, by team or by chair.

        ``by`` is ``"team"`` or ``"chair"``; one row per group and plan kind (R-LAC-5, R-CP-5;
        framework 4.3). Shares count the QAs recorded on or before ``as_of``. R-ACC-1: a
        review counts if its team or its chair's team is visible.
        """
        ledger = self._fresh()
        plans = ledger.projection("child_plans")
        teams = PlanTeams(plans, ledger.projection("escalations").named_teams(), as_of)
        scope = self.scope(as_worker)
        facts = [
            f
            for f in review_facts(plans, teams, since=since)
            if _visible(
                scope,
                ledger,
                (f.team_id, f.chair_id),
                (plans.workers.team_on(f.chair_id, f.review.held_on), f.chair_id),
            )
        ]
        return summarise_review_qa(facts, by, self.policy)

    # --- queries: observations ---------------------------------------------------------

    def observation_compliance(
        self, *, as_of: dt.date, as_worker: str | None = None, team: str | None = None
    ) -> list[ObservationComplianceRow]:
        """R-OBS-1..5: one row per current practitioner on ``as_of``, sorted by team then worker.

        Rows come from the ``observation_compliance`` projection (no replay); due dates and
        statuses are computed from it, the policy and ``as_of``. Events dated after ``as_of``
        are ignored. ``as_worker`` scopes the rows to what that worker may see (R-ACC-1);
        ``team`` keeps one team's rows (an unknown team is an ``UnknownReference``).
        See docs/observations.md.
        """
        return self._compliance("observation_compliance", as_of, as_worker, team)

    def observation_summary(
        self,
        *,
        as_of: dt.date,
        by: Grouping | str = Grouping.TEAM,
        as_worker: str | None = None,
        team: str | None = None,
    ) -> list[ObservationSummaryRow]:
        """Observation compliance counted by ``team``, ``service`` or ``area`` (R-OBS-4, R-OBS-5),
        over the rows ``as_worker`` may see (R-ACC-1).
        """
        grouping = _query_choice("observation_summary", Grouping, by, "by")
        rows = self._compliance("observation_summary", as_of, as_worker, team)
        return summarise(rows, grouping, self._observation_view().teams)

    def observation_learning(
        self,
        *,
        start: dt.date,
        end: dt.date,
        as_of: dt.date | None = None,
        as_worker: str | None = None,
        team: str | None = None,
        setting: ObservationSetting | str | None = None,
    ) -> list[ObservationLearningRow]:
        """Framework 4.5 annual learning: judgements per area, then overall, of the observations
        dated ``start``..``end`` (inclusive; a period still running ends at ``as_of``), practice
        and meeting unless ``setting`` says which. An observation belongs to the team its worker
        was in on the day; R-ACC-1 scopes by it and by the observed worker.
        """
        query = "observation_learning"
        start, end = _period(query, start, end, as_of)
        practice = (
            None
            if setting is None
            else _query_choice(query, ObservationSetting, setting, "setting") is ObservationSetting.PRACTICE
        )
        view = self._observation_view()
        self._check_team(query, view, team)
        scope = self._observation_scope(query, view, as_worker, end)
        chosen = []
        if scope is not None:
            for _, facts in view.observations_between(start, end):
                if practice is not None and facts.practice is not practice:
                    continue
                team_then = view.team_of(facts.worker_id, dt.date.fromordinal(facts.observed_on))
                if team is not None and team_then != team:
                    continue
                if scope.allows(team_id=team_then, worker_id=facts.worker_id, teams=view.teams):
                    chosen.append(facts)
        return learning(chosen)

    def _compliance(
        self, query: str, as_of: object, as_worker: str | None, team: str | None
    ) -> list[ObservationComplianceRow]:
        day = _query_date(query, "as_of", as_of)
        view = self._observation_view()
        self._check_team(query, view, team)
        scope = self._observation_scope(query, view, as_worker, day)
        if scope is None:
            return []
        rows = [
            row
            for row in view.compliance_rows(day, self.policy)
            if (team is None or row.team_id == team)
            and scope.allows(team_id=row.team_id, worker_id=row.worker_id, teams=view.teams)
        ]
        rows.sort(key=lambda r: (r.team_id, r.worker_id))
        return rows

    @staticmethod
    def _check_team(query: str, view: ObservationCompliance, team: str | None) -> None:
        if team is not None and team not in view.teams:
            raise UnknownReference(query, "team", "reference", f"team {team!r} was never registered")

    def _observation_view(self) -> ObservationCompliance:
        view: ObservationCompliance = self._fresh().projection(ObservationCompliance.name)
        return view

    def _observation_scope(
        self, query: str, view: ObservationCompliance, as_worker: str | None, as_of: dt.date
    ) -> Scope | None:
        """R-ACC-1 for the observation queries: the principal's role, and their team (and its
        service and area) on ``as_of``; None (nothing visible) if they had left by then.
        """
        if as_worker is None:
            return Scope.everything()
        principal = view.workers.get(as_worker)
        if principal is None or not principal.registered:
            raise UnknownReference(query, "as", "reference", f"worker {as_worker!r} was never registered")
        day = as_of.toordinal()
        if principal.left_on is not None and principal.left_on <= day:
            return None
        team_id = principal.team_on(day)
        team = view.teams.get(team_id)
        return Scope(
            as_worker,
            self.policy.access.get(principal.role, "own"),
            team_id=team_id,
            service=team.service if team else None,
            area=team.area if team else None,
        )

    @property
    def position(self) -> int:
        """The position of the last event folded into the projections."""
        return self.ledger.position

    # --- queries: audit cycle (R-AUD-1..6) -------------------------------------------------

    def cycle_bounds(self, cycle_id: str) -> tuple[dt.date, dt.date]:
        """R-AUD-1: first and last day of a cycle under this policy; a malformed id is refused
        (``InvalidEvent`` naming ``cycle_id`` and the rule)."""
        if not isinstance(cycle_id, str) or parse_cycle_id(cycle_id) is None:
            raise InvalidEvent("query", "cycle_id", "R-AUD-1", f"{cycle_id!r} is not a cycle id like 2026-T2")
        return _cycle_bounds(cycle_id, self.policy.year_start_month)

    def _scoped_audits(
        self, audits: Iterable[AuditCompleted], as_worker: str | None, ledger: Ledger
    ) -> list[AuditCompleted]:
        """R-ACC-1: the audits ``as_worker`` may see (by the audited team and worker)."""
        scope = self.scope(as_worker)
        teams = ledger.casebook.teams
        return [a for a in audits if scope.allows(team_id=a.team_id, worker_id=a.worker_id, teams=teams)]

    def audits(
        self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
    ) -> list[AuditCompleted]:
        """R-AUD-1: the audits of a cycle completed on or before ``as_of``, by date then id."""
        ledger = self._fresh()
        self.cycle_bounds(cycle_id)
        book: AuditLedger = ledger.projection(AuditLedger.name)
        found = book.audits_in(cycle_id, year_start_month=self.policy.year_start_month, as_of=as_of)
        return self._scoped_audits(found, as_worker, ledger)

    def audit_cycle(
        self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
    ) -> AuditCycle:
        """R-AUD-1..3: a cycle's phase at ``as_of``, its audits by kind and by phase, and the
        grade distribution and share good or better, overall and by team, service and area.

        Counts cover the cycle's audits completed on or before ``as_of`` (decision 0300).
        """
        starts_on, ends_on = self.cycle_bounds(cycle_id)
        audits = self.audits(cycle_id, as_of=as_of, as_worker=as_worker)
        teams = self.ledger.casebook.teams
        return summarise_cycle(cycle_id, starts_on, ends_on, audits, teams, as_of=as_of)

    def good_or_better_trend(
        self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
    ) -> list[CycleShare]:
        """R-AUD-3 over time: the share good or better of every cycle up to ``cycle_id`` that
        has graded audits (completed on or before ``as_of``), oldest first."""
        ledger = self._fresh()
        self.cycle_bounds(cycle_id)
        book: AuditLedger = ledger.projection(AuditLedger.name)
        ysm = self.policy.year_start_month
        audits = self._scoped_audits(book.audits_until(as_of), as_worker, ledger)
        order = parse_cycle_id(cycle_id)
        return [
            share
            for share in shares_by_cycle(audits, lambda a: book.cycle_of(a, ysm))
            if (parse_cycle_id(share.cycle_id) or (0, 0)) <= (order or (0, 0))
        ]

    def triad_recommendations(
        self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
    ) -> list[TriadRecommendation]:
        """R-AUD-4: auditor pairs whose practitioner and peer grades of the same cases differ,
        ranked by mean gap, then cases, then ids, each with a current qa_unit worker in turn.

        Organisation-wide (moderation is the QA unit's view): R-ACC-1 shows these rows, which
        belong to no one team, only to principals who see everything (decision 0606).
        """
        if not self._sees_everything(as_worker):
            return []
        ledger = self._fresh()
        self.cycle_bounds(cycle_id)
        book: AuditLedger = ledger.projection(AuditLedger.name)
        audits = book.audits_in(cycle_id, year_start_month=self.policy.year_start_month, as_of=as_of)
        return recommend(audits, book.current_qa_unit(as_of))

    def audit_actions(
        self, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
    ) -> list[AuditActionRow]:
        """R-AUD-5: the actions of the audits completed by ``as_of`` (of one cycle, or all when
        ``cycle_id`` is None): ``open``, ``overdue`` (not completed by the due date) or
        ``completed``; ordered by due date. Scoped by the audit's team and the action's owner."""
        ledger = self._fresh()
        book: AuditLedger = ledger.projection(AuditLedger.name)
        ysm = self.policy.year_start_month
        if cycle_id is None:
            audits: Iterable[AuditCompleted] = book.audits_until(as_of)
        else:
            self.cycle_bounds(cycle_id)
            audits = book.audits_in(cycle_id, year_start_month=ysm, as_of=as_of)
        rows = action_rows(
            audits, book.action_completions, lambda a: book.cycle_of(a, ysm), self.policy.calendar, as_of=as_of
        )
        scope = self.scope(as_worker)
        teams = ledger.casebook.teams
        return [r for r in rows if scope.allows(team_id=r.team_id, worker_id=r.owner_id, teams=teams)]

    def thematic_audits(
        self, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
    ) -> list[ThematicAuditRow]:
        """R-AUD-6: thematic audits agreed (with a hypothesis and a due date) by ``as_of`` and
        their progress. With ``cycle_id``: those agreed by the cycle's end that were not
        already completed before it began. Organisation-wide, ordered by due date; R-ACC-1:
        rows of no team are shown only to principals who see everything (decision 0606)."""
        if not self._sees_everything(as_worker):
            return []
        ledger = self._fresh()
        book: AuditLedger = ledger.projection(AuditLedger.name)
        rows = thematic_rows(book.themes.values(), book.audits_until(as_of), as_of=as_of)
        if cycle_id is None:
            return rows
        starts_on, ends_on = self.cycle_bounds(cycle_id)
        return [
            r
            for r in rows
            if r.agreed_on <= ends_on and (r.first_completed_on is None or r.first_completed_on >= starts_on)
        ]

    def activity(self, start: dt.date, end: dt.date) -> dict[str, int]:
        """Events whose business date falls in [start, end], by type (for "how do we know it")."""
        counts: dict[str, int] = self._fresh().projection(ActivityByDay.name).events_between(start, end)
        return counts

    def themes_raised(self, start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
        """(source, theme) -> complaints, compliments and feedback raising it in [start, end]."""
        counts: dict[tuple[str, str], int] = self._fresh().projection(ActivityByDay.name).themes_between(start, end)
        return counts

    def learning_report(
        self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
    ) -> LearningReport:
        """R-AUD-6: the triannual Learning and Improvement report for a cycle, answering what
        do we know, how do we know it and what are our plans; ``to_json()``, ``to_markdown()``,
        ``to_html()`` or ``render(format)`` with any registered renderer."""
        from .reports.learning import build_learning_report

        self.cycle_bounds(cycle_id)
        return build_learning_report(self, cycle_id, as_of=as_of, as_worker=as_worker)

    def renderers(self) -> dict[str, Any]:
        """Report format -> renderer, from the built-ins and every ``kentqa_register_renderers`` plugin."""
        from .plugins import make_plugin_manager, report_renderers

        pm = self.plugin_manager or make_plugin_manager()
        return {name: renderer for name, (renderer, _plugin) in report_renderers(pm).items()}

    # --- queries: notifications (SPEC section 6) -----------------------------------------

    def notifications(self, *, as_of: dt.date, as_worker: str | None = None) -> list[Notification]:
        """What must be told at ``as_of``: every notification source's findings (SPEC section 6).

        Each :class:`~kentqa_domain.notifications.Notification` has a stable ``key`` (kind,
        subject, due date), an audience role and a message naming the ids. Scoped like every
        query (R-ACC-1) by the notification's team and worker. Deliver them with
        ``kentqa notify`` or :func:`kentqa_domain.notifications.delivery.deliver`.
        """
        from .notifications.sources import derive

        ledger = self._fresh()
        scope = self.scope(as_worker)
        return [
            n
            for n in derive(self, self.policy, as_of)
            if scope.allows(team_id=n.team_id, worker_id=n.ref("worker_id"), teams=ledger.casebook.teams)
        ]

    # --- queries: complaints and the voice of children and families (R-CMP-1..6) --------

    def _team_filter(self, as_worker: str | None) -> Callable[[str | None], bool]:
        """R-ACC-1: a predicate on a row's team for ``as_worker`` (rows without a team: all-seeing only)."""
        scope = self.scope(as_worker)
        teams = self.ledger.casebook.teams
        return lambda team_id: scope.allows(team_id=team_id, teams=teams)

    def complaints_register(
        self,
        *,
        as_of: dt.date,
        as_worker: str | None = None,
        state: str | Iterable[str] | None = None,
        since: dt.date | None = None,
    ) -> list[ComplaintRow]:
        """Every complaint received by ``as_of``: stage, state, due date, extended, breached, late.

        R-CMP-1..6; see :class:`~kentqa_domain.projections.complaints.ComplaintRow` and
        docs/complaints-and-voice.md. Facts dated after ``as_of`` are not counted.

        Optional filters for a dashboard (decision 0815): ``state`` (``open``, ``closed`` or
        ``withdrawn``, or several of them: the row's state at ``as_of``) and ``since``
        (received on or after it). ``state="open"`` visits only the complaints not settled
        by ``as_of``, so "what is open now" costs the same whatever the length of the history.
        """
        as_of = _query_date("complaints_register", "as_of", as_of)
        states = None if state is None else _register_states(state)
        if since is not None:
            since = _query_date("complaints_register", "since", since)
        ledger = self._fresh()
        allows = self._team_filter(as_worker)
        return register_complaints(
            ledger.projection("complaints"), self.policy, as_of, allows, states=states, since=since
        )

    def complaints_summary(
        self,
        start: dt.date,
        end: dt.date,
        *,
        as_of: dt.date | None = None,
        as_worker: str | None = None,
    ) -> ComplaintsSummary:
        """Complaints in [start, end] overall, by service and by team: volumes, stages,
        outcomes, timeliness share, themes, learning and actions (framework 4.3; R-CMP-1..6).

        For the quarterly learning report and the six-monthly report to senior managers. A
        period still running is reported up to ``as_of`` (``end`` is then ``as_of``).
        """
        start, end = _period("complaints_summary", start, end, as_of)
        ledger = self._fresh()
        allows = self._team_filter(as_worker)
        return summarise_complaints(ledger.projection("complaints"), self.policy, start, end, allows)

    def voice_summary(
        self,
        start: dt.date,
        end: dt.date,
        *,
        as_of: dt.date | None = None,
        as_worker: str | None = None,
        sources: Iterable[FeedbackSource | str] | None = None,
    ) -> VoiceSummary:
        """Compliments and feedback received in [start, end] by source, channel, theme, rating
        and team, and team by theme: "what are children and families telling us?" (framework
        4.1, 4.3). ``sources`` limits whose voice is counted (default: everyone's), e.g.
        ``("child", "young_person", "parent_carer")``.
        """
        start, end = _period("voice_summary", start, end, as_of)
        chosen = _sources(sources)
        ledger = self._fresh()
        allows = self._team_filter(as_worker)
        return summarise_voice(ledger.projection("voice"), start, end, chosen, allows)

    # --- lifecycle -----------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("this connection is closed")

    def close(self) -> None:
        """Checkpoint what was folded since the last checkpoint, then close the store."""
        if self._closed:
            return
        try:
            if self._since_checkpoint:
                self.checkpoint()
        finally:
            self._closed = True
            with storage_errors("closing the store"):
                super().close()

    def __del__(self) -> None:
        """A connection dropped without ``close()`` releases its pool quietly (no checkpoint:
        the interpreter may be shutting down); the next connection catches up from the log."""
        if not getattr(self, "_closed", True):
            self._closed = True
            try:
                super().close()
            except Exception:  # noqa: BLE001, S110 - nothing useful can be done at shutdown
                pass

    def __enter__(self) -> QualityAssurance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _racing_schema_creation(exc: BaseException) -> bool:
    """PostgreSQL: two processes creating the same table, type or function at once
    (``CREATE ... IF NOT EXISTS`` is not atomic: the loser may see "tuple concurrently
    updated", a duplicate key in the catalogue, or "relation ... already exists")."""
    text = " ".join(str(e) for e in (exc, exc.__cause__, getattr(exc.__cause__, "__cause__", None)) if e)
    return (
        "tuple concurrently updated" in text
        or ("duplicate key value" in text and ("pg_type" in text or "pg_proc" in text or "pg_class" in text))
        or ("already exists" in text and ("relation" in text or "function" in text or "type" in text))
    )


def _names_child(notification: dict[str, Any], child_ref: str) -> bool:
    refs = notification.get("refs") or {}
    return refs.get("child_ref") == child_ref or str(notification.get("subject", "")).startswith(f"child:{child_ref}:")


def _backoff(attempt: int) -> None:
    """Sleep a random while, growing with ``attempt``, so conflicting writers fall out of step."""
    time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)))  # noqa: S311


@attrs.frozen
class ReplayReport:
    """What ``replay`` did: its generation, where it (re)started and where it stopped."""

    generation: int
    resumed_from: int
    folded: int
    position: int


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while folding or recording many events (decision
    0807): the ledger holds millions of objects, and full collections would traverse them all
    again and again while they grow. Reference counting still frees what is dropped; cycles made
    meanwhile are collected once it is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@attrs.frozen
class Erasure:
    """What ``forget_child`` did: the child's anonymous token, and whether the files were scrubbed."""

    token: str
    forgotten_on: dt.date
    scrubbed: bool
    problem: str | None = None


_FORGET: Any = type("forget_child", (), {})()  # names the operation in field errors
_CHILD_REF: Any = type("Attribute", (), {"name": "child_ref"})()


def _visible(scope: Scope, ledger: Ledger, *parties: tuple[str | None, str | None]) -> bool:
    """R-ACC-1: a row concerning several (team, worker) parties is visible if any of them is."""
    teams = ledger.casebook.teams
    return any(scope.allows(team_id=team, worker_id=worker, teams=teams) for team, worker in parties)


def _query_choice(query: str, enum: type[_E], value: object, field: str) -> _E:
    """A query argument as ``enum``; anything else is an ``InvalidEvent`` naming the field."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum)
        raise InvalidEvent(query, field, f"enum {enum.__name__}", f"must be one of {allowed}") from None


def _query_date(query: str, field: str, value: object) -> dt.date:
    """A query's date argument: a ``date`` (not a datetime), else InvalidEvent naming it."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidEvent(query, field, "type", f"must be a datetime.date, not {type(value).__name__}")
    return value


def _period(query: str, start: object, end: object, as_of: object | None) -> tuple[dt.date, dt.date]:
    """[start, end] with ``end`` brought back to ``as_of`` when the period is still running."""
    first = _query_date(query, "start", start)
    last = _query_date(query, "end", end)
    if as_of is not None:
        last = min(last, _query_date(query, "as_of", as_of))
    if last < first:
        raise InvalidEvent(query, "end", "period", f"the period ends ({last}) before it starts ({first})")
    return first, last


def _register_states(state: str | Iterable[str]) -> frozenset[str]:
    """``complaints_register(state=...)``: one state or several, each open, closed or withdrawn."""
    given = (state,) if isinstance(state, str) else tuple(state)
    allowed = (COMPLAINT_OPEN, COMPLAINT_CLOSED, COMPLAINT_WITHDRAWN)
    for value in given:
        if value not in allowed:
            raise InvalidEvent(
                "complaints_register", "state", "register state", f"must be among {', '.join(allowed)}; got {value!r}"
            )
    if not given:
        raise InvalidEvent("complaints_register", "state", "register state", "name at least one state")
    return frozenset(given)


def _sources(sources: Iterable[FeedbackSource | str] | None) -> tuple[FeedbackSource, ...]:
    """The feedback sources asked for, in SPEC order (None: all of them)."""
    if sources is None:
        return tuple(FeedbackSource)
    if isinstance(sources, str):
        sources = (sources,)
    wanted = set()
    for source in sources:
        try:
            wanted.add(FeedbackSource(source))
        except ValueError:
            allowed = ", ".join(s.value for s in FeedbackSource)
            raise InvalidEvent(
                "voice_summary", "sources", "enum FeedbackSource", f"must be among {allowed}; got {source!r}"
            ) from None
    return tuple(s for s in FeedbackSource if s in wanted)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
