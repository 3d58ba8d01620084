"""Recording events through the façade (SPEC section 2, 9.5): one, or a batch stored in
batches of ``BATCH_SIZE`` (corrections among them recorded together), retried while other
writers take the same stream versions (decision 0600)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from eventsourcing.persistence import IntegrityError

from ..corrections.events import RecordCorrected, RecordWithdrawn, is_correction, parse_correction
from ..errors import InvalidEvent, StoreBusy
from ..events import Event, parse
from ..plain import RecordedBatch
from ..privacy.erasure import catch_up_forgettings
from ..recording.order import recording_order
from ..recording.results import BatchResult
from ..state.gc_pause import gc_paused
from ..storage.faults import contention, guarded
from .correcting import Correcting, _Fixes
from .viewing import Viewing

BATCH_SIZE = 500
#: Attempts at a batch whose stream version a writer outside the lock took first.
MAX_CONFLICT_RETRIES = 40

OnInvalid = Callable[[int, InvalidEvent], None]


class RecordingEvents(Correcting, Viewing):
    """Record events, alone or in batches, in the order given or in recording order."""

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
