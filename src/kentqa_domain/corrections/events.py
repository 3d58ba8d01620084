"""Correcting the record: ``RecordCorrected`` and ``RecordWithdrawn`` (SPEC 9.1, R-COR-1..4).

In an event log nothing is edited: a correction is a new fact that says what was wrong. Both
facts carry whole events (``original``, ``replacement``); in JSON they are nested objects with
their own ``"type"``::

    {"type": "RecordCorrected", "corrected_on": "2026-04-02", "by": "QA-1",
     "reason": "typed as 13 March; held on 28 March",
     "original": {"type": "ReviewHeld", "review_id": "R1", ..., "held_on": "2026-03-13"},
     "replacement": {"type": "ReviewHeld", "review_id": "R1", ..., "held_on": "2026-03-28"}}

They are not events of the domain (no rule folds them, no projection reads them): recording
one replaces the original in the history every answer is computed from (R-COR-4). This module
holds their shape and the checks that need nothing but the two events (R-COR-2's "same type,
same subject"); the rest is checked against the store (``recording``'s corrections).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, ClassVar

import attrs

from .. import events as ev
from ..errors import InvalidEvent, RuleViolation
from ..fields import _convert_with, check_identifier, check_text, to_date
from ..recording.identity import IDENTITY

#: The JSON ``type`` names of the two facts.
CORRECTED = "RecordCorrected"
WITHDRAWN = "RecordWithdrawn"


def _an_event(value: object, inst: object, attribute: attrs.Attribute[Any]) -> ev.Event:
    """A nested event: an event, or its JSON object (parsed with its own rules, the refusal
    naming the outer field: ``RecordCorrected.replacement: ReviewHeld.held_on: ...``)."""
    if isinstance(value, ev.Event):
        return value
    owner = type(inst).__name__
    if isinstance(value, dict):
        try:
            return ev.parse(value)
        except InvalidEvent as exc:
            raise type(exc)(
                owner,
                attribute.name,
                exc.rule,
                f"{exc.event_type}.{exc.field}: {exc.message}"
                if exc.field
                else f"{exc.event_type}: {exc.message}",
            ) from None
    raise InvalidEvent(
        owner,
        attribute.name,
        "type",
        f"must be an event (a JSON object with its own 'type'), not {type(value).__name__}",
    )


def _reason(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(inst, attribute, value)
    if not str(value).strip():
        raise InvalidEvent(type(inst).__name__, attribute.name, "required", "say why the record is changed")


@attrs.frozen
class RecordCorrected:
    """``original`` (an event recorded earlier, still standing) was wrong: ``replacement`` is
    what should have been recorded (R-COR-1, R-COR-2). ``by``: who corrected it (an id; not
    necessarily a registered worker: a data team corrects too); ``reason``: why."""

    date_field: ClassVar[str] = "corrected_on"
    # mypy's attrs plugin reads only named functions, types and lambdas as converters.
    original: ev.Event = attrs.field(converter=_convert_with(_an_event))  # type: ignore[misc]
    replacement: ev.Event = attrs.field(converter=_convert_with(_an_event))  # type: ignore[misc]
    corrected_on: dt.date = attrs.field(converter=_convert_with(to_date))  # type: ignore[misc]
    by: str = attrs.field(validator=check_identifier)
    reason: str = attrs.field(validator=_reason)

    def __attrs_post_init__(self) -> None:
        same_subject(self.original, self.replacement)
        if self.original == self.replacement:
            raise RuleViolation(
                CORRECTED, "replacement", "R-COR-2", "is the same as the original: nothing to correct"
            )

    @property
    def type(self) -> str:
        return CORRECTED

    @property
    def business_date(self) -> dt.date:
        return self.corrected_on


@attrs.frozen
class RecordWithdrawn:
    """``original`` (an event recorded earlier, still standing) should never have been
    recorded (R-COR-1, R-COR-3: nothing recorded later may depend on it)."""

    date_field: ClassVar[str] = "withdrawn_on"
    # mypy's attrs plugin reads only named functions, types and lambdas as converters.
    original: ev.Event = attrs.field(converter=_convert_with(_an_event))  # type: ignore[misc]
    withdrawn_on: dt.date = attrs.field(converter=_convert_with(to_date))  # type: ignore[misc]
    by: str = attrs.field(validator=check_identifier)
    reason: str = attrs.field(validator=_reason)

    @property
    def type(self) -> str:
        return WITHDRAWN

    @property
    def business_date(self) -> dt.date:
        return self.withdrawn_on


Correction = RecordCorrected | RecordWithdrawn
CORRECTION_TYPES: dict[str, type[RecordCorrected] | type[RecordWithdrawn]] = {
    CORRECTED: RecordCorrected,
    WITHDRAWN: RecordWithdrawn,
}


#: Fields that name the subject an event is about wherever they appear (R-COR-2).
SUBJECT_FIELDS = (
    "child_ref",
    "worker_id",
    "review_id",
    "escalation_id",
    "complaint_id",
    "audit_id",
    "observation_id",
)


def subject_ids(event: ev.Event) -> dict[str, str]:
    """The ids that say what an event is about: its identity's id fields and the subject's
    (``review_id``, ``child_ref``, ``worker_id``, ``escalation_id`` ...; not its dates,
    stages, plan kind, team or other people named in it)."""
    names = dict.fromkeys([*IDENTITY[type(event)], *(n for n in SUBJECT_FIELDS if hasattr(event, n))])
    return {
        name: value
        for name in names
        if isinstance(value := getattr(event, name), str) and not isinstance(value, Enum)
    }


def same_subject(original: ev.Event, replacement: ev.Event) -> None:
    """R-COR-2: a replacement is of the original's type and about the same subject (ids equal)."""
    if type(original) is not type(replacement):
        raise RuleViolation(
            CORRECTED,
            "replacement",
            "R-COR-2",
            f"must be of the original's type ({type(original).__name__}), not {type(replacement).__name__}; "
            "withdraw the original and record the other event instead",
        )
    before, after = subject_ids(original), subject_ids(replacement)
    changed = [name for name in before if before[name] != after.get(name)]
    if changed:
        listed = ", ".join(f"{n}: {before[n]!r} -> {after.get(n)!r}" for n in changed)
        raise RuleViolation(
            CORRECTED,
            "replacement",
            "R-COR-2",
            f"must be about the same subject as the original ({listed}); withdraw the original "
            "and record the event about the other subject instead",
        )


def parse_correction(obj: object) -> Correction:
    """A JSON object (already decoded) -> a correction or withdrawal; ``InvalidEvent`` naming
    the field otherwise. ``type`` may be left out where the caller knows which it is."""
    if not isinstance(obj, dict):
        raise InvalidEvent(
            "RecordCorrected", None, "shape", f"must be a JSON object, not {type(obj).__name__}"
        )
    name = obj.get("type")
    cls = CORRECTION_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise InvalidEvent(
            str(name)[:60] or "event", "type", "known-type", "must be RecordCorrected or RecordWithdrawn"
        )
    fields = {f.name for f in attrs.fields(cls)}
    extra = sorted(set(obj) - fields - {"type"})
    if extra:
        raise InvalidEvent(cls.__name__, extra[0], "unknown-field", "is not a field of this record")
    missing = [f.name for f in attrs.fields(cls) if f.name not in obj]
    if missing:
        raise InvalidEvent(cls.__name__, missing[0], "required", "is required")
    try:
        return cls(**{k: v for k, v in obj.items() if k != "type"})
    except InvalidEvent:
        raise
    except (TypeError, ValueError) as exc:
        raise InvalidEvent(cls.__name__, None, "shape", str(exc)[:200]) from None


def correction_to_json(fix: Correction) -> dict[str, Any]:
    """A correction or withdrawal -> its JSON object (nested events in their JSON form)."""
    body: dict[str, Any] = {"type": fix.type, "original": ev.to_json(fix.original)}
    if isinstance(fix, RecordCorrected):
        body |= {"replacement": ev.to_json(fix.replacement), "corrected_on": fix.corrected_on.isoformat()}
    else:
        body["withdrawn_on"] = fix.withdrawn_on.isoformat()
    return body | {"by": fix.by, "reason": fix.reason}


def identity_bytes(kind: str, original_key: int, original_digest: int, replacement_digest: int) -> bytes:
    """What a correction's identity is taken from: what it corrects (the original's identity
    and digest) and into what (the replacement's digest; 0 for a withdrawal)."""
    return f"{kind}\x1f{original_key}\x1f{original_digest}\x1f{replacement_digest}".encode()


def rest_bytes(on: dt.date, by: str, reason: str) -> bytes:
    """What the digest of a correction's other fields is taken from (same identity, other
    date, author or reason: a conflict)."""
    return f"{on.isoformat()}\x1f{by}\x1f{reason}".encode()


def is_correction(obj: object) -> bool:
    """Whether a record (an object or its JSON form) is a correction or withdrawal."""
    if isinstance(obj, RecordCorrected | RecordWithdrawn):
        return True
    if not isinstance(obj, dict):
        return False
    kind = obj.get("type")
    return isinstance(kind, str) and kind in CORRECTION_TYPES
