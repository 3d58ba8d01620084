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
import io
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid5

import attrs
import orjson
from eventsourcing.persistence import (
    AggregateRecorder,
    IntegrityError,
    MapperDeserialisationError,
    StoredEvent,
)

from .checkpoint_format import dump_ledger, load_ledger
from .checkpoint_format import plaintext as checkpoint_plaintext
from .checkpoints import GENERATIONS_STREAM, STREAM_NAMESPACE, Checkpoints, checkpoint_stream
from .child_privacy import blanked
from .errors import ConflictingEvent, InvalidEvent, StorageError, UnknownReference
from .events import Event, parse
from .fields import check_identifier
from .gc_pause import gc_paused
from .keyring import Keyring, aes_decrypt, aes_encrypt, aes_encrypt_parts, key_id_of, token_for
from .ledger import Ledger, digest64
from .log_pages import page_reader
from .mapper import FORGOTTEN_TOPIC, ChildForgotten, EventMapper, Recorded
from .policy import Policy
from .projections import PROJECTIONS, STORED_PROJECTIONS
from .queries import Queries
from .queries.view import View
from .recording import MODEL, BatchResult, Recording
from .state import codec
from .state.docs import DocSession
from .state.reveal import Revealer
from .state.runner import Folded, Projections
from .state.sql import StateTables, tables_for
from .storage import Storage
from .storage_faults import guarded, storage_errors
from .store import EventStore
from .store_admin import admin_for

if TYPE_CHECKING:
    import pluggy


ERASURE_STREAM = uuid5(STREAM_NAMESPACE, "erasures")
BATCH_SIZE = 500
#: Write-model documents a connection keeps in memory (least recently used go first).
MODEL_CACHE = 50_000
#: Attempts to find the store at one position for a view (see ``_consistent_view``).
VIEW_ATTEMPTS = 50
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


class QualityAssurance(Queries):
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
                store = getattr(self, "_store", None)
                if store is not None:  # release the pool now, not in a garbage collector's thread
                    with contextlib.suppress(Exception):
                        store.factory.close()
                if attempt + 1 < OPEN_RETRIES and _racing_schema_creation(exc):
                    _backoff(attempt + 3)
                    continue
                raise
            return

    def _open(self, storage: Storage) -> None:
        with storage_errors(f"opening {storage.display}", settings=storage.settings):
            self._store = EventStore(env=dict(storage.settings))
            #: eventsourcing's factory and recorder of the events (the store's, not for saving through)
            self.factory = self._store.factory
            self.recorder = self._store.recorder
            self.mapper = self._store.mapper
            self.checkpoints: AggregateRecorder = self.factory.aggregate_recorder(purpose="checkpoints")
            self.admin = admin_for(self.checkpoints)
            self.keyring = Keyring(self.admin, self.mapper.cipher)
            self.keyring.secret()  # made now: a batch's write transaction cannot write the key table
            self.event_mapper.keyring = self.keyring
            self._signature = Ledger.signature(PROJECTIONS)
            self._read_page = page_reader(self.recorder)
            #: the state in the store: documents, identities, projections' rows (decision 0900)
            self.state_tables: StateTables = tables_for(self.factory.datastore, self.mapper.cipher)  # type: ignore[attr-defined]
            self.state_tables.create()
            self.projections = Projections(self.state_tables, STORED_PROJECTIONS, policy=self.policy)
            self.projections["reveal"].seal = self._seal_for_child
            self.revealer = Revealer(self.projections["reveal"], self.keyring)
            #: the write model's documents (decision 0900), read per batch through a bounded cache
            self.model = DocSession(self.state_tables, MODEL, codec, capacity=MODEL_CACHE)
            self.recording = Recording(
                recorder=self.recorder,
                mapper=self.event_mapper,
                tables=self.state_tables,
                keyring=self.keyring,
                model=self.model,
                stream_id=stream_id,
                child_stream_id=child_stream_id,
                fold_in=self.projections.fold_in,
            )
            # A store written before the write model lived in the store: build it from the log.
            if self.state_tables.positions().get(MODEL, 0) < (self.recorder.max_notification_id() or 0):
                self.recording.catch_up_model(self._decode_row)
            self.checkpoint_store = Checkpoints(self.checkpoints, self._signature, load=self._open_checkpoint)
            #: busy stores met (and retried) by this connection
            self.conflicts = 0
            #: one thread at a time reads or records through this connection (docs/embedding)
            self._lock = threading.RLock()
            self._view_now: View | None = None
            #: the log position up to which forgettings were looked for
            self._forgettings_seen = 0
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

    @property
    def event_mapper(self) -> EventMapper:
        return self._store.event_mapper

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
        with self._lock, gc_paused():
            return self._record_many(events, on_invalid)

    def _record_many(
        self, events: Iterable[Event | dict[str, Any]], on_invalid: OnInvalid | None
    ) -> list[int | None]:
        positions: list[int | None] = []
        for chunk in _chunks(events, BATCH_SIZE):
            offset = len(positions)
            result = self._record_batch_with_retries(chunk, offset, stop_at_first=on_invalid is None)
            positions.extend(result.positions)
            self._after_batch(result)
            for index, error in result.refused:
                if on_invalid is None:
                    self._maybe_checkpoint()
                    raise error
                on_invalid(index, error)
        self._maybe_checkpoint()
        return positions

    def _record_batch_with_retries(self, chunk: list[Any], offset: int, *, stop_at_first: bool) -> BatchResult:
        """One batch. The write lock is waited for up to the store's lock timeout (a store held
        longer is a ``StorageError``); a stream version taken by a writer that does not take
        the lock is retried with back-off (decision 0600)."""
        for attempt in range(MAX_CONFLICT_RETRIES):
            try:
                return self.recording.record_batch(chunk, offset, stop_at_first=stop_at_first)
            except IntegrityError:  # a writer not taking the lock (another library) got in first
                self.conflicts += 1
                _backoff(attempt)
        first = chunk[0]
        name = type(first).__name__ if isinstance(first, Event) else str(first.get("type", "event"))[:60]
        raise ConflictingEvent(
            name,
            None,
            "concurrency",
            f"other writers kept the store busy: gave up after {MAX_CONFLICT_RETRIES} attempts; "
            "nothing of this batch was stored, record it again",
            index=offset,
        )

    def _after_batch(self, result: BatchResult) -> None:
        """Fold what the batch stored into the projections (our own events, not read back)."""
        if not result.stored:
            return
        first = result.stored[0][0]
        contiguous = [p for p, _e, _r in result.stored] == list(range(first, first + len(result.stored)))
        if contiguous and self.ledger.position == first - 1:
            for position, _subject, recorded in result.stored:
                self._fold_recorded(recorded, position, 0, own=True)
            self._since_checkpoint += len(result.stored)
        else:
            self.catch_up_ledger()
        self._catch_up_state()  # only projections left behind (being rebuilt) have anything to do

    def _decode_row(self, row: Any) -> tuple[Recorded, bytes]:
        """A log row (position, stream, version, topic, state) read in full."""
        _position, stream, version, topic, state = row
        originator = stream if isinstance(stream, UUID) else UUID(hex=str(stream).replace("-", ""))
        return self.event_mapper.decode(StoredEvent(originator, version, topic, bytes(state)))

    # --- catching up and checkpoints ------------------------------------------------------

    @guarded("catching up with the store")
    def catch_up(self) -> int:
        """Bring every projection to the end of the log (what other processes recorded too);
        returns how many events the in-memory ledger folded."""
        self._catch_up_forgettings()
        folded = self.catch_up_ledger()
        self._catch_up_state()
        return folded

    def _catch_up_forgettings(self) -> None:
        """Children forgotten (by any process) since this connection last looked: drop what
        it holds of their keys and references, and finish a forgetting whose process died
        before destroying the key."""
        end = self.recorder.max_notification_id() or 0
        if end <= self._forgettings_seen:
            return
        for _position, state in self.state_tables.log_topic(self.recorder, self._forgettings_seen, FORGOTTEN_TOPIC):
            token = orjson.loads(self.event_mapper.unseal(state))["m"]["token"]
            key_id = key_id_of(token)
            if key_id is None:
                continue
            if self.keyring.child_key(key_id) is not None:
                self._destroy_keys(key_id)
                self._after_forgetting()
            self.keyring.forget_cached(key_id)
            self.revealer.forget(key_id)
        self._forgettings_seen = end

    def catch_up_ledger(self) -> int:
        """Fold every stored event after the in-memory ledger's position into it.

        A long first catch-up (a big store, a rebuild after an upgrade) checkpoints as it goes,
        so it resumes where it stopped if the process dies.
        """
        with gc_paused():
            unfinished: list[str] = []
            folded = self._fold_log({}, unfinished, verify=False, checkpoints=self._seal_key)
            for key_id in unfinished:
                # A forgetting was stored but its key survived (the forgetting process died):
                # finish it, so that no process can read the child's events again.
                self._destroy_keys(key_id)
                self._after_forgetting()
            return folded

    def _catch_up_state(self, own: list[Folded] | None = None, progress: OnProgress | None = None) -> int:
        """Bring the stored projections to the end of the log (decision 0900)."""
        end = self.recorder.max_notification_id() or 0
        return self.projections.catch_up(self._read_for_projections, end, own or (), progress)

    def _replay_projections(self, names: list[str], progress: OnProgress | None) -> ReplayReport:
        known = self.projections.names()
        unknown = [n for n in names if n not in known]
        if unknown or not names:
            raise InvalidEvent(
                "replay", "projections", "known projection", f"name projections among {', '.join(known)}; got {unknown or names}"
            )
        self.projections.rebuild(names)
        folded = self._catch_up_state(progress=progress)
        position = self.projections.position()
        return ReplayReport(generation=0, resumed_from=0, folded=folded, position=position)

    def _seal_for_child(self, key_id: str, data: bytes) -> bytes:
        key = self.keyring.child_key(key_id)
        if key is None:  # forgotten meanwhile: nothing to keep
            return b""
        return aes_encrypt(key, data)

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
        event, _canonical, _at = mapper.decode_state(topic, raw, validate=verify, position=position, sealed=False)
        self.ledger.fold(event, stream, version, position)
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
        if lost is not None:
            # The child's key is gone but its forgetting is still ahead in the log: forget
            # the child now, so this anonymous event lands where a replay puts it.
            self.ledger.forget_early(token_for(lost))
        known = sealing is not None and sealing.child_ref != sealing.token
        self.ledger.fold(
            event,
            recorded.originator_id,
            recorded.originator_version,
            position,
            child=(sealing.child_ref, sealing.token, sealing.aliases) if known and sealing else None,
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
        projections: Iterable[str] | None = None,
    ) -> ReplayReport:
        """Rebuild the state — write model, identity index and every projection — from the log.

        ``projections`` names the projections to rebuild alone (``kentqa replay --projection``):
        their documents, rows and position are reset and folded again from the log; nothing
        else is touched (decision 0900).

        Resumable: the rebuild is a new checkpoint generation that checkpoints as it goes
        (every REPLAY_CHECKPOINT_SECONDS of work, or every ``checkpoint_every`` events when
        given); if the process dies, the next ``replay`` continues from that generation's newest
        checkpoint. ``restart`` starts a new generation even so. ``verify`` reads every event
        with its full validation (slower; decision 0801). ``progress(position, last)`` is
        called after each page of the log. When it returns, this connection uses the rebuilt
        ledger, and so do later ones (decision 0802).
        """
        self._check_open()
        if projections is not None:
            return self._replay_projections(list(projections), progress)
        stored = self.projections.names()
        resuming = (self.state_tables.rebuilding() & set(stored)) if not restart else set()
        if not resuming:
            self.recording.catch_up_model(self._decode_row, restart=True)
            self.projections.rebuild(stored)
        self._catch_up_state(progress=progress)
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

    @contextlib.contextmanager
    def _viewing(self) -> Iterator[View]:
        """The state as it is now, caught up with every process's events, read from one
        snapshot of the store for the block (SPEC 9.4): every answer at one position."""
        with self._lock:
            if self._view_now is not None:  # a query asked inside another's view
                yield self._view_now
                return
            with contextlib.ExitStack() as stack:
                view = self._consistent_view(stack)
                self._view_now = view
                try:
                    yield view
                finally:
                    self._view_now = None

    def _consistent_view(self, stack: contextlib.ExitStack) -> View:
        """Catch up, then open a snapshot in which the log, the write model and every
        projection stand at one position (a batch writes them together; a projection being
        rebuilt, or events another process stored between our catching up and the snapshot,
        make us catch up again)."""
        for _attempt in range(VIEW_ATTEMPTS):
            ledger = self._fresh()
            inner = contextlib.ExitStack()
            inner.enter_context(self.state_tables.snapshot())
            stored = self.state_tables.positions()
            positions = {name: stored.get(name, 0) for name in self.projections.names()}
            everything = {*positions.values(), stored.get(MODEL, 0), ledger.position}
            if len(everything) == 1 or _attempt == VIEW_ATTEMPTS - 1:
                stack.enter_context(inner)
                break
            inner.close()
        for name, projection in self.projections.by_name.items():
            projection.session.sync(positions[name])
        self.model.sync(stored.get(MODEL, 0))
        return View(
            ledger,
            self.projections,
            self.policy,
            min(ledger.position, *positions.values()),
            revealer=self.revealer,
            book=self.recording.book,
        )

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
        self.catch_up()
        key_id = self.keyring.child_key_id(child_ref, create=False)
        if key_id is None:
            raise UnknownReference(
                "forget_child", "child_ref", "reference", f"no readable event of child {child_ref!r}: never recorded or already forgotten"
            )
        token = token_for(key_id)
        for attempt in range(MAX_CONFLICT_RETRIES):
            try:
                self.recording.record_forgetting(token, on, ERASURE_STREAM)
            except IntegrityError:
                _backoff(attempt)
                continue
            break
        else:
            raise ConflictingEvent("forget_child", None, "concurrency", "other writers kept the store busy; try again")
        self.revealer.forget(key_id)
        reveal = self.projections["reveal"].session
        reveal.clear()
        self._destroy_keys(key_id)
        self.catch_up()
        self._forget_notifications(child_ref)
        problem = self._after_forgetting()
        return Erasure(token=token, forgotten_on=on, scrubbed=problem is None, problem=problem)

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

    @property
    def position(self) -> int:
        """The log position every answer reflects (every projection has folded up to it)."""
        return min(self.ledger.position, self.projections.position())


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
                self._store.close()

    def __del__(self) -> None:
        """A connection dropped without ``close()`` releases its pool quietly (no checkpoint:
        the interpreter may be shutting down); the next connection catches up from the log."""
        if not getattr(self, "_closed", True):
            self._closed = True
            try:
                self._store.close()
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



@attrs.frozen
class Erasure:
    """What ``forget_child`` did: the child's anonymous token, and whether the files were scrubbed."""

    token: str
    forgotten_on: dt.date
    scrubbed: bool
    problem: str | None = None


_FORGET: Any = type("forget_child", (), {})()  # names the operation in field errors
_CHILD_REF: Any = type("Attribute", (), {"name": "child_ref"})()








def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
