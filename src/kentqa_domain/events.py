"""The catalogue of every event of SPEC section 3, and the one converter between events and JSON.

Each event is an immutable ``attrs`` class that lives with its area
(``kentqa_domain.areas.<area>.events``); this module names them all, in SPEC order
(:data:`EVENT_TYPES`), so callers import them from one place. Field names are the JSON field names. Constructing an event validates its shape: a bad field
raises :class:`kentqa_domain.errors.InvalidEvent` naming the event type, the field and the rule.
Rules that need history (references, stages, idempotency) are checked when recording.
Children appear only as pseudonymous ``child_ref`` values: no event has a field for a name.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any, Union

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.strategies import configure_tagged_union

from .areas.audits.events import AuditActionCompleted, AuditCompleted, ThematicAuditAgreed
from .areas.complaints.events import (
    ComplaintEscalated,
    ComplaintPanelHeld,
    ComplaintPanelReported,
    ComplaintReceived,
    ComplaintReferredToOmbudsman,
    ComplaintResponded,
    ComplaintTimescaleExtended,
    ComplaintWithdrawn,
)
from .areas.escalations.events import (
    EscalationProgressed,
    EscalationRaised,
    EscalationReferredToCafcass,
    EscalationResolved,
    EscalationResponded,
)
from .areas.observations.events import ObservationRecorded, ObservationShared, ReflectiveReviewHeld
from .areas.organisation.events import (
    ASYECompleted,
    ASYEExtended,
    SupervisionHeld,
    SupportNeedCleared,
    SupportNeedFlagged,
    TeamRegistered,
    WorkerLeft,
    WorkerMoved,
    WorkerRegistered,
    WorkerRejoined,
    WorkerRoleChanged,
)
from .areas.plans.events import (
    ChildAllocated,
    ChildBecameLookedAfter,
    ChildCeasedLookedAfter,
    ChildProtectionPlanEnded,
    CPChairAssigned,
    IROAssigned,
    LegalStatusChanged,
    MidwayReviewCompleted,
    PlacedForAdoption,
    PlanActionAgreed,
    PlanActionCompleted,
    ReviewHeld,
    ReviewQualityAssured,
    Section47Completed,
    StrategyDiscussionHeld,
)
from .areas.voice.events import ComplimentReceived, FeedbackReceived
from .errors import InvalidEvent
from .event_base import Event
from .values import Action

#: Every event class by its JSON ``type`` name, in SPEC section 3 order.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        TeamRegistered,
        WorkerRegistered,
        WorkerMoved,
        WorkerLeft,
        WorkerRejoined,
        WorkerRoleChanged,
        ASYECompleted,
        ASYEExtended,
        SupportNeedFlagged,
        SupportNeedCleared,
        SupervisionHeld,
        ObservationRecorded,
        ObservationShared,
        ReflectiveReviewHeld,
        AuditCompleted,
        AuditActionCompleted,
        ThematicAuditAgreed,
        ChildBecameLookedAfter,
        ChildCeasedLookedAfter,
        LegalStatusChanged,
        PlacedForAdoption,
        StrategyDiscussionHeld,
        Section47Completed,
        ChildProtectionPlanEnded,
        ReviewHeld,
        MidwayReviewCompleted,
        PlanActionCompleted,
        PlanActionAgreed,
        ChildAllocated,
        IROAssigned,
        CPChairAssigned,
        ReviewQualityAssured,
        EscalationRaised,
        EscalationResponded,
        EscalationProgressed,
        EscalationResolved,
        EscalationReferredToCafcass,
        ComplaintReceived,
        ComplaintTimescaleExtended,
        ComplaintResponded,
        ComplaintEscalated,
        ComplaintWithdrawn,
        ComplaintPanelHeld,
        ComplaintPanelReported,
        ComplaintReferredToOmbudsman,
        ComplimentReceived,
        FeedbackReceived,
    )
}


# The one cattrs converter (SPEC section 2), beside the classes it converts: ``parse`` and
# ``to_json`` are public here and need every event class, so it cannot live in a module the
# events import (``serialization`` re-exports it under its older names). This is its
# validating mode; its trusted mode, for events read back from the store, is built from
# :func:`make_converter` in ``serialization.convert`` (decision 1012).
#
# JSON form: an object with ``"type"`` (the class name) and the fields; dates ``YYYY-MM-DD``;
# enums by value; lists for tuples; ``null`` for absent optionals. Structuring is a tagged
# union on ``"type"``; field values are checked by the events' own converters and validators,
# so a JSON caller and a Python caller meet exactly the same rules and error messages.

EventUnion = Union[tuple(EVENT_TYPES.values())]  # type: ignore[valid-type]  # noqa: UP007


def _passthrough(value: Any, _type: Any) -> Any:
    """Leave the value for the event's own attrs converter, which names field and rule."""
    return value


def _is_checked_by_attrs(type_: Any) -> bool:
    return type_ is not EventUnion and not attrs.has(type_)


def make_converter() -> cattrs.Converter:
    """Build the converter (one per process is enough: use :data:`converter`)."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    # Structuring: every leaf is passed through; attrs converters/validators decide.
    conv.register_structure_hook_func(_is_checked_by_attrs, _passthrough)
    for leaf in (str, int, bool, float, dt.date, Action):  # an action: the event's converter checks it
        conv.register_structure_hook(leaf, _passthrough)
    # Unstructuring: the JSON forms.
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Enum), lambda e: e.value
    )
    conv.register_unstructure_hook(StrEnum, lambda e: e.value)
    configure_tagged_union(EventUnion, conv, tag_generator=lambda cls: cls.__name__, tag_name="type")
    return conv


converter = make_converter()


def _leaves(exc: BaseException) -> list[BaseException]:
    """The exceptions of a cattrs error tree, depth first (the order ``transform_error`` lists them)."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


_SEP = "\x1f"


def _described(exc: BaseException, _type: Any) -> str:
    """One problem for :func:`cattrs.transform_error`: rule, message and (when cattrs's path
    does not hold it) the field, joined by a separator no message contains."""
    if isinstance(exc, ForbiddenExtraKeysError):
        return _SEP.join(("unknown-field", "is not a field of this event", sorted(exc.extra_fields)[0]))
    if isinstance(exc, KeyError):
        return _SEP.join(("required", "is required"))
    return _SEP.join(("shape", f"{type(exc).__name__}: {exc}"[:200]))


def _first_problem(event_type: str, exc: BaseException) -> InvalidEvent:
    """Turn a cattrs error tree into one InvalidEvent naming the field and rule: the first
    problem, as the event's own converters and validators raised it, or as
    :func:`cattrs.transform_error` locates it (``$.field``)."""
    leaves = _leaves(exc)
    if isinstance(leaves[0], InvalidEvent):
        return leaves[0]
    first = cattrs.transform_error(exc, path="", format_exception=_described)[0]
    described, _, path = first.rpartition(" @ ")
    rule, message, *named = described.split(_SEP)
    field = named[0] if named else path.lstrip(".") or None
    if field is None and isinstance(leaves[0], KeyError) and leaves[0].args:
        field = str(leaves[0].args[0])  # a missing key outside cattrs's class structuring
    return InvalidEvent(event_type, field, rule, message)


def parse(obj: object) -> Event:
    """A JSON object (already decoded) -> event. Raises :class:`InvalidEvent` naming type, field and rule."""
    if not isinstance(obj, dict):
        raise InvalidEvent("event", None, "shape", f"must be a JSON object, not {type(obj).__name__}")
    type_name = obj.get("type")
    if not isinstance(type_name, str):
        raise InvalidEvent("event", "type", "required", "every event needs a string 'type'")
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        named = type_name[:60] if type_name.strip() else "event"
        raise InvalidEvent(
            named, "type", "known-type", f"{type_name[:60]!r} is not an event type (see docs/events.md)"
        )
    try:
        event: Event = converter.structure(obj, EventUnion)  # type: ignore[arg-type]
    except (ClassValidationError, InvalidEvent, ForbiddenExtraKeysError, KeyError) as exc:
        raise _first_problem(type_name, exc) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidEvent(type_name, None, "shape", str(exc)[:200]) from None
    return event


def to_json(event: Event) -> dict[str, Any]:
    """An event -> its JSON object (``type`` first, ISO dates, enum values, lists)."""
    body: dict[str, Any] = converter.unstructure(event, EventUnion)
    return {"type": body.pop("type"), **body}


__all__ = [
    "EVENT_TYPES",
    "ASYECompleted",
    "ASYEExtended",
    "Action",
    "AuditActionCompleted",
    "AuditCompleted",
    "CPChairAssigned",
    "ChildAllocated",
    "ChildBecameLookedAfter",
    "ChildCeasedLookedAfter",
    "ChildProtectionPlanEnded",
    "ComplaintEscalated",
    "ComplaintPanelHeld",
    "ComplaintPanelReported",
    "ComplaintReceived",
    "ComplaintReferredToOmbudsman",
    "ComplaintResponded",
    "ComplaintTimescaleExtended",
    "ComplaintWithdrawn",
    "ComplimentReceived",
    "EscalationProgressed",
    "EscalationRaised",
    "EscalationReferredToCafcass",
    "EscalationResolved",
    "EscalationResponded",
    "Event",
    "FeedbackReceived",
    "IROAssigned",
    "LegalStatusChanged",
    "MidwayReviewCompleted",
    "ObservationRecorded",
    "ObservationShared",
    "PlacedForAdoption",
    "PlanActionAgreed",
    "PlanActionCompleted",
    "ReflectiveReviewHeld",
    "ReviewHeld",
    "ReviewQualityAssured",
    "Section47Completed",
    "StrategyDiscussionHeld",
    "SupervisionHeld",
    "SupportNeedCleared",
    "SupportNeedFlagged",
    "TeamRegistered",
    "ThematicAuditAgreed",
    "WorkerLeft",
    "WorkerMoved",
    "WorkerRegistered",
    "WorkerRejoined",
    "WorkerRoleChanged",
    "parse",
    "to_json",
]
