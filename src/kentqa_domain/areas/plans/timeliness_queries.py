"""Timeliness of reviews and conferences (R-TML-1, SPEC 9.2): held, and held in time.

About now (``as_of`` on or after every fact folded, under the due-date policy the rows were
derived with: :meth:`ChildPlans.rows_answer`, as for the drift register) the reviews held in
the period are read from ``kentqa_review_timeliness`` by an index range on ``held_on``, with
no document decoded, so one cycle's report costs the same after ten years as after one.
Otherwise the children with a review held in the period are selected from ``kentqa_reviews``;
their facts are read and each review's due date computed by the drift register's schedule
(:mod:`kentqa_domain.areas.plans.timeliness`). Both paths give the same reviews
(``tests/domain/test_review_timeliness.py`` holds both to the oracle). R-ACC-1: a review
counts for a principal who sees its team or its chair's team (as the review QA summary).
"""

from __future__ import annotations

import datetime as dt

from ...quarters import quarter_bounds, quarter_id_for
from ...readmodel.tables import as_date
from ...readmodel.view import View
from .facts import WorkerTeams
from .teams import PlanTeams
from .timeliness import (
    QuarterTimeliness,
    ReviewTimeliness,
    TimelinessKind,
    TimelinessRow,
    reviews_held,
    summarise,
    tally_quarter,
)

_HELD_IN = "SELECT DISTINCT doc_key FROM kentqa_reviews WHERE held_on >= ? AND held_on <= ?"
#: The stored R-TML-1 rows of the reviews held in a period (an index range on held_on).
_TIMELY_IN = (
    "SELECT review_id, kind, held_on, due_on, team_id, chair_id FROM kentqa_review_timeliness "
    "WHERE held_on >= ? AND held_on <= ? ORDER BY child_token, held_on, review_id"
)

_KINDS = {kind.value: kind for kind in TimelinessKind}


def visible_reviews(
    view: View, start: dt.date, end: dt.date, *, as_of: dt.date, as_worker: str | None
) -> list[ReviewTimeliness]:
    """The reviews held in ``[start, min(end, as_of)]`` that ``as_worker`` may see, each with
    its kind, due date, team and chair."""
    end = min(end, as_of)
    if end < start:
        return []
    plans = view.projection("child_plans")
    workers: WorkerTeams | None = None
    if plans.rows_answer(as_of, view.policy):
        found = stored_reviews(view, start, end)
    else:
        found, workers = computed_reviews(view, start, end, as_of)
    scope = view.scope(as_worker, on=as_of)
    if scope.kind == "all":  # everything visible: no worker's team is needed
        return found
    if workers is None:
        workers = plans.worker_teams({r.chair_id for r in found if r.chair_id is not None})
    return [
        r
        for r in found
        if view.visible(scope, (r.team_id, r.chair_id), (workers.team_on(r.chair_id, r.held_on), r.chair_id))
    ]


def computed_reviews(
    view: View, start: dt.date, end: dt.date, as_of: dt.date
) -> tuple[list[ReviewTimeliness], WorkerTeams]:
    """The reviews held in ``[start, end]`` computed from the facts of the children with one
    (any ``as_of``, any policy), by child and date, and the team histories of their workers."""
    tokens = [key for (key,) in view.select(_HELD_IN, (start, end))]
    facts = view.projection("child_plans").facts(tokens)
    return reviews_held(facts, PlanTeams(facts, as_of), view.policy, start, end), facts.workers


def stored_reviews(view: View, start: dt.date, end: dt.date) -> list[ReviewTimeliness]:
    """The reviews held in ``[start, end]`` from ``kentqa_review_timeliness`` (when the rows
    answer: :meth:`ChildPlans.rows_answer`), by child and date."""
    out = []
    for review_id, kind, held_on, due_on, team_id, chair_id in view.select(_TIMELY_IN, (start, end)):
        held = as_date(held_on)
        assert held is not None  # every stored review has the day it was held
        out.append(
            ReviewTimeliness(
                review_id=review_id,
                held_on=held,
                kind=_KINDS[kind],
                due_on=as_date(due_on),
                team_id=team_id,
                chair_id=chair_id,
            )
        )
    return out


def review_timeliness(
    view: View, start: dt.date, end: dt.date, *, as_of: dt.date, as_worker: str | None = None
) -> list[TimelinessRow]:
    """R-TML-1: rows overall, by team and by chair, one per review kind held in the period."""
    return summarise(visible_reviews(view, start, end, as_of=as_of, as_worker=as_worker))


def timeliness_by_quarter(
    view: View, start: dt.date, end: dt.date, *, as_of: dt.date, as_worker: str | None = None
) -> list[QuarterTimeliness]:
    """R-TML-1 per quarter of the council's year (decision 0968), for the quarters that
    ``[start, end]`` overlaps, oldest first (reviews held by ``as_of``)."""
    ysm = view.policy.year_start_month
    first, _ = quarter_bounds(quarter_id_for(start, ysm), ysm)
    _, last = quarter_bounds(quarter_id_for(end, ysm), ysm)
    found = visible_reviews(view, first, last, as_of=as_of, as_worker=as_worker)
    out = []
    day = first
    while day <= last:
        quarter_id = quarter_id_for(day, ysm)
        starts_on, ends_on = quarter_bounds(quarter_id, ysm)
        out.append(tally_quarter(quarter_id, starts_on, ends_on, found))
        day = ends_on + dt.timedelta(days=1)
    return out
