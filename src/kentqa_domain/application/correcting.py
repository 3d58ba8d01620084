"""Corrections and withdrawals through the façade (SPEC 9.1, decision 0995): one at a time, or
a run of them met among a batch's events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ..corrections.events import Correction, RecordCorrected, RecordWithdrawn, parse_correction
from ..errors import InvalidEvent
from ..events import Event
from ..privacy.erasure import catch_up_forgettings
from ..readmodel.arguments import DateArgument
from ..state.gc_pause import gc_paused
from ..storage.faults import guarded
from .opening import Connection


class Correcting(Connection):
    """Correct or withdraw a record (R-COR-1..4)."""

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


@attrs.frozen
class _Fixes:
    """Corrections and withdrawals met one after another among a batch's events: recorded
    together (one fold of the state for them all, decision 0995)."""

    items: list[Any]
