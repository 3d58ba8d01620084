"""The one cattrs converter family between events and JSON: a validating mode and a trusted one.

- **Validating** (:data:`validating`, built by :func:`kentqa_domain.events.make_converter`):
  what :func:`kentqa_domain.events.parse` uses for input from outside (the API, importers,
  ``kentqa replay --verify``). Every attrs converter and validator of the event runs; a
  problem is one :class:`~kentqa_domain.errors.InvalidEvent` naming the event type, the
  field (its path, from :func:`cattrs.transform_error`) and the rule. It is built in
  :mod:`kentqa_domain.events`, beside the classes, because ``events.parse`` and
  ``events.to_json`` are public there and ``events`` may not import this package.
- **Trusted** (:data:`trusted`, built by :func:`make_trusted_converter`): for events read back
  from the store. Every stored event was validated when it was recorded and its JSON is the
  canonical form ``events.to_json`` wrote, so catching up and ``kentqa replay`` need not check
  it all again (decision 0801): each attrs class (every event, :class:`~kentqa_domain.values.Action`)
  is built with ``object.__new__`` and its fields set directly, converting only what JSON
  cannot carry (dates, enums, tuples, actions, grade maps). A value of the wrong kind still
  fails loudly: an unknown enum value or a missing field is a ``KeyError``, a malformed date
  a ``ValueError``; only the checks that cannot fail for data this library wrote (text
  lengths, id characters, cross-field rules) are skipped.

The trusted structuring of a class is a structure hook the converter makes, once, from the
class's attrs fields and their types (a closure over per-field functions: no generated
source, decision 1012). Its hooks take the value and an optional type, so the replay path
calls them with the body alone (:func:`trusted_event`, :data:`DECODERS`) and cattrs calls
them as any hook (``trusted.structure(body, cls)``).
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
import cattrs

from ..events import EVENT_TYPES, Event, make_converter, parse, to_json
from ..events import converter as validating
from ..values import Action

#: A trusted decoder: the event's JSON object (without ``type``) -> the event.
Decoder = Callable[[dict[str, Any]], Any]
#: A structure hook of the trusted converter: the value, and (from cattrs) the type.
Hook = Callable[..., Any]

_new = object.__new__
_set = object.__setattr__


#: Dates are interned as they are decoded: a council's history has a few thousand distinct
#: days but millions of dated facts, and the folded state (write model, projections) keeps
#: many of them; one shared object per day saves about 32 bytes a fact in memory and one
#: memo entry per fact when a checkpoint is pickled (decision 0820). Bounded, so that odd
#: dates cannot grow it without limit.
@lru_cache(maxsize=1 << 16)
def _date(text: str, _type: Any = None) -> dt.date:
    return dt.date.fromisoformat(text)


#: Fields naming a subject or an actor, whose values recur across events: their strings are
#: interned (one object per worker, team, child).
_REFERENCES = frozenset({"child_ref", "case_ref", "by", "raised_by", "cycle_id"})
_UNIQUE = frozenset({"feedback_id", "compliment_id"})


def _is_reference(name: str) -> bool:
    return (name.endswith("_id") or name in _REFERENCES) and name not in _UNIQUE


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Enum)


@lru_cache(maxsize=1 << 16)
def _optional_date(text: str | None) -> dt.date | None:
    return None if text is None else _date(text)


@lru_cache(maxsize=1 << 16)
def _optional_reference(text: str | None) -> str | None:
    return None if text is None else sys.intern(text)


def _optional(make: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``make`` for a value that may be None. The common ones stay C calls: a cached function
    for dates and references, a lookup with None for enums."""
    if make is _date:
        return _optional_date
    if make is sys.intern:
        return _optional_reference
    lookup = getattr(make, "__self__", None)
    if isinstance(lookup, dict) and getattr(make, "__name__", "") == "__getitem__":
        return {**lookup, None: None}.__getitem__
    return lambda v: None if v is None else make(v)


def _maker(conv: cattrs.Converter, t: Any, name: str = "") -> Callable[[Any], Any] | None:
    """A one-argument function making a value of type ``t`` from its JSON, or None when JSON
    carries it as it is (str, int, bool). The common leaves directly (decoding is mostly
    leaves, and cattrs' dispatch per value would be most of the time); classes through the
    converter's own hooks."""
    origin = typing.get_origin(t)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(t) if a is not type(None)]
        make = _maker(conv, inner, name)
        return None if make is None else _optional(make)
    if t is dt.date:
        return _date
    if _is_enum(t):
        return dict(t._value2member_map_).__getitem__
    if attrs.has(t):
        return decoder(conv, t)
    if origin is tuple:
        item = _maker(conv, typing.get_args(t)[0])
        if item is None:
            return tuple
        return lambda v: tuple(map(item, v))
    if origin is dict:
        value = _maker(conv, typing.get_args(t)[1])
        if value is None:
            return dict
        return lambda v: {k: value(x) for k, x in v.items()}
    if t is str and _is_reference(name):
        return sys.intern
    return None


def _build_hook(conv: cattrs.Converter, cls: type) -> Hook:
    """The trusted structure hook of the attrs class ``cls``: ``object.__new__``, then each
    field set from the body, through its one-argument function when JSON cannot carry it.
    (A plain loop over (name, function) pairs: faster than mapping C functions over the
    fields, and within a tenth of the source ``exec`` generated before; decision 1012.)"""
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    plan = tuple((f.name, _maker(conv, hints[f.name], f.name)) for f in fields)
    count = len(fields)
    # A field added with a default in a later release (``ComplaintReceived.child_ref``,
    # ``ReviewHeld.plan_made``, SPEC 9.2): events stored before it have no such key and read
    # as the default. attrs' stubs declare ``Factory`` as an overloaded function, not the
    # class it is.
    defaults: dict[str, Callable[[], Any]] = {
        f.name: f.default.factory if isinstance(f.default, attrs.Factory) else _constant(f.default)  # type: ignore[arg-type]
        for f in fields
        if f.default is not attrs.NOTHING
    }

    def hook(body: dict[str, Any], _type: Any = None) -> Any:
        if len(body) < count:  # an older event: its defaults (a missing field without one: KeyError)
            body = {**{name: make() for name, make in defaults.items() if name not in body}, **body}
        built: Any = _new(cls)
        for name, make in plan:
            _set(built, name, body[name] if make is None else make(body[name]))
        return built

    return hook


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def decoder(conv: cattrs.Converter, cls: type) -> Decoder:
    """The trusted converter's hook for the attrs class ``cls``, called with the body alone
    (its hooks take the type as an optional second argument)."""
    return typing.cast(Decoder, conv.get_structure_hook(cls))


def make_trusted_converter() -> cattrs.Converter:
    """The trusted (store) mode of the converter (one per process: :data:`trusted`)."""
    conv = make_converter()
    conv.register_structure_hook(dt.date, _date)
    conv.register_structure_hook_func(_is_enum, lambda v, t: t._value2member_map_[v])
    conv.register_structure_hook_factory(attrs.has, lambda cls: _build_hook(conv, cls))
    # The validating mode leaves an action to the event's own converter: here it is built too.
    conv.register_structure_hook(Action, _build_hook(conv, Action))
    return conv


trusted = make_trusted_converter()

#: Event type name -> its trusted decoder (the trusted converter's hook for the class).
DECODERS: dict[str, Decoder] = {name: decoder(trusted, cls) for name, cls in EVENT_TYPES.items()}


def trusted_event(type_name: str, body: dict[str, Any]) -> Event:
    """The stored event of type ``type_name`` from its canonical JSON body (not re-validated)."""
    event: Event = DECODERS[type_name](body)
    return event


def trusted_action(body: dict[str, Any]) -> Action:
    """A stored action (not re-validated)."""
    action: Action = decoder(trusted, Action)(body)
    return action


__all__ = [
    "DECODERS",
    "Decoder",
    "decoder",
    "make_trusted_converter",
    "parse",
    "to_json",
    "trusted",
    "trusted_action",
    "trusted_event",
    "validating",
]
