"""The IRO and CP Chair QA summary of reviews, by team or by chair (R-LAC-5, R-CP-5).

Framework 4.3: after each looked-after review the IRO, and after each CP conference the CP
Chair, record whether the plan reflects the child's needs, whether its actions are within
the child's timeframe, whether it is consistent with the council's legal duties and (CP)
whether it is SMART. For the quarterly reports this module counts, for the reviews held in
a period, how many were quality assured (and how many within 5 working days), and the share
of assured reviews answering yes to each question. Shares are of the reviews assured on or
before ``as_of``; ``smart_share`` is of the QAs that answered the SMART question.

A review's team is decided as in decision 0201; its chair is the review's ``chair_id``,
else the QA's author (``by``), else the child's IRO, else None.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import attrs

from ...plain import Row
from ...policy import Policy
from ...values import PlanKind
from . import events as ev
from .facts import PlanFacts, ReviewFact, by_date
from .schedule import qa_due
from .teams import PlanTeams

GROUPINGS = ("team", "chair")


@attrs.frozen
class ReviewQARow(Row):
    """The QA of one group's reviews held in the period, for one plan kind."""

    by: str
    key: str | None
    plan: PlanKind
    reviews: int
    assured: int
    assured_on_time: int
    plan_reflects_needs_share: float | None
    actions_in_child_timeframe_share: float | None
    consistent_with_legal_duties_share: float | None
    smart_share: float | None
    smart_answered: int


@attrs.frozen
class ReviewFacts:
    """One review, the team and chair it counts under, and its QA (if done by ``as_of``)."""

    review: ReviewFact
    team_id: str | None
    chair_id: str | None
    qa: ev.ReviewQualityAssured | None


def review_facts(plans: PlanFacts, teams: PlanTeams, *, since: dt.date | None = None) -> list[ReviewFacts]:
    """Every review of the children of ``plans`` held in ``[since, teams.as_of]`` with its
    team, chair and QA, by child and date."""
    as_of = teams.as_of
    out = []
    reviews = (
        review
        for token in sorted(plans.children)
        for review in sorted(plans.children[token].reviews.values(), key=by_date)
    )
    for review in reviews:
        if review.held_on > as_of or (since is not None and review.held_on < since):
            continue
        qa = plans.quality.get(review.review_id)
        if qa is not None and qa.assured_on > as_of:
            qa = None
        out.append(ReviewFacts(review, teams.review_team(review), teams.chair_of(review), qa))
    return out


def _share(yes: int, of: int) -> float | None:
    return yes / of if of else None


def summarise(facts: Iterable[ReviewFacts], by: str, policy: Policy) -> list[ReviewQARow]:
    """Rows by ``by`` ("team" or "chair") and plan kind; the None group (unassigned) last."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    groups: dict[tuple[str | None, PlanKind], list[ReviewFacts]] = defaultdict(list)
    for fact in facts:
        key = fact.team_id if by == "team" else fact.chair_id
        groups[(key, fact.review.kind.plan)].append(fact)
    rows = []
    for (key, plan), members in groups.items():
        qas = [(f.review, f.qa) for f in members if f.qa is not None]
        smart = [qa.smart for _, qa in qas if qa.smart is not None]
        rows.append(
            ReviewQARow(
                by=by,
                key=key,
                plan=plan,
                reviews=len(members),
                assured=len(qas),
                assured_on_time=sum(
                    1 for review, qa in qas if qa.assured_on <= qa_due(plan, review.held_on, policy)
                ),
                plan_reflects_needs_share=_share(sum(qa.plan_reflects_needs for _, qa in qas), len(qas)),
                actions_in_child_timeframe_share=_share(
                    sum(qa.actions_in_child_timeframe for _, qa in qas), len(qas)
                ),
                consistent_with_legal_duties_share=_share(
                    sum(qa.consistent_with_legal_duties for _, qa in qas), len(qas)
                ),
                smart_share=_share(sum(smart), len(smart)),
                smart_answered=len(smart),
            )
        )
    rows.sort(key=lambda r: (r.plan, r.key is None, r.key or ""))
    return rows
