"""Escalations by IROs and CP Chairs: the register and the open escalations by child (R-ESC-1..5).

The register selects what it must visit with indexed SQL over ``kentqa_escalations``
(docs/read-model.md), reads only those documents, computes its rows as of ``as_of`` and then
puts the children's references back (``view.revealer``). "What is open now" visits the open
escalations only, whatever the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ...errors import InvalidInput, UnknownReference
from ...readmodel import arguments
from ...readmodel.tables import as_date
from ...readmodel.view import View
from .projection import EscalationRow, EscalationState, EscalationView, escalation_row

#: ``raised_on`` where it must not choose the index: the escalations ended after a date are
#: found by ``ended_on``, never by scanning every escalation raised before it (SQLite without
#: statistics would otherwise take the index on ``raised_on``).
_RAISED_ON = "COALESCE(raised_on, raised_on)"
#: Escalations open at a date (three times the date), with the child they concern.
OPEN_ESCALATIONS = (
    "SELECT raised_on, escalation_id, child_token FROM kentqa_escalations "
    "WHERE ended_on IS NULL AND raised_on <= ? "
    "UNION ALL "
    "SELECT raised_on, escalation_id, child_token FROM kentqa_escalations "
    "WHERE ended_on > ? AND COALESCE(raised_on, raised_on) <= ?"
)
#: A scoped page of the escalations register reads this many candidates at a time.
_SCOPED_PAGE = 200


def open_by_child(view: View, as_of: dt.date) -> dict[str, str]:
    """Each child's open escalation at ``as_of`` (by token): the latest raised, ties to the
    highest id. Reads the open escalations' rows only."""
    latest: dict[str, tuple[dt.date, str]] = {}
    for raised_on, escalation_id, token in view.select(OPEN_ESCALATIONS, (as_of, as_of, as_of)):
        if token is None:
            continue
        key = (as_date(raised_on) or dt.date.min, str(escalation_id))
        if token not in latest or key > latest[token]:
            latest[token] = key
    return {token: escalation_id for token, (_, escalation_id) in latest.items()}


def escalations(
    view: View,
    *,
    as_of: dt.date,
    as_worker: str | None = None,
    state: EscalationState | str | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
    after: str | None = None,
) -> list[EscalationRow]:
    """Escalations raised on or before ``as_of`` (SPEC section 5, R-ESC-1..5), by raising date
    and id; ``limit`` rows at most, those after the escalation ``after`` (the last of the
    previous page)."""
    as_of = arguments.date("escalations", "as_of", as_of)
    wanted = None if state is None else arguments.choice("escalations", EscalationState, state, "state")
    if since is not None:
        since = arguments.date("escalations", "since", since)
    limit = arguments.limit("escalations", limit)
    cursor = None if after is None else _cursor(view, after)
    esc = view.projection("escalations")
    scope = view.scope(as_worker, on=as_of)
    days = view.policy.calendar
    page = None if limit is None else (limit if scope.kind == "all" else max(limit, _SCOPED_PAGE))
    out: list[EscalationRow] = []
    while True:
        found = _register_ids(view, as_of=as_of, wanted=wanted, since=since, cursor=cursor, limit=page)
        views = esc.views([escalation_id for _, escalation_id in found], as_of)
        if scope.kind != "all":
            views = _visible(view, scope, views, as_of)
        out += [escalation_row(v, view.policy, as_of, days) for v in views]
        if page is None or len(found) < page or (limit is not None and len(out) >= limit):
            break
        cursor = found[-1]
    if limit is not None:
        out = out[:limit]
    return _revealed_escalations(view, out)


def _cursor(view: View, after: object) -> tuple[dt.date, str]:
    """(raised on, id) of the escalation ``after``: a page starts after it."""
    if not isinstance(after, str):
        raise InvalidInput(
            "escalations", "after", "type", "must be an escalation id (the last of the previous page)"
        )
    found = view.select("SELECT raised_on FROM kentqa_escalations WHERE doc_key = ?", (after,))
    if not found:
        raise UnknownReference("escalations", "after", "reference", f"no escalation {after!r} is recorded")
    raised_on = as_date(found[0][0])
    assert raised_on is not None
    return raised_on, after


def _register_ids(
    view: View,
    *,
    as_of: dt.date,
    wanted: EscalationState | None,
    since: dt.date | None,
    cursor: tuple[dt.date, str] | None,
    limit: int | None,
) -> list[tuple[dt.date, str]]:
    """(raised on, id) of the register's rows after ``cursor``, in the register's order (by
    date, then id as Python orders text: the same on every back end, whatever the database's
    collation), from ``kentqa_escalations``. Open ones come through the index on ``ended_on``
    (only the escalations not ended by ``as_of`` are read); the others by raising date, a
    page at a time, the days at the page's edges read whole."""

    def condition(raised_on: str) -> tuple[str, list[Any]]:
        where = [f"{raised_on} <= ?"]
        params: list[Any] = [as_of]
        if since is not None:
            where.append(f"{raised_on} >= ?")
            params.append(since)
        if wanted is not None and wanted is not EscalationState.OPEN:
            where.append("state = ? AND ended_on <= ?")
            params += [wanted.value, as_of]
        return " AND ".join(where), params

    def ids(statement: str, params: list[Any]) -> list[tuple[dt.date, str]]:
        return [
            (as_date(raised_on) or dt.date.min, str(escalation_id))
            for raised_on, escalation_id in view.select(statement, params)
        ]

    columns = "SELECT raised_on, escalation_id FROM kentqa_escalations WHERE "
    if wanted is EscalationState.OPEN:
        still_open, first = condition("raised_on")
        ended_later, second = condition(_RAISED_ON)
        # No ORDER BY: SQLite would walk the raised_on index over every escalation for it.
        found = ids(  # fixed text only: every value is bound
            f"{columns}ended_on IS NULL AND {still_open} UNION ALL {columns}ended_on > ? AND {ended_later}",
            [*first, as_of, *second],
        )
        found = sorted(f for f in found if cursor is None or f > cursor)
        return found if limit is None else found[:limit]
    where, params = condition("raised_on")
    found = []
    if cursor is not None:  # the rest of the cursor's day, then the days after it
        found = [f for f in ids(f"{columns}{where} AND raised_on = ?", [*params, cursor[0]]) if f > cursor]
        where, params = f"{where} AND raised_on > ?", [*params, cursor[0]]
    statement, page_params = f"{columns}{where} ORDER BY raised_on", list(params)
    if limit is not None:
        statement += " LIMIT ?"
        page_params.append(limit)
    page = ids(statement, page_params)
    if limit is not None and len(page) == limit:  # the page's last day, whole
        last = page[-1][0]
        page = [f for f in page if f[0] < last] + ids(f"{columns}{where} AND raised_on = ?", [*params, last])
    found = sorted(found + page)
    return found if limit is None else found[:limit]


def _visible(view: View, scope: Any, views: list[EscalationView], as_of: dt.date) -> list[EscalationView]:
    """R-ACC-1: the escalations visible to the team they name or the raiser's team."""
    workers = view.projection("child_plans").worker_teams({v.raised.raised_by for v in views})
    return [
        v
        for v in views
        if view.visible(
            scope,
            (v.raised.team_id, v.raised.raised_by),
            (workers.team_on(v.raised.raised_by, as_of), v.raised.raised_by),
        )
    ]


def _revealed_escalations(view: View, rows: list[EscalationRow]) -> list[EscalationRow]:
    revealer = view.revealer
    tokens = [r.child_ref for r in rows if r.child_ref is not None]
    if revealer is None or not tokens:
        return rows
    revealer.prefetch((t, t) for t in tokens)
    return [
        r if r.child_ref is None else attrs.evolve(r, child_ref=revealer.child(r.child_ref)) for r in rows
    ]
