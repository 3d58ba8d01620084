"""The façade: connect, record, ask, forget, replay (SPEC sections 2 and 9.4).

``QualityAssurance`` *has* an event store (:mod:`kentqa_domain.storage.store`, eventsourcing's
``Application`` on the storage a plugin gives) and keeps nothing of the state itself: the
write model, the identity index and every projection live in the store as documents and
rows (decision 0900). Recording is :mod:`kentqa_domain.recording.batch` (one write transaction per
batch, projections folded in it); queries are :mod:`kentqa_domain.queries` over a snapshot at
one position; erasure is :mod:`kentqa_domain.privacy.erasure`. Every storage failure is a
``StorageError`` (``storage/faults.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

import attrs
from eventsourcing.persistence import IntegrityError, MapperDeserialisationError

from .corrections.events import Correction, RecordCorrected, RecordWithdrawn, is_correction, parse_correction
from .corrections.export import export_log
from .corrections.history import read_history
from .corrections.recording import Corrector
from .errors import IntegrityCheckFailed, InvalidEvent, InvalidInput, StorageError, StoreBusy
from .events import Event, parse
from .plain import RecordedBatch, Rows
from .policy import Policy
from .privacy.erasure import Erasure, catch_up_forgettings, forget_child
from .privacy.keyring import Keyring, aes_encrypt
from .privacy.reveal import Revealer
from .queries import Queries
from .readmodel import arguments
from .readmodel.arguments import DateArgument
from .readmodel.docs import DocSession
from .readmodel.view import View
from .recording.batch import Recording
from .recording.future_dates import latest_date
from .recording.order import recording_order
from .recording.results import MODEL, BatchResult
from .serialization.mapper import EventMapper
from .state import codec
from .state.backends import tables_for
from .state.gc_pause import gc_paused
from .state.head import LogHead
from .state.log import LogCheck, LogReader
from .state.projections import STORED_PROJECTIONS
from .state.runner import Projections
from .state.sql import StateTables
from .storage import Storage
from .storage.faults import contention, guarded, storage_errors
from .storage.store import (
    CORRECTION_STREAM,
    ERASURE_STREAM,
    EventStore,
    child_stream_id,
    stream_id,
    stream_ids,
)

if TYPE_CHECKING:
    import pluggy

    from .corrections.export import ExportSummary
    from .corrections.history import HistoryRow

BATCH_SIZE = 500
#: Write-model documents a connection keeps in memory (least recently used go first); each
#: projection keeps up to ``PROJECTION_CACHE``. About 3.5 kB a document decoded: these bound a
#: process's state to roughly 100 MB whatever the history (docs/performance.md).
MODEL_CACHE = 5_000
PROJECTION_CACHE = 2_000
#: Attempts to find the store at one position for a view (see ``_consistent_view``).
VIEW_ATTEMPTS = 50
#: Attempts at a batch whose stream version a writer outside the lock took first.
MAX_CONFLICT_RETRIES = 40
#: Opening attempts when processes create the schema at the same moment (PostgreSQL).
OPEN_RETRIES = 5

OnInvalid = Callable[[int, InvalidEvent], None]
#: The key-table row saying an encrypted store's identity index is keyed (decision 0913).
KEYED_IDENTITIES = "identities-keyed"
#: ``replay(progress=...)`` is told (position folded, last position in the log).
OnProgress = Callable[[int, int], None]

__all__ = ["Erasure", "QualityAssurance", "ReplayReport", "child_stream_id", "stream_id"]


class QualityAssurance(Queries):
    """Record QA events and answer questions about them (SPEC section 2)."""

    #: the stream of ``ChildForgotten`` facts
    erasure_stream = ERASURE_STREAM
    #: the clock at the edge: the latest business date recorded without ``allow_future``
    #: (R-INP-1). A staticmethod so that a caller may set ``qa.today = lambda: day``.
    today: Callable[[], dt.date] = staticmethod(latest_date)

    def __init__(self, storage: Storage, policy: Policy | None = None) -> None:
        self.storage = storage
        self.policy = policy or Policy()
        self._closed = True
        #: The plugin manager ``kq.connect`` built (report renderers are looked up in it).
        self.plugin_manager: pluggy.PluginManager | None = None
        #: Whether ``kq.connect`` created the store's file for this connection (issue 17, finding 6).
        self.created = False
        try:
            for attempt in contention(_racing_schema_creation, OPEN_RETRIES, first_wait=3):
                with attempt:
                    self._open_or_release(storage)
        except Exception as exc:
            if not _racing_schema_creation(exc):
                raise
            raise StoreBusy(
                f"opening {storage.display}: other processes kept creating the store's tables at the "
                f"same moment: gave up after {OPEN_RETRIES} attempts; connect again: {exc}"
            ) from exc

    def _open_or_release(self, storage: Storage) -> None:
        try:
            self._open(storage)
        except BaseException:
            store = getattr(self, "_store", None)
            if store is not None:  # release the pool now, not in a garbage collector's thread
                with contextlib.suppress(Exception):
                    store.factory.close()
            raise

    def _open(self, storage: Storage) -> None:
        #: what the storage plugin does beyond eventsourcing: admin, page reader, faults
        self.backend = storage.backend
        with storage_errors(f"opening {storage.display}", self.backend):
            self._store = EventStore(env=dict(storage.settings))
            #: eventsourcing's recorder of the events (read only outside the recording path)
            self.recorder = self._store.recorder
            self.admin = self.backend.admin(self.recorder)
            self.keyring = Keyring(self.admin, self._store.mapper.cipher)
            self.keyring.secret()  # made now: a batch's write transaction cannot write the key table
            self.event_mapper.keyring = self.keyring
            #: the log read back (rebuilds, projections left behind, an upgrade)
            self.log = LogReader(
                self.recorder, self.event_mapper, read_page=self.backend.page_reader(self.recorder)
            )
            #: the state in the store: documents, identities, projections' rows (decision 0900)
            # eventsourcing types ``factory`` as its base InfrastructureFactory, which has no
            # ``datastore``; the SQLite and PostgreSQL factories (all tables_for takes) have one.
            self.state_tables: StateTables = tables_for(
                self._store.factory.datastore,  # type: ignore[attr-defined]
                self._store.mapper.cipher,
            )
            self.state_tables.create()
            self.log.tables = self.state_tables  # the log as it reads after corrections
            self.projections = Projections(
                self.state_tables, STORED_PROJECTIONS, policy=self.policy, capacity=PROJECTION_CACHE
            )
            self.projections["reveal"].seal = self._seal_for_child
            self.revealer = Revealer(self.projections["reveal"], self.keyring)
            #: the write model's documents, read per batch through a bounded cache
            self.model = DocSession(self.state_tables, MODEL, codec, capacity=MODEL_CACHE)
            self.recording = Recording(
                recorder=self.recorder,
                mapper=self.event_mapper,
                tables=self.state_tables,
                keyring=self.keyring,
                model=self.model,
                # decision 0913: keyed stream ids in an encrypted store (uuid5 of "worker:W1"
                # could be recomputed from a guessed id, and the stream's topics read)
                stream_id=stream_ids(self.keyring.secret() if self.encrypted else None),
                child_stream_id=child_stream_id,
                fold_in=self.projections.fold_in,
            )
            self.recording.corrected = self.log.corrected
            #: corrections and withdrawals (SPEC 9.1, decision 0995)
            self.corrector = Corrector(self.recording, self.projections, self.log, CORRECTION_STREAM)
            if self.encrypted:
                self._key_the_identity_index()
            #: a store too busy for a write that does not take the lock: retried (decision 0600)
            self.conflicts = 0
            #: one thread at a time reads or records through this connection (docs/embedding)
            self._lock = threading.RLock()
            self._view_now: View | None = None
            #: the log position up to which forgettings were looked for (erasure.catch_up_forgettings)
            self.forgettings_seen = 0
            self._closed = False
            # A store written before the write model lived in the store: build it from the log,
            # and drop the first release's checkpoints (pickles; children's references under a
            # key forgetting did not destroy), then scrub their bytes away.
            if self.state_tables.positions().get(MODEL, 0) < (self.recorder.max_notification_id() or 0):
                self.recording.catch_up_model(self.log.decode)
            self.catch_up()
            if self.admin.drop_legacy_checkpoints():
                with contextlib.suppress(StorageError):
                    self.admin.scrub()

    @property
    def event_mapper(self) -> EventMapper:
        return self._store.event_mapper

    def _key_the_identity_index(self) -> None:
        """Decision 0913: an encrypted store's identity index is keyed with its secret. A store
        written before has an unkeyed one: rebuild it (and the write model) from the log once,
        under the write lock, then mark the store (a key-table row) so it is never done again."""
        self.recording.identity_secret = self.keyring.secret()
        self.recording.head = LogHead(self.state_tables, self.keyring.secret())  # decision 0915
        if self.admin.get_key(KEYED_IDENTITIES) is not None:
            return
        if (self.recorder.max_notification_id() or 0) > 0:
            self.recording.catch_up_model(self.log.decode, restart=True)
        self.admin.change_keys(insert={KEYED_IDENTITIES: self.keyring.wrap(b"keyed-v1")})

    @property
    def encrypted(self) -> bool:
        """Whether the store is encrypted at rest (``KENTQA_CIPHER_KEY``, decision 0604)."""
        return self._store.mapper.cipher is not None

    # --- recording -----------------------------------------------------------------------

    def record(self, event: Event, *, allow_future: bool = False) -> int:
        """Validate, then store one event; returns its position (SPEC section 2).

        Re-recording an identical event is a no-op returning the first position. A business
        date after today is refused unless ``allow_future`` (R-INP-1, :meth:`record_many`).
        """
        (position,) = self.record_many([event], allow_future=allow_future)
        assert position is not None
        return position

    def record_json(self, obj: object, *, allow_future: bool = False) -> int:
        """The same from a JSON object (already decoded): ``{"type": ..., fields...}``."""
        return self.record(parse(obj), allow_future=allow_future)

    def correct(
        self,
        original: Event | dict[str, Any],
        replacement: Event | dict[str, Any],
        *,
        on: DateArgument,
        by: str,
        reason: str,
        allow_future: bool = False,
    ) -> int:
        """Correct a record (SPEC 9.1): ``original`` (an event recorded earlier and standing:
        R-COR-1) should have been ``replacement`` (same type, same subject, checked against
        every rule as if the original had never been recorded: R-COR-2). Every answer is then
        what a store that recorded the corrected history from the start would give (R-COR-4);
        ``history`` keeps both. Returns the correction's position; an identical correction
        sent again is a no-op returning the first's. Refused: ``UnknownReference`` (an
        original not recorded, already corrected or withdrawn, or a forgotten child's),
        ``RuleViolation`` (another type or subject, or events recorded later would break);
        nothing is stored."""
        return self.record_correction(
            RecordCorrected(original, replacement, on, by, reason), allow_future=allow_future
        )

    def withdraw(
        self,
        original: Event | dict[str, Any],
        *,
        on: DateArgument,
        by: str,
        reason: str,
        allow_future: bool = False,
    ) -> int:
        """Withdraw a record that should never have been recorded (SPEC 9.1): answers are then
        as if it never had been (R-COR-4). Refused with ``RuleViolation`` naming the events
        recorded later that depend on it (R-COR-3: withdraw or correct those first), or
        ``UnknownReference`` as for :meth:`correct`. Returns the withdrawal's position."""
        return self.record_correction(RecordWithdrawn(original, on, by, reason), allow_future=allow_future)

    @guarded("recording a correction")
    def record_correction(self, fix: Correction | dict[str, Any], *, allow_future: bool = False) -> int:
        """Record a ``RecordCorrected`` or ``RecordWithdrawn`` (an object or its JSON form, as
        ``kentqa correct``/``withdraw``/``record`` read it); returns its position."""
        if isinstance(fix, dict):
            fix = parse_correction(fix)
        not_after = None if allow_future else self.today()
        self._check_open()
        with self._lock, gc_paused():
            catch_up_forgettings(self)
            self._catch_up_state()
            return self.corrector.record_fix(fix, not_after=not_after)[0]

    def _record_fixes(
        self, fixes: _Fixes, not_after: dt.date | None
    ) -> list[tuple[int, bool] | InvalidEvent]:
        """A run of corrections among ``record_many``'s events: parsed, then recorded together."""
        parsed: list[Any] = []
        for item in fixes.items:
            try:
                parsed.append(
                    item if isinstance(item, RecordCorrected | RecordWithdrawn) else parse_correction(item)
                )
            except InvalidEvent as exc:
                parsed.append(exc)
        good = [f for f in parsed if not isinstance(f, InvalidEvent)]
        done = iter(self.corrector.record_fixes(good, not_after=not_after) if good else [])
        return [f if isinstance(f, InvalidEvent) else next(done) for f in parsed]

    @guarded("recording")
    def record_many(
        self,
        events: Iterable[Event | dict[str, Any]],
        *,
        on_invalid: OnInvalid | None = None,
        allow_future: bool = False,
        order: bool = False,
    ) -> RecordedBatch:
        """Record a batch; each event all-or-nothing, stored in batches.

        Without ``on_invalid`` the first refused event raises (its ``index`` set) after the
        events before it are stored. With ``on_invalid(index, error)`` refused events are
        reported and skipped, and their place in the returned list is None.
        Dicts are parsed as JSON objects.

        Returns a :class:`~kentqa_domain.plain.RecordedBatch`: the list of positions, in the
        order given, with counts of ``new``, ``already_recorded`` and ``refused`` events.

        ``order=True`` (SPEC 9.5) records the batch in an order the rules accept, whatever
        order it came in: by business date, and on one day subjects before what follows them
        up (:func:`kentqa_domain.recording_order`). Positions and ``on_invalid``'s indexes still
        refer to the order given. The whole batch is held in memory to sort it: for a file
        of millions of lines sort by business date outside and record in chunks.

        R-INP-1 (issue 17): an event with a business date (any date field but a ``due_on``)
        after today is refused, naming the field, unless ``allow_future=True``. "Today" is
        :attr:`today` (``future_dates.latest_date``: ``$KENTQA_LATEST_DATE``, else the
        system's date), read once per call; the rules themselves read no clock.
        """
        not_after = None if allow_future else self.today()
        self._check_open()
        given: list[int] | None = None
        if order:
            events, given = _in_recording_order(events)
        with self._lock, gc_paused():
            catch_up_forgettings(self)
            positions: list[int | None] = []
            new = refused = last = 0
            for chunk in _chunks(events, BATCH_SIZE):
                offset = len(positions)
                if isinstance(chunk, _Fixes):  # corrections and withdrawals among the events
                    for at, outcome in enumerate(self._record_fixes(chunk, not_after), start=offset):
                        if isinstance(outcome, InvalidEvent):
                            positions.append(None)
                            refused += 1
                            outcome.index = given[at] if given is not None else at
                            if on_invalid is None:
                                raise outcome
                            on_invalid(outcome.index, outcome)
                            continue
                        positions.append(outcome[0])
                        new += outcome[1]
                        last = max(last, outcome[0])
                    continue
                result = self._record_batch(
                    chunk, offset, stop_at_first=on_invalid is None, not_after=not_after
                )
                positions.extend(result.positions)
                new += len(result.stored)
                if result.stored:
                    last = max(last, result.stored[-1][0])
                    self._catch_up_state()  # only projections left behind (being rebuilt) have anything to do
                for at, error in result.refused:
                    refused += 1
                    if given is not None:
                        error.index = given[at]
                    if on_invalid is None:
                        raise error
                    on_invalid(given[at] if given is not None else at, error)
            if given is not None:
                in_order: list[int | None] = [None] * len(positions)
                for at, value in zip(given, positions, strict=True):
                    in_order[at] = value
                positions = in_order
            return RecordedBatch(positions, new=new, refused=refused, position=last or self.position)

    def _record_batch(
        self, chunk: list[Any], offset: int, *, stop_at_first: bool, not_after: dt.date | None = None
    ) -> BatchResult:
        """One batch. The write lock is waited for up to the store's lock timeout (a store held
        longer is ``StoreBusy``); a stream version taken by a writer that does not take the
        lock is retried with back-off (decision 0600), and ``StoreBusy`` when the attempts run
        out (decision 1005)."""
        try:
            for attempt in contention(IntegrityError, MAX_CONFLICT_RETRIES):
                with attempt:
                    try:
                        return self.recording.record_batch(
                            chunk, offset, stop_at_first=stop_at_first, not_after=not_after
                        )
                    except IntegrityError:
                        self.conflicts += 1
                        raise
        except IntegrityError as exc:
            first = chunk[0]
            name = type(first).__name__ if isinstance(first, Event) else str(first.get("type", "event"))[:60]
            raise StoreBusy(
                f"recording {name} (item {offset}): other writers kept taking the same stream versions: "
                f"gave up after {attempt.num} attempts; nothing of this batch was stored, record it again"
            ) from exc
        raise AssertionError("unreachable: stamina returns the batch or raises")  # pragma: no cover

    # --- catching up ---------------------------------------------------------------------

    @guarded("catching up with the store")
    def catch_up(self) -> int:
        """Bring every projection to the end of the log (a projection being rebuilt, or one a
        crash left behind); returns how many events were folded. Batches fold their own events
        into the projections as they store them, so this is usually nothing."""
        self._check_open()
        with self._lock:
            catch_up_forgettings(self)
            return self._catch_up_state()

    def _catch_up_state(self, progress: OnProgress | None = None) -> int:
        return self.projections.catch_up(self.log.for_projections, self.log.end(), (), progress)

    def _seal_for_child(self, key_id: str, data: bytes) -> bytes:
        key = self.keyring.child_key(key_id)
        if key is None:  # forgotten meanwhile: nothing to keep
            return b""
        return aes_encrypt(key, data)

    # --- replay ----------------------------------------------------------------------------

    @guarded("replaying the log")
    def replay(
        self,
        *,
        progress: OnProgress | None = None,
        verify: bool = False,
        restart: bool = False,
        projections: Iterable[str] | None = None,
    ) -> ReplayReport:
        """Rebuild the state — write model, identity index and every projection — from the log.

        ``projections`` names projections to rebuild alone (``kentqa replay --projection``):
        their documents, rows and position are reset and folded again from the log; nothing
        else is touched. A rebuild commits page by page: an interrupted one is finished, from
        where it stopped, by the next connection that catches up (``restart`` starts over).
        ``verify`` also reads every event with its full validation (slower; decision 0801).
        ``progress(position, last)`` is called after each page of the log.
        """
        self._check_open()
        with self._lock, gc_paused():
            names = self.projections.names() if projections is None else list(projections)
            unknown = [n for n in names if n not in self.projections.names()]
            if unknown or not names:
                raise InvalidInput(
                    "replay",
                    "projections",
                    "known projection",
                    f"name projections among {', '.join(self.projections.names())}; got {unknown or names}",
                )
            resuming = set() if restart else self.state_tables.rebuilding() & set(names)
            resumed_from = min((self.projections.positions()[n] for n in resuming), default=0)
            if verify:
                self._verified(progress)
            if not resuming:
                if projections is None:
                    self.recording.catch_up_model(self.log.decode, restart=True)
                self.projections.rebuild(names)
            catch_up_forgettings(self)
            folded = self._catch_up_state(progress)
            return ReplayReport(
                generation=0, resumed_from=resumed_from, folded=folded, position=self.projections.position()
            )

    @guarded("verifying the store")
    def verify(self, progress: OnProgress | None = None) -> VerifyReport:
        """Check the store for tampering and damage (issue 17, finding 7; ``kentqa verify``):
        every stored event is read with its full validation, each payload must open at its own
        row (stream, version and type: decision 0914), and every child whose events are stored
        must have its key unless a ``ChildForgotten`` fact says it was forgotten. Raises
        :class:`~kentqa_domain.errors.IntegrityCheckFailed` naming what is wrong; changes nothing.
        """
        self._check_open()
        with self._lock:
            check = self._verified(progress)
        return VerifyReport(
            events=check.events,
            children=len(check.children),
            forgotten=len(check.forgotten),
            position=self.log.end(),
            head=check.head,
        )

    def _verified(self, progress: OnProgress | None) -> LogCheck:
        head = self.recording.head.read() if self.recording.head is not None else None
        try:
            check = self.log.verify(progress, head=head, secret=self.recording.identity_secret)
        except (StorageError, MapperDeserialisationError) as exc:
            raise IntegrityCheckFailed(f"the log does not read back: {exc}") from None
        if head is not None and check.head != head.digest:
            raise IntegrityCheckFailed(
                f"the log from position {head.start} to {head.position} is not the log that was written "
                "(its head digest differs: rows deleted, inserted or changed; tampering or damage)"
            )
        missing = check.missing_keys()
        if missing:
            shown = ", ".join(f"anon-{k} (first at position {p})" for k, p in sorted(missing.items())[:5])
            raise IntegrityCheckFailed(
                f"{len(missing)} child key(s) missing with no ChildForgotten fact (key rows deleted: "
                f"tampering or damage): {shown}",
            )
        problems = self.keyring.check_table()
        if problems:
            raise IntegrityCheckFailed(
                f"the key table is inconsistent (rows deleted or changed: tampering or damage): {'; '.join(problems[:5])}"
                + (f" and {len(problems) - 5} more" if len(problems) > 5 else "")
            )
        return check

    # --- queries -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _viewing(self) -> Iterator[View]:
        """The state as it is now, read from one snapshot of the store for the block
        (SPEC 9.4): every answer at one position."""
        self._check_open()
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
        """Catch up, then open a snapshot in which the write model and every projection stand
        at one position (a batch writes them together; only a projection being rebuilt, or a
        forgetting's clean-up, can leave one behind: we catch up again)."""
        try:
            for attempt in contention(_NotAtOnePosition, VIEW_ATTEMPTS):
                with attempt:
                    stored, positions = self._snapshot_at_one_position(stack)
        except _NotAtOnePosition:
            raise StoreBusy(
                f"the store's projections did not reach one position after {VIEW_ATTEMPTS} attempts "
                "(is a rebuild running?)"
            ) from None
        for name, projection in self.projections.by_name.items():
            projection.session.sync(positions[name])
        self.model.sync(stored.get(MODEL, 0))
        return View(
            self.projections,
            self.policy,
            min(positions.values(), default=0),
            revealer=self.revealer,
            book=self.recording.book,
        )

    def _snapshot_at_one_position(self, stack: contextlib.ExitStack) -> tuple[dict[str, int], dict[str, int]]:
        """Catch up and open a snapshot onto ``stack``: the stored positions and the projections'
        (``_NotAtOnePosition``, no snapshot left open, if they differ)."""
        self.catch_up()
        inner = contextlib.ExitStack()
        inner.enter_context(self.state_tables.snapshot())
        stored = self.state_tables.positions()
        positions = {name: stored.get(name, 0) for name in self.projections.names()}
        at = set(positions.values())
        if len(at) > 1 or stored.get(MODEL, 0) > min(at, default=0):
            inner.close()
            raise _NotAtOnePosition
        stack.enter_context(inner)
        return stored, positions

    @property
    def position(self) -> int:
        """The log position every answer reflects (every projection has folded up to it)."""
        return self.projections.position()

    # --- export and history (SPEC 9.1) ------------------------------------------------------

    @guarded("exporting the log")
    def export(
        self,
        file_or_stream: str | os.PathLike[str] | IO[bytes] | IO[str],
        *,
        since: int | None = None,
        types: Iterable[str] | None = None,
        progress: OnProgress | None = None,
    ) -> ExportSummary:
        """Write the log as JSON lines that ``kentqa record`` reads back into an empty store
        with identical answers and equal :meth:`stats` (SPEC 9.1; decision 0980).

        ``file_or_stream`` is a path (written) or an open file, binary or text. ``since``: only
        what was recorded after that log position (the ``position`` of an earlier export's
        summary continues it). ``types``: only these event types (``"ChildForgotten"`` for
        forgettings). The log is read a page at a time up to its end when the export starts;
        ``progress(position, last)`` is told after each page. An encrypted store's events are
        written in clear: the export is how a key is rotated (docs/security.md). A forgotten
        child's events are written as they read, anonymous, under a stand-in reference, with a
        ``ChildForgotten`` line that ``kentqa record`` turns into a forgetting.
        """
        self._check_open()
        with self._lock:
            catch_up_forgettings(self)
            return export_log(self, file_or_stream, since=since, types=types, progress=progress)

    @arguments.checked
    def history(
        self, subject: str, *, as_worker: str | None = None, as_of: DateArgument | None = None
    ) -> Rows[HistoryRow]:
        """Every event about ``subject`` (``worker:W1``, ``child:C1``, ``escalation:E1``,
        ``complaint:K1``, ``team:T1``, ``audit:A1``, ``observation:O1`` ...) in recording order,
        with its log position and the time it was recorded (SPEC 9.1; decision 0981).

        One stream is read (the subject's), so the cost is that of the subject's events. A
        forgotten child is asked for by its token (``child:anon-...``): its events read
        anonymous, then the ``ChildForgotten`` fact. R-ACC-1: with ``as_worker``, the history
        is empty unless a team or worker its events name is in that worker's scope on
        ``as_of`` (default: today, :attr:`today`). A malformed subject is an ``InvalidInput``
        naming ``subject``; a subject with no events has an empty history.
        """
        day = arguments.date("history", "as_of", as_of) if as_of is not None else self.today()
        with self._viewing() as view:
            return Rows(read_history(self, view, subject, day, as_worker), view.position)

    # --- erasure ---------------------------------------------------------------------------

    @guarded("forgetting a child")
    def forget_child(self, child_ref: str, *, on: dt.date) -> Erasure:
        """Erasure: make every stored payload about ``child_ref`` unreadable (crypto-shredding).

        Stores the fact that a child was forgotten on ``on`` (its anonymous token only),
        drops the child's lookup names and the sealed originals of its pseudonyms, destroys
        the child's own key and scrubs the database files. The state in the store never held
        the child's reference: afterwards the child is counted only under its anonymous token,
        as a replay gives it. Raises ``UnknownReference`` if no event of this child is readable
        any more (never recorded, or already forgotten). See ``docs/security.md``.

        If scrubbing the files fails (e.g. another process holds the SQLite file busy past the
        lock timeout), the erasure still stands (the key is gone); the result says so and
        :meth:`scrub` can be run again later.
        """
        self._check_open()
        with self._lock:
            return forget_child(self, child_ref, on)

    @guarded("scrubbing the store")
    def scrub(self) -> None:
        """Wipe freed space (SQLite: secure_delete, VACUUM, WAL truncated; PostgreSQL: VACUUM
        FULL of the key and document tables and of any table rows were deleted from)."""
        self._check_open()
        self.admin.scrub()

    # --- lifecycle -----------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("this connection is closed")

    def close(self) -> None:
        """Close the store (nothing to save: the state is in the store already)."""
        if self._closed:
            return
        self._closed = True
        with storage_errors("closing the store", self.backend):
            self._store.close()

    def __del__(self) -> None:
        """A connection dropped without ``close()`` releases its pool quietly."""
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


@attrs.frozen
class ReplayReport:
    """What ``replay`` did: where it (re)started, how many events it folded and where it stopped.
    ``generation`` is kept for callers of the first release (always 0)."""

    generation: int
    resumed_from: int
    folded: int
    position: int


@attrs.frozen
class VerifyReport:
    """What ``verify`` read: events, children with their key, children forgotten, the log's end."""

    events: int
    children: int
    forgotten: int
    position: int
    #: the log head digest (hex) of an encrypted store, from ``head_start`` (decision 0915):
    #: keep it outside the store to detect a rollback of the whole file
    head: str | None = None


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


class _NotAtOnePosition(Exception):
    """A view found a projection or the write model at another position (retried)."""


def _in_recording_order(items: Iterable[Event | dict[str, Any]]) -> tuple[list[Any], list[int]]:
    """The batch in recording order (SPEC 9.5) and, for each of its places, the index the
    item was given at. JSON objects are parsed once here; one that is not an event goes
    first, unparsed, to be refused with its reason."""
    given = list(items)
    parsed: list[Any] = []
    for item in given:
        if isinstance(item, Event | RecordCorrected | RecordWithdrawn):
            parsed.append(item)
            continue
        try:
            parsed.append(parse_correction(item) if is_correction(item) else parse(item))
        except InvalidEvent:
            parsed.append(None)
    indexes = recording_order(parsed)
    return [given[i] if parsed[i] is None else parsed[i] for i in indexes], indexes


@attrs.frozen
class _Fixes:
    """Corrections and withdrawals met one after another among a batch's events: recorded
    together (one fold of the state for them all, decision 0995)."""

    items: list[Any]


def _chunks(items: Iterable[Any], size: int) -> Iterator[Any]:
    """Batches of at most ``size`` events; corrections and withdrawals that follow one another
    as a ``_Fixes`` of at most ``size``."""
    chunk: list[Any] = []
    fixes: list[Any] = []
    for item in items:
        if is_correction(item):
            if chunk:
                yield chunk
                chunk = []
            fixes.append(item)
            if len(fixes) >= size:
                yield _Fixes(fixes)
                fixes = []
            continue
        if fixes:
            yield _Fixes(fixes)
            fixes = []
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if fixes:
        yield _Fixes(fixes)
    if chunk:
        yield chunk
