"""Stored state as data: JSON documents made by one cattrs converter, never pickles (SPEC 9.4).

Every value the write model and the projections keep in the store (a worker, a child's plan
facts, an escalation's stages, a day's voice tallies) is turned into JSON by
:func:`encode` and back by :func:`decode`, driven by the value's declared type:

- attrs classes -> objects of their fields; NamedTuples -> arrays; tuples, lists, sets and
  frozensets -> arrays (sets sorted, so equal states give equal bytes);
- dates -> ``"YYYY-MM-DD"``; enums -> their value;
- dicts with string keys -> objects; dicts with any other key (dates, enums, tuples) ->
  arrays of ``[key, value]`` pairs, sorted by key;
- events -> their SPEC JSON form (``"type"`` and fields), read back without validating
  again (they were validated when recorded; decision 0801).

Loading stored state therefore never runs code: a document that does not fit its type is a
``ValueError``. Keys of stored maps are strings: :func:`encode_key` / :func:`decode_key`.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any

import attrs
import cattrs
import orjson

from ..events import EVENT_TYPES, Event
from ..serialization import unstructure_event
from ..serialization.convert import trusted_event

_OPTS = orjson.OPT_SORT_KEYS


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Enum)


def _is_event(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Event)


def _is_namedtuple(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, tuple) and hasattr(t, "_fields")


def _origin(t: Any) -> Any:
    return typing.get_origin(t)


def _is_pair_dict(t: Any) -> bool:
    """A dict whose keys are not strings: stored as ``[[key, value], ...]``."""
    if _origin(t) not in (dict, typing.Dict):  # noqa: UP006
        return False
    args = typing.get_args(t)
    return bool(args) and args[0] is not str


def _is_set(t: Any) -> bool:
    return _origin(t) in (set, frozenset) or t in (set, frozenset)


def _sort_key(value: Any) -> Any:
    return (value is None, orjson.dumps(value, option=_OPTS))


def make_converter() -> cattrs.Converter:
    """The converter for stored state (one per process: :data:`converter`)."""
    conv = cattrs.Converter(prefer_attrib_converters=False)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.date, lambda v, _t: dt.date.fromisoformat(v))
    conv.register_unstructure_hook_func(_is_enum, lambda e: e.value)
    conv.register_structure_hook_func(_is_enum, lambda v, t: t(v))
    conv.register_unstructure_hook_func(_is_event, unstructure_event)
    conv.register_structure_hook_func(_is_event, lambda v, _t: _event(v))

    def namedtuple_unstructure(t: Any) -> Callable[[Any], Any]:
        hints = typing.get_type_hints(t)
        fields = [(name, hints.get(name, Any)) for name in t._fields]

        def un(value: Any) -> Any:
            return [conv.unstructure(getattr(value, n), h) for n, h in fields]

        return un

    def namedtuple_structure(t: Any) -> Callable[[Any, Any], Any]:
        hints = typing.get_type_hints(t)
        fields = [hints.get(name, Any) for name in t._fields]
        makers: list[Callable[[Any], Any]] = []

        def st(value: Any, _t: Any) -> Any:
            if not makers:  # made at first use: a field's type may be this one's sibling
                makers.extend(_field_maker(conv, h) for h in fields)
            return t(*[make(v) for make, v in zip(makers, value, strict=True)])

        return st

    conv.register_unstructure_hook_factory(_is_namedtuple, namedtuple_unstructure)
    conv.register_structure_hook_factory(_is_namedtuple, namedtuple_structure)

    def pair_dict_unstructure(t: Any) -> Callable[[Any], Any]:
        key_t, value_t = typing.get_args(t)

        def un(value: dict[Any, Any]) -> Any:
            pairs = [[conv.unstructure(k, key_t), conv.unstructure(v, value_t)] for k, v in value.items()]
            pairs.sort(key=lambda p: _sort_key(p[0]))
            return pairs

        return un

    def pair_dict_structure(t: Any) -> Callable[[Any, Any], Any]:
        key_t, value_t = typing.get_args(t)

        makers: list[Callable[[Any], Any]] = []

        def st(value: Any, _t: Any) -> Any:
            if not makers:
                makers.extend((_field_maker(conv, key_t), _field_maker(conv, value_t)))
            key, item = makers
            return {key(k): item(v) for k, v in value}

        return st

    conv.register_unstructure_hook_factory(_is_pair_dict, pair_dict_unstructure)
    conv.register_structure_hook_factory(_is_pair_dict, pair_dict_structure)

    def set_unstructure(t: Any) -> Callable[[Any], Any]:
        args = typing.get_args(t)
        item_t = args[0] if args else Any

        def un(value: Any) -> Any:
            items = [conv.unstructure(v, item_t) for v in value]
            items.sort(key=_sort_key)
            return items

        return un

    conv.register_unstructure_hook_factory(_is_set, set_unstructure)
    return conv


def _same(value: Any) -> Any:
    return value


def _field_maker(conv: cattrs.Converter, t: Any) -> Callable[[Any], Any]:
    """How to make a NamedTuple field of type ``t`` from its JSON: the common shapes directly
    (facts are many small tuples; cattrs' dispatch for each value was most of decoding), the
    rest through the converter."""
    if t in (str, int, bool, Any):
        return _same  # JSON gives these as they are (the document was written by encode)
    if t is dt.date:
        return dt.date.fromisoformat
    if _is_enum(t):
        return typing.cast(Callable[[Any], Any], t)
    args = typing.get_args(t)
    if _origin(t) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = _field_maker(conv, next(a for a in args if a is not type(None)))
        if inner is _same:
            return _same
        return lambda v: None if v is None else inner(v)
    if _origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _field_maker(conv, args[0])
        return tuple if item is _same else lambda v: tuple(map(item, v))
    hook = conv.get_structure_hook(t)
    return lambda v: hook(v, t)


@functools.cache
def _event_decoder(type_name: str) -> Callable[[dict[str, Any]], Event]:
    if type_name not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_name!r} in stored state")
    return functools.partial(trusted_event, type_name)


def _event(value: dict[str, Any]) -> Event:
    body = dict(value)
    return _event_decoder(body.pop("type"))(body)


converter = make_converter()


def encode(value: Any, type_: Any) -> bytes:
    """``value`` (of the declared ``type_``) as canonical JSON bytes."""
    return orjson.dumps(converter.unstructure(value, type_), option=_OPTS)


def decode(data: bytes | str, type_: Any) -> Any:
    """The value :func:`encode` wrote; ``ValueError`` if the document does not fit ``type_``."""
    try:
        return converter.structure(orjson.loads(data), type_)
    except (cattrs.BaseValidationError, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"stored state does not fit {getattr(type_, '__name__', type_)}: {exc}") from exc


def encode_key(key: Any, type_: Any) -> str:
    """A map key as the text stored in the key column (strings stay as they are)."""
    if type_ is str:
        return str(key)
    return orjson.dumps(converter.unstructure(key, type_)).decode()


def decode_key(text: str, type_: Any) -> Any:
    if type_ is str:
        return text
    return converter.structure(orjson.loads(text), type_)


def is_attrs(t: Any) -> bool:
    return attrs.has(t)
