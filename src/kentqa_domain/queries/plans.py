"""Children's plans and escalations: the drift register, escalations, review QA (R-LAC, R-CP, R-ESC)."""

from __future__ import annotations

import datetime as dt

from ..gc_pause import gc_paused
from ..projections.drift import DriftRow, drift_rows
from ..projections.escalations import EscalationRow, EscalationState, escalation_row
from ..projections.plan_teams import PlanTeams
from ..projections.review_qa import ReviewQARow, review_facts
from ..projections.review_qa import summarise as summarise_review_qa
from ..projections.working_day_index import working_day_index
from . import arguments
from .view import View


def drift_register(view: View, *, as_of: dt.date, as_worker: str | None = None) -> list[DriftRow]:
    """What is overdue in every open looked-after and CP plan at ``as_of`` (SPEC section 5)."""
    plans = view.projection("child_plans")
    with gc_paused():  # the first query after a load memoises every child's plans (decision 0810)
        rows = drift_rows(plans, view.projection("escalations"), view.policy, as_of)
    scope = view.scope(as_worker)
    return [
        r
        for r in rows
        if view.visible(scope, (r.team_id, r.worker_id), (plans.workers.team_on(r.chair_id, as_of), r.chair_id))
    ]


def escalations(
    view: View,
    *,
    as_of: dt.date,
    as_worker: str | None = None,
    state: EscalationState | str | None = None,
    since: dt.date | None = None,
) -> list[EscalationRow]:
    """Every escalation raised on or before ``as_of`` (SPEC section 5, R-ESC-1..5)."""
    as_of = arguments.date("escalations", "as_of", as_of)
    wanted = None if state is None else arguments.choice("escalations", EscalationState, state, "state")
    if since is not None:
        since = arguments.date("escalations", "since", since)
    esc = view.projection("escalations")
    workers = view.projection("child_plans").workers
    scope = view.scope(as_worker)
    views = esc.views(as_of, open_only=wanted is EscalationState.OPEN, since=since)
    if wanted is not None and wanted is not EscalationState.OPEN:
        views = [v for v in views if v.ending is not None and v.ending.state is wanted]
    if scope.kind != "all":
        views = [
            v
            for v in views
            if view.visible(
                scope,
                (v.raised.team_id, v.raised.raised_by),
                (workers.team_on(v.raised.raised_by, as_of), v.raised.raised_by),
            )
        ]
    days = working_day_index(view.policy.calendar)
    return [escalation_row(v, view.policy, as_of, days) for v in views]


def review_qa_summary(
    view: View, *, as_of: dt.date, by: str = "team", since: dt.date | None = None, as_worker: str | None = None
) -> list[ReviewQARow]:
    """The IRO / CP Chair QA of reviews held in ``[since, as_of]``, by team or by chair."""
    plans = view.projection("child_plans")
    teams = PlanTeams(plans, view.projection("escalations").named_teams(), as_of)
    scope = view.scope(as_worker)
    facts = [
        f
        for f in review_facts(plans, teams, since=since)
        if view.visible(
            scope, (f.team_id, f.chair_id), (plans.workers.team_on(f.chair_id, f.review.held_on), f.chair_id)
        )
    ]
    return summarise_review_qa(facts, by, view.policy)
