"""Events rebuilt from their stored JSON without running their validators again.

Every stored event was validated when it was recorded (shape, references, rules), and its
JSON is the canonical form :func:`kentqa_domain.serialization.unstructure_event` wrote. Reading
the log back (catching up, ``kentqa replay``) need not check all of that again: this module
builds each event class directly from that JSON, converting only what JSON cannot carry
(dates, enums, tuples, actions, grade maps). A value of the wrong type still fails loudly
(an unknown enum value, a malformed date, a missing field); only the checks that cannot fail
for data this library wrote (text lengths, id characters, cross-field rules) are skipped.
``kentqa replay --verify`` reads with the full validation instead (decision 0801).

One decoder per event class is generated once from the class's attrs fields and their types.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from typing import Any

import attrs

from ..events import EVENT_TYPES, Event
from ..values import Action

Decoder = Callable[[dict[str, Any]], Any]

_new = object.__new__
_set = object.__setattr__
#: Dates are interned as they are decoded: a council's history has a few thousand distinct
#: days but millions of dated facts, and the folded state (write model, projections) keeps
#: many of them; one shared object per day saves about 32 bytes a fact in memory and one
#: memo entry per fact when a checkpoint is pickled (decision 0820). Bounded, so that odd
#: dates cannot grow it without limit.
_date = lru_cache(maxsize=1 << 16)(dt.date.fromisoformat)


def _enum(enum: type[Enum]) -> Callable[[Any], Any]:
    members = dict(enum._value2member_map_)
    return members.__getitem__


def _converter(tp: Any) -> tuple[str, Any]:
    """(expression template, helper) turning the JSON value ``{v}`` into a value of type ``tp``."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        template, helper = _converter(inner[0])
        if template == "{v}":
            return "{v}", None
        return "(None if {v} is None else " + template + ")", helper
    if tp is dt.date:
        return "_date({v})", None
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "{h}({v})", _enum(tp)
    if isinstance(tp, type) and attrs.has(tp):
        return "{h}({v})", decoder_for(tp)
    if origin is tuple:
        (item, *_rest) = typing.get_args(tp)
        template, helper = _converter(item)
        if template == "{v}":
            return "tuple({v})", None
        return "tuple([{h}(x) for x in {v}])", _element(template, helper)
    if origin is dict:
        _key, value = typing.get_args(tp)
        template, helper = _converter(value)
        return "{{k: {h}(x) for k, x in {v}.items()}}", _element(template, helper)
    return "{v}", None  # str, bool, int: JSON carries them as they are


def _element(template: str, helper: Any) -> Callable[[Any], Any]:
    """A one-argument function applying ``template`` (for items of tuples and dicts)."""
    namespace: dict[str, Any] = {"_date": _date, "_h": helper}
    exec(f"def f(x): return {template.format(v='x', h='_h')}", namespace)  # noqa: S102 - generated from our own classes
    fn: Callable[[Any], Any] = namespace["f"]
    return fn


_DECODERS: dict[type, Decoder] = {}
_REFERENCES = ("child_ref", "case_ref", "by", "raised_by", "cycle_id")


_UNIQUE = ("feedback_id", "compliment_id")


def _is_reference(name: str) -> bool:
    """Fields naming a subject or an actor, whose values recur across events."""
    return (name.endswith("_id") or name in _REFERENCES) and name not in _UNIQUE


def decoder_for(cls: type) -> Decoder:
    """A function building ``cls`` from its canonical JSON object (without ``type``)."""
    found = _DECODERS.get(cls)
    if found is not None:
        return found
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {
        "_new": _new,
        "_set": _set,
        "_date": _date,
        "_cls": cls,
        "_intern": sys.intern,
    }
    lines = ["def decode(b):", "    e = _new(_cls)"]
    for i, field in enumerate(attrs.fields(cls)):
        template, helper = _converter(hints[field.name])
        if template == "{v}" and hints[field.name] in (str, str | None) and _is_reference(field.name):
            # Ids recur across events (a worker, a team, a child): one string object each.
            template = (
                "_intern({v})" if hints[field.name] is str else "(None if {v} is None else _intern({v}))"
            )
        name = f"_h{i}"
        namespace[name] = helper
        read = f"b[{field.name!r}]"
        # A field added with a default in a later release (``ComplaintReceived.child_ref``,
        # ``ReviewHeld.plan_made``, SPEC 9.2): events stored before it have no such key and
        # read as the default.
        # attrs' stubs declare ``Factory`` as an overloaded function, not the class it is.
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            namespace[f"_d{i}"] = field.default.factory
            read = f"(b[{field.name!r}] if {field.name!r} in b else _d{i}())"
        elif field.default is not attrs.NOTHING:
            namespace[f"_d{i}"] = field.default
            read = f"b.get({field.name!r}, _d{i})"
        value = template.format(v=read, h=name)
        lines.append(f"    _set(e, {field.name!r}, {value})")
    lines.append("    return e")
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from our own classes
    decoder: Decoder = namespace["decode"]
    _DECODERS[cls] = decoder
    return decoder


#: Event type name -> decoder.
DECODERS: dict[str, Decoder] = {name: decoder_for(cls) for name, cls in EVENT_TYPES.items()}
decoder_for(Action)


def trusted_event(type_name: str, body: dict[str, Any]) -> Event:
    """The stored event of type ``type_name`` from its canonical JSON body (not re-validated)."""
    event: Event = DECODERS[type_name](body)
    return event
