"""Opening the store, catching up with it and closing it: what every part of the façade stands
on (:class:`~kentqa_domain.application.QualityAssurance` *is* a ``Connection``).

A connection *has* an event store (:mod:`kentqa_domain.storage.store`, eventsourcing's
``Application`` on the storage a plugin gives) and keeps nothing of the state itself: the
write model, the identity index and every projection live in the store as documents and
rows (decision 0900). Every storage failure is a ``StorageError`` (``storage/faults.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..corrections.recording import Corrector
from ..errors import StorageError, StoreBusy
from ..policy import Policy
from ..privacy.erasure import catch_up_forgettings
from ..privacy.keyring import Keyring, aes_encrypt
from ..privacy.reveal import Revealer
from ..readmodel.docs import DocSession
from ..readmodel.view import View
from ..recording.batch import Recording
from ..recording.future_dates import latest_date
from ..recording.results import MODEL
from ..serialization.mapper import EventMapper
from ..state import codec
from ..state.head import LogHead
from ..state.log import LogReader
from ..state.projections import STORED_PROJECTIONS
from ..state.runner import Projections
from ..state.sql import StateTables
from ..storage import Storage
from ..storage.faults import contention, guarded, storage_errors
from ..storage.store import CORRECTION_STREAM, ERASURE_STREAM, EventStore, child_stream_id, stream_ids

if TYPE_CHECKING:
    import pluggy

#: Write-model documents a connection keeps in memory (least recently used go first); each
#: projection keeps up to ``PROJECTION_CACHE``. About 3.5 kB a document decoded: these bound a
#: process's state to roughly 100 MB whatever the history (docs/performance.md).
MODEL_CACHE = 5_000
PROJECTION_CACHE = 2_000
#: Opening attempts when processes create the schema at the same moment (PostgreSQL).
OPEN_RETRIES = 5

#: The key-table row saying an encrypted store's identity index is keyed (decision 0913).
KEYED_IDENTITIES = "identities-keyed"
#: ``replay(progress=...)`` is told (position folded, last position in the log).
OnProgress = Callable[[int, int], None]


class Connection:
    """One connection to a store: opened (retried while other processes create its tables),
    caught up with the log, scrubbed and closed."""

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
            # ``datastore``; the SQLite and PostgreSQL factories have one (decision 1010).
            self.state_tables: StateTables = self.backend.state_tables(
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
