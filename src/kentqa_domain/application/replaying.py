"""Replaying the log into the state and verifying the store (decisions 0801, 0914, 0915;
``kentqa replay`` and ``kentqa verify``)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from eventsourcing.persistence import MapperDeserialisationError

from ..errors import IntegrityCheckFailed, InvalidInput, StorageError
from ..privacy.erasure import catch_up_forgettings
from ..state.gc_pause import gc_paused
from ..state.log import LogCheck
from ..storage.faults import guarded
from .opening import Connection, OnProgress


class Replaying(Connection):
    """Rebuild the state from the log; check the log for tampering and damage."""

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
