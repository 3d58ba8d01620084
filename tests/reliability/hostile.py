"""Hostile JSON values: any JSON-ish value, and valid events with one field made hostile."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from kentqa_domain import events as ev
from tests.strategies import any_event

#: Strings meant to break things: huge, control characters, lone surrogates, SQL, format strings.
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "x" * 200_000,
        "\x00",
        "\ud800",
        "a\udfffb",
        "'; DROP TABLE stored_events; --",
        "%s%s%n",
        "{0.__class__}",
        "\u202e\u2066",
        "9999-12-31",
        "0000-01-01",
        "2026-02-30",
        "2026-1-1",
        "\uff12\uff10\uff12\uff16-\uff10\uff11-\uff10\uff11",  # full-width digits
        "NaN",
        "anon-0000",
    ]
) | st.text(max_size=50)

NASTY_NUMBER = (
    st.sampled_from(
        [math.nan, math.inf, -math.inf, 10**400, -(10**400), 2**63, -(2**63) - 1, 0, -1, 1.5, True, False]
    )
    | st.integers()
    | st.floats()
)


def deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value] if depth % 2 else {"x": value}
    return value


NASTY_STRUCTURE = st.sampled_from([deep(50), deep(5_000), deep(100_000), {}, [], None]) | st.lists(
    st.none(), max_size=2000
).map(list)

json_values = st.recursive(
    st.none() | st.booleans() | NASTY_NUMBER | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(NASTY_TEXT, inner, max_size=5),
    max_leaves=30,
)

hostile_value = NASTY_TEXT | NASTY_NUMBER | NASTY_STRUCTURE | json_values


@st.composite
def hostile_event(draw: st.DrawFn) -> dict[str, Any]:
    """A valid event's JSON with one field replaced, removed, or added, or its type changed."""
    obj = ev.to_json(draw(any_event))
    fields = [k for k in obj if k != "type"]
    how = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add", "type"]))
    if how == "replace" and fields:
        obj[draw(st.sampled_from(fields))] = draw(hostile_value)
    elif how == "remove" and fields:
        del obj[draw(st.sampled_from(fields))]
    elif how == "add":
        obj[draw(NASTY_TEXT)] = draw(hostile_value)
    else:
        obj["type"] = draw(hostile_value)
    return obj
