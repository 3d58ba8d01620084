"""Timeliness of reviews and conferences (R-TML-1, SPEC 9.2): held, and held in time.

The children with a review held in the period are selected from ``kentqa_reviews`` (an index
range on ``held_on``); their facts are read and each review's due date computed by the drift
register's schedule (:mod:`kentqa_domain.areas.plans.timeliness`). R-ACC-1: a review
counts for a principal who sees its team or its chair's team (as the review QA summary).
"""

from __future__ import annotations

import datetime as dt

from ...quarters import quarter_bounds, quarter_id_for
from ...readmodel.view import View
from .teams import PlanTeams
from .timeliness import (
    QuarterTimeliness,
    ReviewTimeliness,
    TimelinessRow,
    reviews_held,
    summarise,
    tally_quarter,
)

_HELD_IN = "SELECT DISTINCT doc_key FROM kentqa_reviews WHERE held_on >= ? AND held_on <= ?"


def visible_reviews(
    view: View, start: dt.date, end: dt.date, *, as_of: dt.date, as_worker: str | None
) -> list[ReviewTimeliness]:
    """The reviews held in ``[start, min(end, as_of)]`` that ``as_worker`` may see, each with
    its kind, due date, team and chair."""
    end = min(end, as_of)
    if end < start:
        return []
    tokens = [key for (key,) in view.select(_HELD_IN, (start, end))]
    facts = view.projection("child_plans").facts(tokens)
    teams = PlanTeams(facts, as_of)
    scope = view.scope(as_worker, on=as_of)
    workers = facts.workers
    return [
        r
        for r in reviews_held(facts, teams, view.policy, start, end)
        if view.visible(
            scope, (r.team_id, r.chair_id), (workers.team_on(r.chair_id, r.review.held_on), r.chair_id)
        )
    ]


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
