"""Complaints: the register and the summary over a period (R-CMP-1..7; framework 4.1, 4.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import attrs

from ...errors import InvalidInput
from ...readmodel import arguments
from ...readmodel.tables import as_date
from ...readmodel.view import View
from .files import OPEN, STATES, ComplaintFile
from .register import ComplaintRow, register_row
from .summary import ComplaintsSummary, summarise

#: Candidate rows read from ``kentqa_complaints`` per query, and documents read per prefetch.
BATCH = 500


#: (received on, complaint id, team id): a candidate row of the register, in its order.
Candidate = tuple[dt.date, str, "str | None"]
_COLUMNS = "SELECT received_on, complaint_id, team_id FROM kentqa_complaints WHERE "


def _candidates(view: View, where: str, params: Sequence[Any]) -> list[Candidate]:
    found = view.select(_COLUMNS + where, params)
    # a complaint's row is written with its received_on (it is made on receipt): never None here
    return [(as_date(on), cid, team) for on, cid, team in found]  # type: ignore[misc]


def _in_order(
    view: View, where: str, params: Sequence[Any], start: tuple[dt.date, str] | None, size: int
) -> Iterator[Candidate]:
    """The rows matching ``where`` by (received on, id), after ``start``, read ``size`` at a time.

    SQL orders by date only (text order differs between back ends' collations); the ids of
    one date are ordered here, and a batch always ends with the whole of its last date.
    """
    after: dt.date | None = None
    if start is not None:
        day, last_id = start
        same_day = _candidates(view, f"{where} AND received_on = ?", (*params, day))
        yield from sorted(c for c in same_day if c[1] > last_id)
        after = day
    while True:
        if after is None:
            batch = _candidates(view, f"{where} ORDER BY received_on LIMIT {size}", params)
        else:
            later = f"{where} AND received_on > ? ORDER BY received_on LIMIT {size}"
            batch = _candidates(view, later, (*params, after))
        if not batch:
            return
        full = len(batch) == size
        if full:
            last = batch[-1][0]
            batch = [c for c in batch if c[0] != last]
            batch += _candidates(view, f"{where} AND received_on = ?", (*params, last))
        batch.sort()
        yield from batch
        if not full:
            return
        after = batch[-1][0]
        size = BATCH


def _maybe_open(
    view: View, as_of: dt.date, since: dt.date | None, start: tuple[dt.date, str] | None
) -> list[Candidate]:
    """The complaints received by ``as_of`` not settled by then (a superset of the open ones),
    in register order: only live complaints are read, whatever the length of history."""
    bounds, params = "received_on <= ?", [as_of]
    if since is not None:
        bounds += " AND received_on >= ?"
        params.append(since)
    found = _candidates(view, f"settled_on IS NULL AND {bounds}", params)
    found += _candidates(view, f"settled_on > ? AND {bounds}", [as_of, *params])
    found.sort()
    if start is not None:
        found = [c for c in found if (c[0], c[1]) > start]
    return found


def _files(
    view: View, ids: Iterable[str], size: Callable[[], int] = lambda: BATCH
) -> Iterator[ComplaintFile]:
    """The documents of ``ids`` in that order, read ``size()`` at a time (asked before each read)."""
    files = view.projection("complaints").files
    pending = iter(ids)
    while chunk := list(islice(pending, size())):
        files.prefetch(chunk)
        yield from (files[i] for i in chunk)


def _limit(limit: object) -> int | None:
    if limit is None:
        return None
    return arguments.limit("complaints_register", limit)


def _after(view: View, after: object, allows: Callable[[str | None], bool]) -> tuple[dt.date, str] | None:
    """Where the page after the row of ``after`` starts: its (received on, id)."""
    if after is None:
        return None
    if not isinstance(after, str):
        raise InvalidInput(
            "complaints_register", "after", "type", f"must be a complaint id, not {type(after).__name__}"
        )
    found = view.select("SELECT received_on, team_id FROM kentqa_complaints WHERE doc_key = ?", (after,))
    if not found or not allows(found[0][1]):  # one the worker may not see is unknown to them (R-ACC-1)
        raise InvalidInput(
            "complaints_register",
            "after",
            "page",
            f"{after!r} is not a complaint in the register (the last id of a page)",
        )
    received_on = as_date(found[0][0])
    assert received_on is not None
    return received_on, after


def complaints_register(
    view: View,
    *,
    as_of: dt.date,
    as_worker: str | None = None,
    state: str | Iterable[str] | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
    after: str | None = None,
) -> list[ComplaintRow]:
    """Every complaint received by ``as_of``: stage, state, due date, extended, breached, late.

    By receipt date then id; ``state``/``since`` filter, ``limit`` rows from the one after
    ``after`` (the last id of the previous page). The rows of ``kentqa_complaints`` choose
    the documents read: with ``state="open"`` only those not settled by ``as_of``; each row
    is computed from its document at ``as_of`` (decision 0900).
    """
    as_of = arguments.date("complaints_register", "as_of", as_of)
    states = None if state is None else arguments.states("complaints_register", state, STATES)
    if since is not None:
        since = arguments.date("complaints_register", "since", since)
    wanted = _limit(limit)
    allows = view.team_filter(as_worker, on=as_of)
    start = _after(view, after, allows)
    candidates: Iterable[Candidate]
    if states is not None and states <= {OPEN}:
        candidates = _maybe_open(view, as_of, since, start)
    else:
        where, params = "received_on <= ?", [as_of]
        if since is not None:
            where += " AND received_on >= ?"
            params.append(since)
        candidates = _in_order(view, where, params, start, min(BATCH, wanted or BATCH))
    ids = (cid for _on, cid, team in candidates if allows(team))
    days = view.policy.calendar
    rows: list[ComplaintRow] = []
    # a page reads the documents of the rows it still needs, not a whole batch
    needed = (lambda: BATCH) if wanted is None else (lambda: min(BATCH, wanted - len(rows)))
    for found in _files(view, ids, needed):
        row = register_row(found, view.policy, as_of, days)
        if row is not None and (states is None or row.state in states):
            rows.append(row)
            if wanted is not None and len(rows) == wanted:
                break
    return _revealed(view, rows)


def _revealed(view: View, rows: list[ComplaintRow]) -> list[ComplaintRow]:
    """The child of a complaint about a child, by its reference while the child's key exists
    (the token once the child is forgotten; SPEC 9.2, decision 0900)."""
    revealer = view.revealer
    tokens = [r.child_ref for r in rows if r.child_ref is not None]
    if revealer is None or not tokens:
        return rows
    revealer.prefetch((t, t) for t in tokens)
    return [
        r if r.child_ref is None else attrs.evolve(r, child_ref=revealer.child(r.child_ref)) for r in rows
    ]


def complaints_summary(
    view: View, start: dt.date, end: dt.date, *, as_of: dt.date | None = None, as_worker: str | None = None
) -> ComplaintsSummary:
    """Complaints in [start, end] overall, by service and by team (framework 4.3; R-CMP-1..6).

    Reads only the complaints a fact of which is dated on or after ``start`` (received by
    ``end``) and those never settled: a year's summary costs the same after ten years.
    """
    start, end = arguments.period("complaints_summary", start, end, as_of)
    allows = view.team_filter(as_worker, on=end)
    found = view.select(
        "SELECT complaint_id, team_id FROM kentqa_complaints WHERE last_fact_on >= ? AND received_on <= ? "
        "UNION SELECT complaint_id, team_id FROM kentqa_complaints "
        "WHERE settled_on IS NULL AND received_on <= ?",
        (start, end, end),
    )
    ids = sorted(cid for cid, team in found if allows(team))
    return summarise(_files(view, ids), start, end, view.policy)
