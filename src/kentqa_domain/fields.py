"""Field definitions with validators that name the event type, field and rule (SPEC section 2).

Used by :mod:`kentqa_domain.events` and :mod:`kentqa_domain.values`. Converters accept the JSON
forms too (ISO date strings, enum values, lists), so Python callers and JSON callers meet the
same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

import attrs

from .errors import InvalidEvent

E = TypeVar("E", bound=Enum)

#: Business dates outside this range are refused (rule ``date-range``): they are typing errors.
EARLIEST_DATE = dt.date(1950, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_ID_LENGTH = 128
MAX_TEXT_LENGTH = 10_000
MAX_ITEMS = 500


def _owner(inst: object) -> str:
    return type(inst).__name__


def _fail(inst: object, name: str, rule: str, message: str) -> InvalidEvent:
    return InvalidEvent(_owner(inst), name, rule, message)


#: Control characters other than tab and newlines (what ``_is_clean`` refuses).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: What an id may not hold (one scan): every C0 and C1 control character, DEL, and the
#: bidirectional controls and marks that reorder what is displayed ("Trojan Source"), so that
#: two ids that look the same would differ: U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069.
_ID_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_C1 = re.compile("[\x00-\x1f\x7f-\x9f]")
#: First characters that make a spreadsheet read a cell as a formula (CSV injection): an id
#: starting with one is refused everywhere (decision 0910).
FORMULA_START = "=+-@"
#: An ISO calendar date, ASCII digits only (not a week date 2026-W01-1, not 20260101).
ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_clean(text: str) -> bool:
    """No control characters but tab and newlines (one C-level scan: every id and text of every
    recorded event passes here), and valid Unicode (no lone surrogates: they cannot be stored)."""
    if _CONTROL.search(text) is not None:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_identifier(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id: a non-empty string of at most 128 characters with no control characters, no
    bidirectional controls, not starting like a spreadsheet formula (= + - @)."""
    if not isinstance(value, str):
        raise _fail(inst, attribute.name, "type", f"must be a string id, not {type(value).__name__}")
    if not value.strip():
        raise _fail(inst, attribute.name, "required", "must not be empty")
    unsafe = _ID_UNSAFE.search(value) is not None
    if len(value) > MAX_ID_LENGTH or value != value.strip() or not _is_clean(value) or unsafe:
        if unsafe and _BIDI.search(value) and not _CONTROL_OR_C1.search(value):
            raise _fail(
                inst,
                attribute.name,
                "identifier-bidi",
                "must not contain bidirectional control characters (U+061C, U+200E, U+200F, "
                "U+202A..U+202E, U+2066..U+2069): they change how the id is displayed",
            )
        raise _fail(
            inst,
            attribute.name,
            "identifier",
            f"must be at most {MAX_ID_LENGTH} characters with no surrounding spaces or control characters, in valid Unicode",
        )
    if value[0] in FORMULA_START:
        raise _fail(
            inst,
            attribute.name,
            "identifier-formula",
            f"must not start with {value[0]!r} (=, +, - and @ make a spreadsheet read it as a formula)",
        )


def check_text(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Free text: a string of at most 10,000 characters with no control characters but tab and newline."""
    if not isinstance(value, str):
        raise _fail(inst, attribute.name, "type", f"must be a string, not {type(value).__name__}")
    if len(value) > MAX_TEXT_LENGTH or not _is_clean(value):
        raise _fail(
            inst,
            attribute.name,
            "text",
            f"must be at most {MAX_TEXT_LENGTH} characters of plain text in valid Unicode",
        )


def to_date(value: object, inst: object, attribute: attrs.Attribute[Any]) -> dt.date:
    """Accept a ``date`` or an ISO ``YYYY-MM-DD`` string (ASCII digits); refuse datetimes and
    other shapes, such as ISO week dates (``2026-W01-1``), which ``date.fromisoformat`` reads."""
    if isinstance(value, dt.datetime):
        raise _fail(inst, attribute.name, "type", "must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, str):
        if len(value) != 10 or not ISO_DATE.fullmatch(value):
            raise _fail(inst, attribute.name, "date", f"must be an ISO date YYYY-MM-DD, not {value[:40]!r}")
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise _fail(
                inst, attribute.name, "date", f"must be an ISO date YYYY-MM-DD, not {value!r}"
            ) from None
    if not isinstance(value, dt.date):
        raise _fail(inst, attribute.name, "type", f"must be a date, not {type(value).__name__}")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise _fail(
            inst,
            attribute.name,
            "date-range",
            f"{value.isoformat()} is outside {EARLIEST_DATE.isoformat()}..{LATEST_DATE.isoformat()}",
        )
    return value


def enum_value(enum: type[E], value: object, inst: object, name: str) -> E:
    """Convert ``value`` to ``enum`` or raise :class:`InvalidEvent` naming the field ``name``."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    allowed = ", ".join(str(m.value) for m in enum)
    raise InvalidEvent(
        _owner(inst), name, f"enum {enum.__name__}", f"must be one of {allowed}; got {repr(value)[:60]}"
    )


def _enum_converter(enum: type[E]) -> Callable[[object, object, attrs.Attribute[Any]], E]:
    def convert(value: object, inst: object, attribute: attrs.Attribute[Any]) -> E:
        return enum_value(enum, value, inst, attribute.name)

    return convert


def _convert_with(fn: Callable[..., Any]) -> attrs.Converter[Any, Any]:
    return attrs.Converter(fn, takes_self=True, takes_field=True)


def ident() -> Any:
    return attrs.field(validator=check_identifier)


def opt_ident() -> Any:
    return attrs.field(default=None, validator=attrs.validators.optional(check_identifier))


def text(default: str | None = "") -> Any:
    if default is None:
        return attrs.field(validator=check_text)
    return attrs.field(default=default, validator=check_text)


def day() -> Any:
    return attrs.field(converter=_convert_with(to_date))


def opt_day() -> Any:
    def convert(value: object, inst: object, attribute: attrs.Attribute[Any]) -> dt.date | None:
        return None if value is None else to_date(value, inst, attribute)

    return attrs.field(default=None, converter=_convert_with(convert))


def choice(enum: type[E], **kwargs: Any) -> Any:
    return attrs.field(converter=_convert_with(_enum_converter(enum)), **kwargs)


def opt_choice(enum: type[E]) -> Any:
    inner = _enum_converter(enum)

    def convert(value: object, inst: object, attribute: attrs.Attribute[Any]) -> E | None:
        return None if value is None else inner(value, inst, attribute)

    return attrs.field(default=None, converter=_convert_with(convert))


def flag(default: bool | None = None) -> Any:
    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, bool):
            raise _fail(inst, attribute.name, "type", f"must be true or false, not {value!r:.40}")

    if default is None:
        return attrs.field(validator=check)
    return attrs.field(default=default, validator=check)


def opt_flag() -> Any:
    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, bool):
            raise _fail(inst, attribute.name, "type", f"must be true, false or null, not {value!r:.40}")

    return attrs.field(default=None, validator=check)


def opt_int(low: int, high: int) -> Any:
    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(inst, attribute.name, "type", f"must be a whole number, not {value!r:.40}")
        if not low <= value <= high:
            raise _fail(inst, attribute.name, "range", f"must be between {low} and {high}; got {value}")

    return attrs.field(default=None, validator=check)


def items(item: Callable[[object, object, attrs.Attribute[Any]], Any], *, unique: bool = False) -> Any:
    """A tuple field; each item converted by ``item(value, inst, attribute)``."""

    def convert(value: object, inst: object, attribute: attrs.Attribute[Any]) -> tuple[Any, ...]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            raise _fail(inst, attribute.name, "type", f"must be a list, not {type(value).__name__}")
        if len(value) > MAX_ITEMS:
            raise _fail(inst, attribute.name, "size", f"must hold at most {MAX_ITEMS} items")
        out = tuple(item(v, inst, attribute) for v in value)
        if unique and len(set(out)) != len(out):
            raise _fail(inst, attribute.name, "unique", "must not repeat an item")
        return out

    return attrs.field(default=(), converter=_convert_with(convert))


def text_item(value: object, inst: object, attribute: attrs.Attribute[Any]) -> str:
    check_text(inst, attribute, value)
    if not isinstance(value, str) or not value.strip():
        raise _fail(inst, attribute.name, "required", "items must be non-empty text")
    return value


def theme_item(value: object, inst: object, attribute: attrs.Attribute[Any]) -> str:
    """A theme label: an identifier-like short string, compared case-insensitively as lower case."""
    check_identifier(inst, attribute, value)
    assert isinstance(value, str)
    return value.lower()


def grade_map(keys: type[Enum] | None, values: type[E], *, required: bool = False) -> Any:
    """A mapping field (area -> Grade); keys restricted to ``keys`` when given. Stored sorted."""
    to_value = _enum_converter(values)

    def convert(value: object, inst: object, attribute: attrs.Attribute[Any]) -> dict[str, E]:
        if not isinstance(value, Mapping):
            raise _fail(inst, attribute.name, "type", f"must be an object, not {type(value).__name__}")
        if len(value) > MAX_ITEMS:
            raise _fail(inst, attribute.name, "size", f"must hold at most {MAX_ITEMS} entries")
        out: dict[str, E] = {}
        for key in sorted(value, key=str):
            if keys is not None:
                key_name = enum_value(keys, key, inst, f"{attribute.name}.{key!s:.40}")
            else:
                check_identifier(inst, attribute, key)
                key_name = key
            out[str(key_name.value if isinstance(key_name, Enum) else key_name)] = to_value(
                value[key], inst, attribute
            )
        return out

    if required:
        return attrs.field(converter=_convert_with(convert), hash=False)
    return attrs.field(factory=dict, converter=_convert_with(convert), hash=False)
