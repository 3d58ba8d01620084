"""Children's plans: the drift register and the review QA summary (R-LAC, R-CP).

Each query selects what it must visit with indexed SQL over the projections' row tables
(``kentqa_plan_periods``, ``kentqa_reviews``; docs/read-model.md),
reads only those documents, computes its rows from them as of ``as_of`` (children by their
anonymous tokens and pseudonyms) and then puts the children's references and original
review and action ids back (``view.revealer``), before the rows are put in order. A query
about now visits the live plans only, whatever the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ...readmodel.tables import as_date
from ...readmodel.view import View
from ...values import PlanKind
from .drift import DriftKind, DriftRow, drift_rows, row_order, working_days_overdue
from .plan_rows import drift_items_at
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


def drift_register(
    view: View, *, as_of: dt.date, escalations: dict[str, str], as_worker: str | None = None
) -> list[DriftRow]:
    """What is overdue in every open looked-after and CP plan at ``as_of`` (SPEC section 5).

    About now (``as_of`` on or after every fact folded, under the same due-date policy as
    the rows were derived with: :meth:`ChildPlans.rows_answer`) the register is read from
    ``kentqa_drift_items`` (an index range, no document decoded); about the past, or under
    another policy, it is computed from the open plans' facts. ``escalations``: each child's
    open escalation by token (:func:`kentqa_domain.areas.escalations.queries.open_by_child`).
    Both give the same rows
    (``tests/domain/test_drift_register_properties.py`` holds both to the oracle)."""
    plans = view.projection("child_plans")
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
