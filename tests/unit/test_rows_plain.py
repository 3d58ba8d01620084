"""Rows as plain data (SPEC 9.5; decision 0951): ``row.to_dict()``, ``row.to_json()``,
``kq.rows_to_json`` and ``kq.rows_to_csv`` round-trip every row type a query returns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import types
import typing
from enum import Enum
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.plain import FORMULA_START

#: Every row or summary class a public query returns (tests/contract/test_public_exports.py
#: checks that this is all of them).
ROW_TYPES: tuple[type[Any], ...] = (
    kq.DriftRow,
    kq.EscalationRow,
    kq.ReviewQARow,
    kq.TimelinessRow,
    kq.QuarterTimeliness,
    kq.ObservationComplianceRow,
    kq.ObservationSummaryRow,
    kq.ObservationLearningRow,
    kq.AuditCycle,
    kq.CycleShare,
    kq.TriadRecommendation,
    kq.AuditActionRow,
    kq.ThematicAuditRow,
    kq.ComplaintRow,
    kq.ComplaintsSummary,
    kq.VoiceSummary,
    kq.Notification,
)
#: The flat rows (one line each in a CSV: no nested rows).
FLAT_ROWS = (
    kq.DriftRow,
    kq.EscalationRow,
    kq.ReviewQARow,
    kq.TimelinessRow,
    kq.QuarterTimeliness,
    kq.ObservationComplianceRow,
    kq.ObservationSummaryRow,
    kq.ObservationLearningRow,
    kq.CycleShare,
    kq.TriadRecommendation,
    kq.AuditActionRow,
    kq.ThematicAuditRow,
    kq.ComplaintRow,
)

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_dates = st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31))
_floats = st.floats(allow_nan=False, allow_infinity=False, width=32)


def strategy_for(tp: Any) -> st.SearchStrategy[Any]:
    """Values of a row field's type (the types rows use: scalars, enums, dates, optionals,
    tuples, dicts and nested rows)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy_for(a) for a in typing.get_args(tp)))
    if tp is type(None):
        return st.none()
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
        return st.tuples(*(strategy_for(a) for a in args))
    if origin in (dict, typing.Mapping) or tp is dict:
        key, value = typing.get_args(tp) or (str, int)
        return st.dictionaries(strategy_for(key), strategy_for(value), max_size=3)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(-(2**31), 2**31)
    if tp is float:
        return _floats
    if tp is str:
        return _text
    if tp is dt.date:
        return _dates
    if attrs.has(tp):
        return rows(tp)
    raise NotImplementedError(f"no strategy for {tp!r}")


def rows(cls: type[Any]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    fields = {
        a.name: strategy_for(hints[a.name]) for a in attrs.fields(cls) if a.init and a.name != "position"
    }
    return st.fixed_dictionaries(fields).map(lambda kw: _build(cls, kw))


def _build(cls: type[Any], kw: dict[str, Any]) -> Any:
    """A row made without its validators (rows are made by queries; this is their shape)."""
    row = object.__new__(cls)
    for name, value in kw.items():
        object.__setattr__(row, name, value)
    for a in attrs.fields(cls):
        if a.name not in kw:
            object.__setattr__(row, a.name, a.default)
    return row


def structured(data: Any, cls: type[Any]) -> Any:
    """The row back from its ``to_dict()`` (cattrs, ISO dates read)."""
    converter = cattrs.Converter()
    converter.register_structure_hook(dt.date, lambda value, _type: dt.date.fromisoformat(value))
    converter.register_structure_hook_factory(
        attrs.has, lambda cls: lambda value, _type: _build(cls, _fields(converter, value, cls))
    )
    return converter.structure(data, cls)


def _fields(converter: cattrs.Converter, value: dict[str, Any], cls: type[Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {
        a.name: converter.structure(value[a.name], hints[a.name])
        for a in attrs.fields(cls)
        if a.name in value
    }


def _json_ready(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_ready(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_ready(v) for v in value)
    return value is None or (isinstance(value, (str, int, float, bool)) and not isinstance(value, Enum))


@pytest.mark.parametrize("cls", ROW_TYPES, ids=lambda c: c.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_to_dict_is_json_ready_and_gives_the_row_back(cls: type[Any], data: st.DataObject) -> None:
    """SPEC 9.5: ``to_dict()`` holds only JSON types (ISO dates, enum values, lists); read back
    (dates from ISO, enums by value) it is the same row; ``to_json()`` is its JSON text."""
    row = data.draw(rows(cls))
    plain = row.to_dict()
    assert _json_ready(plain)
    if cls is not kq.Notification:  # its to_json() is the object channels send (docs/notifications.md)
        assert json.loads(row.to_json()) == plain
    assert structured(plain, cls) == row
    for a in attrs.fields(cls):
        value = getattr(row, a.name)
        if isinstance(value, dt.date):
            assert plain[a.name] == value.isoformat()
        elif isinstance(value, Enum):
            assert plain[a.name] == value.value


@given(st.lists(rows(kq.DriftRow), max_size=5), st.integers(0, 10**6))
@settings(deadline=None)
def test_rows_to_json_is_every_rows_to_dict(found: list[Any], position: int) -> None:
    """``kq.rows_to_json(rows)`` is a JSON array of the rows' ``to_dict()``; the answer's
    position is not a column (``Rows.position``; SPEC 9.5)."""
    answer = kq.Rows(found, position)
    assert json.loads(kq.rows_to_json(answer)) == [r.to_dict() for r in found]
    assert answer.to_dicts() == [r.to_dict() for r in found]
    assert answer == found and answer.position == position


def _read_cell(text: str, tp: Any) -> Any:
    """A CSV cell back as the field's type (decision 0951)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if text == "" and len(args) < len(typing.get_args(tp)):
            return None
        return _read_cell(text, args[0]) if len(args) == 1 else text
    if origin is tuple or origin is dict:
        return json.loads(text)
    if tp is bool:
        return {"true": True, "false": False}[text]
    if tp is int:
        return int(text)
    if tp is float:
        return float(text)
    if tp is dt.date:
        return dt.date.fromisoformat(text).isoformat()
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(text).value
    if text[:1] == "'":  # the formula guard: one leading ' was added (decision 0951)
        return text[1:]
    return text


@pytest.mark.parametrize("cls", FLAT_ROWS, ids=lambda c: c.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_rows_to_csv_round_trips(cls: type[Any], data: st.DataObject) -> None:
    """``kq.rows_to_csv(rows, file)``: a header of the fields, one line per row; each cell read
    back (empty: None, true/false, ISO dates, JSON lists) is the row's ``to_dict()`` value, and
    no text cell starts like a spreadsheet formula (decision 0951)."""
    found = data.draw(st.lists(rows(cls), min_size=1, max_size=4))
    out = io.StringIO(newline="")
    assert kq.rows_to_csv(found, out) == len(found)
    read = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    hints = typing.get_type_hints(cls)
    names = [a.name for a in attrs.fields(cls) if a.name != "position"]
    assert list(read[0]) == names
    for row, line in zip(found, read, strict=True):
        plain = row.to_dict()
        for name in names:
            cell = line[name]
            if isinstance(plain[name], str):
                assert not cell or cell[0] not in FORMULA_START
            if plain[name] == "" and typing.get_origin(hints[name]) in (typing.Union, types.UnionType):
                assert cell == ""  # an empty string and None look the same in a CSV
                continue
            got = _read_cell(cell, hints[name])
            expected = plain[name]
            if isinstance(expected, float):
                assert float(got) == pytest.approx(expected)
            else:
                assert got == expected, name


def test_rows_to_csv_of_no_rows_writes_the_header_of_the_columns_given() -> None:
    out = io.StringIO()
    assert kq.rows_to_csv([], out) == 0 and out.getvalue() == ""
    assert kq.rows_to_csv([], out, columns=["child_ref", "due_on"]) == 0
    assert out.getvalue().splitlines() == ["child_ref,due_on"]


def test_counts_and_summaries_keep_their_position_out_of_their_data() -> None:
    """The position an answer reflects is on the answer, not in ``to_dict()`` (SPEC 9.5)."""
    counts = kq.Counts({"open": 2}, 7)
    assert counts == {"open": 2} and counts.position == 7
    share = kq.CycleShare("2026-T2", 4, 3, 0.75)
    assert share.to_dict() == {
        "cycle_id": "2026-T2",
        "graded": 4,
        "good_or_better": 3,
        "good_or_better_share": 0.75,
    }
    cycle = kq.AuditCycle(
        **{a.name: None for a in attrs.fields(kq.AuditCycle) if a.name != "position"}, position=9
    )
    assert cycle.position == 9 and "position" not in cycle.to_dict()
    assert cycle == attrs.evolve(cycle, position=10)  # the same content: equal answers
