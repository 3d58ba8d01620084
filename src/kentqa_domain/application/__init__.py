"""The façade: connect, record, ask, forget, replay (SPEC sections 2 and 9.4).

``QualityAssurance`` *has* an event store (:mod:`kentqa_domain.storage.store`, eventsourcing's
``Application`` on the storage a plugin gives) and keeps nothing of the state itself: the
write model, the identity index and every projection live in the store as documents and
rows (decision 0900). Recording is :mod:`kentqa_domain.recording.batch` (one write transaction per
batch, projections folded in it); queries are :mod:`kentqa_domain.queries` over a snapshot at
one position; erasure is :mod:`kentqa_domain.privacy.erasure`. Every storage failure is a
``StorageError`` (``storage/faults.py``).

The façade is written in parts, one module each: opening, catching up and closing
(``opening.py``), the view the queries read (``viewing.py``), recording (``recording.py``),
corrections (``correcting.py``), replay and verify (``replaying.py``); export, history and
erasure are delegated here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from ..corrections.export import export_log
from ..corrections.history import read_history
from ..plain import Rows
from ..privacy.erasure import Erasure, catch_up_forgettings, forget_child
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from ..storage.faults import guarded
from ..storage.store import child_stream_id, stream_id
from .opening import OnProgress
from .recording import RecordingEvents
from .replaying import Replaying, ReplayReport

if TYPE_CHECKING:
    from ..corrections.export import ExportSummary
    from ..corrections.history import HistoryRow

__all__ = ["Erasure", "QualityAssurance", "ReplayReport", "child_stream_id", "stream_id"]


class QualityAssurance(RecordingEvents, Replaying):
    """Record QA events and answer questions about them (SPEC section 2)."""

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

    def __enter__(self) -> QualityAssurance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
