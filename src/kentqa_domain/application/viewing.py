"""The state as it is now, from one snapshot of the store (SPEC 9.4): the view every query of
:class:`~kentqa_domain.queries.Queries` reads through the façade."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..errors import StoreBusy
from ..queries import Queries
from ..readmodel.view import View
from ..recording.results import MODEL
from ..storage.faults import contention
from .opening import Connection

#: Attempts to find the store at one position for a view (see ``_consistent_view``).
VIEW_ATTEMPTS = 50


class Viewing(Connection, Queries):
    """The queries, each read from a view of the store at one position."""

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


class _NotAtOnePosition(Exception):
    """A view found a projection or the write model at another position (retried)."""
