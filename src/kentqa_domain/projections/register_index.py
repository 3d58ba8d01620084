"""Indexes that let a register visit only the rows a filter can return (decision 0815).

A register row's state at ``as_of`` is computed from the facts dated on or before it, so an
item is *open* at ``as_of`` unless the facts say it settled on or before then.
:class:`SettledIndex` keeps, per item, the date from which no ``as_of`` can see it open
(None: it may be open whatever the date), derived from the folded facts alone, so it is the
same in any arrival order. ``maybe_open(as_of)`` is then the items never settled and those
settled after ``as_of`` — a superset of the open ones, which the register checks row by row.
For "now" (``as_of`` after every fact) that is the open items only, whatever the history.

:class:`DatedIndex` keeps ids sorted by (date, id): a register's order, and ``since`` as a
bisection.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator


class DatedIndex:
    """Ids sorted by (date, id); an id has one date (setting it again moves it)."""

    def __init__(self) -> None:
        self.dates: dict[str, dt.date] = {}
        self.order: list[tuple[dt.date, str]] = []

    def put(self, item_id: str, on: dt.date) -> None:
        old = self.dates.get(item_id)
        if old == on:
            return
        if old is not None:
            del self.order[bisect.bisect_left(self.order, (old, item_id))]
        self.dates[item_id] = on
        bisect.insort(self.order, (on, item_id))

    def discard(self, item_id: str) -> None:
        old = self.dates.pop(item_id, None)
        if old is not None:
            del self.order[bisect.bisect_left(self.order, (old, item_id))]

    def between(self, first: dt.date | None, last: dt.date) -> Iterator[str]:
        """Ids dated ``first`` (None: the beginning) .. ``last``, by date then id."""
        low = 0 if first is None else bisect.bisect_left(self.order, (first, ""))
        for on, item_id in self.order[low:]:
            if on > last:
                return
            yield item_id

    def after(self, day: dt.date) -> Iterator[str]:
        """Ids dated after ``day``."""
        for _on, item_id in self.order[bisect.bisect_right(self.order, (day, "\U0010ffff")) :]:
            yield item_id


class SettledIndex:
    """Per item, the date from which it cannot be open (None: not settled)."""

    def __init__(self) -> None:
        self.unsettled: set[str] = set()
        self.settled = DatedIndex()

    def put(self, item_id: str, settled_on: dt.date | None) -> None:
        if settled_on is None:
            self.settled.discard(item_id)
            self.unsettled.add(item_id)
        else:
            self.unsettled.discard(item_id)
            self.settled.put(item_id, settled_on)

    def maybe_open(self, as_of: dt.date) -> set[str]:
        """Every item that may be open at ``as_of`` (and some that are not: check each)."""
        found = set(self.unsettled)
        found.update(self.settled.after(as_of))
        return found
