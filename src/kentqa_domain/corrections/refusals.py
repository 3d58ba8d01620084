"""What a correction's refusals say (SPEC 9.1, R-COR-1..4): the checks that need no store, a
refusal naming what breaks, and a nested event's refusal as the correction's."""

from __future__ import annotations

import datetime as dt

from .. import events as ev
from ..errors import InvalidEvent, RuleViolation
from ..recording.base import _check_not_a_token
from ..recording.future_dates import RULE as FUTURE_RULE
from ..recording.future_dates import check_not_after
from .events import Correction, RecordCorrected, subject_ids

#: How many dependents a refusal names (R-COR-3).
NAMED = 10


def described(event: ev.Event) -> str:
    """``ReviewHeld review_id='R1'``: an event by its type and the ids of its subject."""
    ids = ", ".join(f"{k}={v!r}" for k, v in subject_ids(event).items())
    return f"{type(event).__name__} {ids}".strip()


def precheck(fix: Correction, not_after: dt.date | None) -> InvalidEvent | None:
    """What needs no store (R-INP-1, reserved references): the refusal, or None."""
    replacement = fix.replacement if isinstance(fix, RecordCorrected) else None
    try:
        _check_not_a_token(fix.original)
        if replacement is not None:
            _check_not_a_token(replacement)
        if not_after is not None:
            if fix.business_date > not_after:
                raise InvalidEvent(  # noqa: TRY301
                    fix.type,
                    fix.date_field,
                    FUTURE_RULE,
                    f"{fix.business_date.isoformat()} is after today ({not_after.isoformat()})",
                )
            if replacement is not None:
                try:
                    check_not_after(replacement, not_after)
                except InvalidEvent as exc:
                    raise as_field(exc, fix, "replacement") from None
    except InvalidEvent as exc:
        return exc
    return None


def filled(results: list[tuple[int, bool] | InvalidEvent | None]) -> list[tuple[int, bool] | InvalidEvent]:
    """Every correction's result (each was stored, found recorded before, or refused)."""
    filled = [r for r in results if r is not None]
    assert len(filled) == len(results)
    return filled


def refusal(
    fix: Correction, check_from: int, broken: list[tuple[int, ev.Event, InvalidEvent]]
) -> InvalidEvent:
    """The refusal of a correction that would break the rules (R-COR-2) or of a withdrawal
    that events recorded later depend on (R-COR-3)."""
    first_at, _first, first_error = broken[0]
    if isinstance(fix, RecordCorrected) and first_at == check_from:
        return as_field(first_error, fix, "replacement")
    listed = "; ".join(
        f"{described(e)} (position {at}): {err.message} [rule {err.rule}]" for at, e, err in broken
    )
    if isinstance(fix, RecordCorrected):
        return RuleViolation(
            fix.type,
            "replacement",
            "R-COR-2",
            f"events recorded later would break their rules with this replacement: {listed}",
        )
    return RuleViolation(
        fix.type,
        "original",
        "R-COR-3",
        f"events recorded later depend on it (withdraw or correct those first): {listed}",
    )


def as_field(exc: InvalidEvent, fix: Correction, field: str) -> InvalidEvent:
    """A nested event's refusal as the correction's: ``RecordCorrected.replacement: ...``."""
    inner = f"{exc.event_type}.{exc.field}" if exc.field else exc.event_type
    return type(exc)(fix.type, field, exc.rule, f"{inner}: {exc.message}")
