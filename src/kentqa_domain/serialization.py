"""The one cattrs converter: events <-> JSON-ready dicts, for JSON, storage and the CLI (SPEC section 2).

JSON form: an object with ``"type"`` (the class name) and the fields; dates ``YYYY-MM-DD``;
enums by value; lists for tuples; ``null`` for absent optionals. Structuring is a tagged
union on ``"type"``; field values are checked by the events' own converters and validators,
so a JSON caller and a Python caller meet exactly the same rules and error messages.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any, Union

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.strategies import configure_tagged_union

from .errors import InvalidEvent
from .events import EVENT_TYPES, Event
from .values import Action

# A Union built at run time from the event registry: no static type expression can say it.
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


def _first_problem(event_type: str, exc: BaseException) -> InvalidEvent:
    """Turn a cattrs error tree into one InvalidEvent naming the field and rule."""
    if isinstance(exc, InvalidEvent):
        return exc
    if isinstance(exc, ForbiddenExtraKeysError):
        field = sorted(exc.extra_fields)[0]
        return InvalidEvent(event_type, field, "unknown-field", "is not a field of this event")
    if isinstance(exc, KeyError):
        field = str(exc.args[0]) if exc.args else "?"
        return InvalidEvent(event_type, field, "required", "is required")
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            return _first_problem(event_type, inner)
    return InvalidEvent(event_type, None, "shape", f"{type(exc).__name__}: {exc}"[:200])


def structure_event(obj: object) -> Event:
    """A decoded JSON object -> an event, or :class:`InvalidEvent` naming type, field and rule."""
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
        # cattrs' structure() takes a type[T]; a Union is a special form, which it handles at run time.
        event: Event = converter.structure(obj, EventUnion)  # type: ignore[arg-type]
    except (ClassValidationError, InvalidEvent, ForbiddenExtraKeysError, KeyError) as exc:
        raise _first_problem(type_name, exc) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidEvent(type_name, None, "shape", str(exc)[:200]) from None
    return event


def unstructure_event(event: Event) -> dict[str, Any]:
    """An event -> its JSON object, ``type`` first."""
    body: dict[str, Any] = converter.unstructure(event, EventUnion)
    return {"type": body.pop("type"), **body}


def event_fields(cls: type[Event]) -> list[attrs.Attribute[Any]]:
    """The fields of an event class in declaration order (for docs and tools)."""
    return list(attrs.fields(cls))
