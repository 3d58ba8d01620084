"""The row tables of children's plans, the SQL over them and each child's rows in them
(R-LAC-1..9, R-ADO-1, R-CP-1..9 as the drift register's items; R-TML-1).

Row tables of the ``child_plans`` projection
(:class:`~kentqa_domain.areas.plans.projection.ChildPlans`), replaced with the child's
document (docs/read-model.md):

- ``kentqa_plan_periods``: each plan of the walk over the child's facts, with the dates it
  opened and ended: the drift register at ``as_of`` visits only the children with a plan
  open then (for "now": the live children, whatever the history);
- ``kentqa_drift_items``: each plan's schedule as of its latest facts, under the policy of
  the process that folds (the defaults when none is given): every item that may be overdue,
  with the date it stops being overdue;
- ``kentqa_reviews``: each review, its plan, date, chair and QA date: the review QA summary
  of a period visits only the reviews held in it;
- ``kentqa_review_timeliness``: each review's kind, due date and whether it was held in time
  (R-TML-1), for analysts.

:func:`drift_items_at` is the SQL of the drift register over them (the analysts' view
``kentqa_drift_register`` and the drift register query); :func:`child_rows` and
:func:`timeliness_rows` are one child's rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...policy import Policy
from ...readmodel.tables import Column, Table, View
from .drift import row_parties, schedule
from .facts import PlanFacts, by_date
from .plans_at import OpenPlan, last_fact, no_enquiry
from .teams import PlanTeams
from .timeliness import BuiltPlans, built_plans, child_timeliness

PLAN_PERIODS = Table(
    "kentqa_plan_periods",
    (
        Column("child_token", "TEXT", "the child's anonymous token (anon-...)"),
        Column("plan", "TEXT", "looked_after or child_protection"),
        Column(
            "opened_on",
            "DATE",
            "the day the plan opened (became looked after; first strategy discussion or initial conference)",
        ),
        Column(
            "ended_on",
            "DATE",
            "the day it ended (ceased to be looked after, plan ended, or a new initial conference); NULL while open",
        ),
        Column("last_fact_on", "DATE", "the date of the plan's latest fact (its end aside)"),
    ),
    indexes=(("ended_on", "opened_on"),),
    doc="Each looked-after episode and child protection plan of each child (not CP strategy "
    "discussions that started no section 47 enquiry). Open at a date D: opened_on <= D and "
    "(ended_on IS NULL OR ended_on > D).",
)

DRIFT_ITEMS = Table(
    "kentqa_drift_items",
    (
        Column("child_token", "TEXT", "the child's anonymous token"),
        Column("plan", "TEXT", "looked_after or child_protection"),
        Column(
            "opened_on",
            "DATE",
            "the plan's opened_on (with child_token and plan: its row in kentqa_plan_periods)",
        ),
        Column(
            "kind",
            "TEXT",
            "review_overdue, initial_conference_overdue, midway_overdue, qa_overdue, action_overdue or iro_not_assigned",
        ),
        Column("due_on", "DATE", "overdue on any day after it"),
        Column(
            "resolved_on",
            "DATE",
            "the day it stopped being overdue (QA recorded, action completed, IRO named); NULL: not resolved",
        ),
        Column("review_id", "TEXT", "the review's pseudonym (the review the item follows)"),
        Column("action_id", "TEXT", "the plan action's pseudonym (action_overdue)"),
        Column("owner_id", "TEXT", "the action's owner (action_overdue)"),
        Column(
            "chair_id",
            "TEXT",
            "CP: the CP Chair assigned, else the chair of the plan's latest review; looked after: "
            "the chair of the latest review, else the child's IRO",
        ),
        Column(
            "team_id",
            "TEXT",
            "the team the item counts under: the child's latest allocation, else decision 0201's "
            "inference, from the facts as they were folded",
        ),
        Column(
            "worker_id",
            "TEXT",
            "the worker the item concerns: the action's owner, else the allocated social worker, else the chair",
        ),
        Column("iro_id", "TEXT", "looked after: the child's IRO (the latest named in the episode); CP: NULL"),
    ),
    indexes=(("due_on",),),
    doc="Each plan's schedule as of its latest facts under the policy of the process that folded "
    "it: what may be overdue, and until when.",
)

_DRIFT_ITEMS_AT = (
    "SELECT i.child_token, i.plan, i.kind, i.due_on, i.review_id, i.action_id, i.owner_id, i.team_id, i.chair_id, "
    "i.worker_id, i.iro_id "
    "FROM {kentqa_drift_items} AS i JOIN {kentqa_plan_periods} AS p "
    "ON p.child_token = i.child_token AND p.plan = i.plan AND p.opened_on = i.opened_on "
    "WHERE p.opened_on <= @day AND (p.ended_on IS NULL OR p.ended_on > @day) "
    "AND i.due_on < @day AND (i.resolved_on IS NULL OR i.resolved_on > @day)"
)


def drift_items_at(day: str) -> str:
    """The drift items of the plans open on ``day``, overdue then: ``day`` is
    ``CURRENT_DATE`` (the analysts' view) or ``?`` (a query's parameter, four times); tables as
    ``{kentqa_...}`` (a view's placeholders)."""
    if day not in ("CURRENT_DATE", "?"):
        raise ValueError(f"drift_items_at: a day is CURRENT_DATE or ?, not {day!r}")
    return _DRIFT_ITEMS_AT.replace("@day", day)


#: ``kentqa_drift_register``: the drift register today, for analysts (docs/read-model.md).
DRIFT_REGISTER = View(
    "kentqa_drift_register",
    drift_items_at("CURRENT_DATE"),
    doc="What is overdue today in every open plan (for a date on or after the plans' latest facts).",
)

REVIEWS = Table(
    "kentqa_reviews",
    (
        Column("review_id", "TEXT", "the review's pseudonym"),
        Column("child_token", "TEXT", "the child's anonymous token"),
        Column("plan", "TEXT", "looked_after or child_protection"),
        Column("kind", "TEXT", "looked_after_review, initial_cp_conference or review_cp_conference"),
        Column("held_on", "DATE", "the day it was held"),
        Column("chair_id", "TEXT", "its chair: chair_id, else the QA's author, else the child's IRO"),
        Column("assured_on", "DATE", "the day its QA was recorded; NULL: not yet"),
    ),
    indexes=(("held_on",),),
    doc="Every review and conference of every child, with its QA date.",
)

REVIEW_TIMELINESS = Table(
    "kentqa_review_timeliness",
    (
        Column("child_token", "TEXT", "the child's anonymous token"),
        Column("review_id", "TEXT", "the review's pseudonym (as in kentqa_reviews)"),
        Column(
            "kind",
            "TEXT",
            "first_looked_after_review, second_looked_after_review, later_looked_after_review, "
            "initial_cp_conference, first_review_cp_conference or later_review_cp_conference",
        ),
        Column("held_on", "DATE", "the day it was held"),
        Column(
            "due_on",
            "DATE",
            "the day it was due (the drift register's schedule); NULL: an initial conference with "
            "no section 47 strategy discussion recorded (decision 0966)",
        ),
        Column("in_time", "BOOLEAN", "held on or before due_on (false when due_on is NULL)"),
        Column(
            "team_id", "TEXT", "the team it counts under (decision 0201), from the facts as they were folded"
        ),
        Column("chair_id", "TEXT", "its chair: chair_id, else the QA's author, else the child's IRO"),
    ),
    indexes=(("held_on",),),
    doc="R-TML-1: every review and conference of every child with the date it was due and whether "
    "it was held in time, under the policy of the process that folded it.",
)


Rows = list[tuple[Any, ...]]


def child_rows(
    token: str,
    facts: PlanFacts,
    policy: Policy,
    plans: BuiltPlans | None = None,
    teams: PlanTeams | None = None,
) -> tuple[Rows, Rows, Rows]:
    """The rows of one child (``facts.children[token]``) in ``kentqa_plan_periods``,
    ``kentqa_drift_items`` (due dates under ``policy``) and ``kentqa_reviews``, each
    ``(doc_key, *columns)``. ``plans`` (the child's ``built_plans``) and ``teams`` when the
    caller has them."""
    child = facts.children[token]
    teams = teams or PlanTeams(facts, dt.date.max)
    periods: Rows = []
    items: Rows = []
    for kind, plan, whole in built_plans(child) if plans is None else plans:
        if no_enquiry(kind, plan):
            continue
        periods.append((token, token, kind.value, plan.opened_on, plan.ended_on, last_fact(plan)))
        items += _items(whole, facts, teams, policy)
    reviews: Rows = []
    for review in sorted(child.reviews.values(), key=by_date):
        qa = facts.quality.get(review.review_id)
        reviews.append(
            (
                token,
                review.review_id,
                token,
                review.kind.plan.value,
                review.kind.value,
                review.held_on,
                teams.chair_of(review),
                qa.assured_on if qa is not None else None,
            )
        )
    return periods, items, reviews


def timeliness_rows(
    token: str,
    facts: PlanFacts,
    policy: Policy,
    plans: BuiltPlans | None = None,
    teams: PlanTeams | None = None,
) -> Rows:
    """The rows of one child in ``kentqa_review_timeliness`` (R-TML-1), ``(doc_key, *columns)``."""
    teams = teams or PlanTeams(facts, dt.date.max)
    return [
        (
            token,
            token,
            r.review_id,
            r.kind.value,
            r.held_on,
            r.due_on,
            r.in_time,
            r.team_id,
            r.chair_id,
        )
        for r in child_timeliness(token, facts, teams, policy, plans)
    ]


def _items(plan: OpenPlan, facts: PlanFacts, teams: PlanTeams, policy: Policy) -> list[tuple[Any, ...]]:
    """The rows of ``kentqa_drift_items`` for one plan with all its facts."""
    token = plan.child_ref
    out = []
    for resolved, item in schedule(plan, facts, policy):
        who = row_parties(plan, item, teams, facts, dt.date.max)
        out.append(
            (
                token,
                token,
                plan.plan.value,
                plan.opened_on,
                item.kind.value,
                item.due_on,
                resolved,
                item.review_id,
                item.action_id,
                item.owner_id,
                who.chair_id,
                who.team_id,
                who.worker_id,
                who.iro_id,
            )
        )
    return out
