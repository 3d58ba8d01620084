"""What every query mixin of :class:`~kentqa_domain.queries.Queries` stands on: the view the
subclass gives (:meth:`QueryBase._viewing`), and the helpers that read a date argument and
give an answer with the position it reflects (SPEC 9.5)."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from ..plain import Counts, Rows
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from ..readmodel.view import View

if TYPE_CHECKING:
    from ..policy import Policy


class QueryBase:
    """The view the queries read; subclasses say where it comes from (:meth:`_viewing`)."""

    policy: Policy
    plugin_manager: Any = None

    def _viewing(self) -> AbstractContextManager[View]:
        """The state as it is now, for the length of the block: one position, one snapshot."""
        raise NotImplementedError

    def view(self) -> View:
        """The state as it is now (outside a snapshot: for one query's reads)."""
        with self._viewing() as view:
            return view


_A = TypeVar("_A")
_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")


@overload
def _day(value: DateArgument) -> dt.date: ...
@overload
def _day(value: None) -> None: ...
@overload
def _day(value: DateArgument | None) -> dt.date | None: ...
def _day(value: DateArgument | None) -> dt.date | None:
    """A date argument as the area modules take it: :func:`arguments.checked` has already
    read it (a ``date``); one given otherwise is read here the same way."""
    if value is None or isinstance(value, dt.date):
        return value
    return arguments.date("query", "date", value)


@overload
def _answer(view: View, result: list[_T]) -> Rows[_T]: ...
@overload
def _answer(view: View, result: dict[_K, _V]) -> Counts[_K, _V]: ...
@overload
def _answer(view: View, result: _A) -> _A: ...
def _answer(view: View, result: Any) -> Any:
    """An answer with the log position it reflects (SPEC 9.5): a list as :class:`Rows`, a dict
    as :class:`Counts`, a summary or report with its ``position`` field set."""
    if isinstance(result, list):
        return Rows(result, view.position)
    if isinstance(result, dict):
        return Counts(result, view.position)
    if attrs.has(type(result)) and "position" in attrs.fields_dict(type(result)):
        return attrs.evolve(result, position=view.position)
    return result
