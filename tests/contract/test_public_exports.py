"""SPEC 9.5: every row type, enum and error is importable from ``kentqa_domain``
(``kq.DriftRow``, ``kq.DriftKind``, ``kq.InvalidInput``), and every public query's row type is
one of them."""

from __future__ import annotations

import inspect
import sys
import types
import typing
from enum import Enum
from typing import Any

import attrs

import kentqa_domain as kq
from kentqa_domain import errors
from kentqa_domain.queries import Queries
from tests.unit.test_rows_plain import ROW_TYPES

#: Public methods of ``Queries`` that are not questions about the records.
NOT_QUERIES = {"view", "at_one_position", "renderers", "cycle_bounds"}


def public_queries() -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(Queries, inspect.isfunction)
        if not name.startswith("_") and name not in NOT_QUERIES
    }


def _return_type(method: Any) -> Any:
    """A query's return annotation, read in the module of ``kentqa_domain.queries`` that defines
    it (names imported only for type checkers read from ``kq``)."""
    module = sys.modules[method.__module__]
    names = {**vars(module), **{name: getattr(kq, name) for name in kq.__all__}}
    return typing.get_type_hints(method, names)["return"]


def _classes(tp: Any) -> set[type[Any]]:
    """The classes a return annotation names (``Rows[DriftRow]`` -> ``{Rows, DriftRow}``)."""
    found: set[type[Any]] = set()
    origin = typing.get_origin(tp)
    if origin is not None:
        if isinstance(origin, type):
            found.add(origin)
        for arg in typing.get_args(tp):
            found |= _classes(arg)
    elif isinstance(tp, type):
        found.add(tp)
    return found


def _row_classes(tp: Any) -> set[type[Any]]:
    """The row (attrs) classes an answer holds, nested rows included."""
    out: set[type[Any]] = set()
    for cls in _classes(tp):
        if attrs.has(cls) and cls not in out:
            out.add(cls)
            for hint in typing.get_type_hints(cls).values():
                out |= _row_classes(hint)
    return out


def _enums(cls: type[Any]) -> set[type[Enum]]:
    found: set[type[Enum]] = set()
    for hint in typing.get_type_hints(cls).values():
        found |= {c for c in _classes(hint) if issubclass(c, Enum)}
    return found


def test_every_public_query_returns_an_exported_row_type() -> None:
    """SPEC 9.5: ``kq.<Row>`` for the rows of every public query, nested rows and the enums
    of their fields too (events, e.g. ``audits()``'s ``AuditCompleted``, are ``kq.events``)."""
    queries = public_queries()
    assert {
        "drift_register",
        "escalations",
        "complaints_register",
        "learning_report",
        "notifications",
    } <= set(queries)
    missing = []
    for name, method in queries.items():
        returned = _return_type(method)
        for cls in _row_classes(returned) | {e for c in _row_classes(returned) for e in _enums(c)}:
            if cls in kq.events.EVENT_TYPES.values():  # an event lives in its area's events module
                assert getattr(kq.events, cls.__name__) is cls
                continue
            if getattr(kq, cls.__name__, None) is not cls or cls.__name__ not in kq.__all__:
                missing.append(f"{name} -> {cls.__name__}")
    assert missing == []


def test_the_rows_every_query_returns_are_the_round_tripped_ones() -> None:
    """tests/unit/test_rows_plain.py round-trips every row type a query returns (and no other)."""
    returned: set[type[Any]] = set()
    for method in public_queries().values():
        returned |= {c for c in _classes(_return_type(method)) if attrs.has(c) and hasattr(c, "to_dict")}
    # their to_dict() is the report's JSON (docs/audit-cycle.md)
    returned -= {kq.LearningReport, kq.ChairsReport}
    assert returned == set(ROW_TYPES)


def test_every_error_and_enum_is_exported() -> None:
    """SPEC 9.5: the errors of ``kentqa_domain.errors`` and the enums of every row."""
    for name, value in vars(errors).items():
        if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == errors.__name__:
            assert getattr(kq, name) is value and name in kq.__all__, name
    assert kq.InvalidInput.__mro__[1:3] == (errors.KentQAError, ValueError)
    assert not issubclass(kq.InvalidInput, kq.InvalidEvent)
    for cls in ROW_TYPES:
        for enum in _enums(cls):
            assert getattr(kq, enum.__name__) is enum, enum
    assert kq.DriftKind("review_overdue") is kq.DriftKind.REVIEW_OVERDUE


def test_dir_lists_the_rows_loaded_on_first_use() -> None:
    assert {"DriftRow", "EscalationRow", "DriftKind", "QualityAssurance"} <= set(dir(kq))
    assert isinstance(kq.Rows([], 3), list) and isinstance(kq.Counts({}, 3), dict)
    loaded = [getattr(kq, name) for name in kq.__all__]
    assert all(value is not None for value in loaded)
    assert isinstance(kq.events, types.ModuleType) and isinstance(kq.rows_to_csv, types.FunctionType)
