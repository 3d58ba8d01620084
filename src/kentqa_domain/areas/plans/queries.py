"""Children's plans and escalations: the drift register, escalations, review QA (R-LAC, R-CP, R-ESC).

Each query selects what it must visit with indexed SQL over the projections' row tables
(``kentqa_plan_periods``, ``kentqa_escalations``, ``kentqa_reviews``; docs/read-model.md),
reads only those documents, computes its rows from them as of ``as_of`` (children by their
anonymous tokens and pseudonyms) and then puts the children's references and original
review and action ids back (``view.revealer``), before the rows are put in order. A query
about now visits the live plans and open escalations only, whatever the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ...errors import InvalidInput, UnknownReference
from ...readmodel import arguments
from ...readmodel.tables import as_date
from ...readmodel.view import View
from ...values import PlanKind
from ..escalations.projection import EscalationRow, EscalationState, EscalationView, escalation_row
from .drift import DriftKind, DriftRow, drift_rows, row_order, working_days_overdue
from .projection import drift_items_at
from .review_qa import ReviewQARow, review_facts
from .review_qa import summarise as summarise_review_qa
from .teams import PlanTeams

#: The children with a plan open at a date (three times the date): an index range for "now".
OPEN_PLANS = (
    "SELECT DISTINCT doc_key FROM ("
    "SELECT doc_key FROM kentqa_plan_periods WHERE ended_on IS NULL AND opened_on <= ? "
    "UNION ALL "
    "SELECT doc_key FROM kentqa_plan_periods WHERE ended_on > ? AND opened_on <= ?"
    ") AS open_plans"
)
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


def drift_register(view: View, *, as_of: dt.date, as_worker: str | None = None) -> list[DriftRow]:
    """What is overdue in every open looked-after and CP plan at ``as_of`` (SPEC section 5).

    About now (``as_of`` on or after every fact folded, under the same due-date policy as
    the rows were derived with: :meth:`ChildPlans.rows_answer`) the register is read from
    ``kentqa_drift_items`` (an index range, no document decoded); about the past, or under
    another policy, it is computed from the open plans' facts. Both give the same rows
    (``tests/domain/test_drift_register_properties.py`` holds both to the oracle)."""
    plans = view.projection("child_plans")
    escalations = open_escalations_by_child(view, as_of)
    if plans.rows_answer(as_of, view.policy):
        rows = drift_rows_stored(view, as_of, escalations)
        workers = plans.worker_teams({w for r in rows for w in (r.chair_id, r.iro_id) if w is not None})
    else:
        tokens = [key for (key,) in view.select(OPEN_PLANS, (as_of, as_of, as_of))]
        facts = plans.facts(tokens)
        rows = drift_rows(facts, escalations, view.policy, as_of)
        workers = facts.workers
    scope = view.scope(as_worker, on=as_of)
    # R-ACC-1 (decisions 0201, 0985): the row's team (the allocated team) or worker, the
    # chair's team or the chair, the IRO's team or the IRO
    visible = [
        r
        for r in rows
        if view.visible(
            scope,
            (r.team_id, r.worker_id),
            (workers.team_on(r.chair_id, as_of), r.chair_id),
            (workers.team_on(r.iro_id, as_of), r.iro_id),
        )
    ]
    return _revealed_drift(view, visible)


#: The drift items of the plans open at a date, overdue at it (the date four times): the
#: analysts' view ``kentqa_drift_register`` for any day.
DRIFT_ITEMS_AT = drift_items_at("?").replace("{", "").replace("}", "")


def drift_rows_stored(view: View, as_of: dt.date, escalations: dict[str, str]) -> list[DriftRow]:
    """The drift register at ``as_of`` from ``kentqa_drift_items`` (when the rows answer it)."""
    found = view.select(DRIFT_ITEMS_AT, (as_of, as_of, as_of, as_of))
    # the fourth column is a drift item's due_on, which every item has: never None here
    overdue = working_days_overdue({as_date(r[3]) for r in found}, as_of, view.policy)  # type: ignore[misc]
    rows = []
    for (
        token,
        plan,
        kind,
        due,
        review_id,
        action_id,
        _owner_id,
        team_id,
        chair_id,
        worker_id,
        iro_id,
    ) in found:
        due_on = as_date(due)
        assert due_on is not None
        rows.append(
            DriftRow(
                child_ref=token,
                plan=PlanKind(plan),
                kind=DriftKind(kind),
                due_on=due_on,
                working_days_overdue=overdue[due_on],
                escalation_id=escalations.get(token),
                team_id=team_id,
                worker_id=worker_id,
                review_id=review_id,
                action_id=action_id,
                chair_id=chair_id,
                iro_id=iro_id,
            )
        )
    rows.sort(key=row_order)
    return rows


def _revealed_drift(view: View, rows: list[DriftRow]) -> list[DriftRow]:
    """The rows with each child's reference and original review and action ids, in order."""
    revealer = view.revealer
    if revealer is None or not rows:
        return rows
    revealer.prefetch(
        (r.child_ref, name)
        for r in rows
        for name in (r.child_ref, r.review_id, r.action_id)
        if name is not None
    )
    out = [
        attrs.evolve(
            r,
            child_ref=revealer.child(r.child_ref),
            review_id=revealer.original(r.child_ref, r.review_id),
            action_id=revealer.original(r.child_ref, r.action_id),
        )
        for r in rows
    ]
    out.sort(key=row_order)
    return out


def open_escalations_by_child(view: View, as_of: dt.date) -> dict[str, str]:
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


def review_qa_summary(
    view: View,
    *,
    as_of: dt.date,
    by: str = "team",
    since: dt.date | None = None,
    as_worker: str | None = None,
) -> list[ReviewQARow]:
    """The IRO / CP Chair QA of reviews held in ``[since, as_of]``, by team or by chair:
    visits the children with a review held in the period only."""
    statement = "SELECT DISTINCT doc_key FROM kentqa_reviews WHERE held_on <= ?"
    params: list[Any] = [as_of]
    if since is not None:
        statement += " AND held_on >= ?"
        params.append(since)
    tokens = [key for (key,) in view.select(statement, params)]
    facts = view.projection("child_plans").facts(tokens)
    teams = PlanTeams(facts, as_of)
    scope = view.scope(as_worker, on=as_of)
    workers = facts.workers
    found = [
        f
        for f in review_facts(facts, teams, since=since)
        if view.visible(
            scope, (f.team_id, f.chair_id), (workers.team_on(f.chair_id, f.review.held_on), f.chair_id)
        )
    ]
    return summarise_review_qa(found, by, view.policy)
