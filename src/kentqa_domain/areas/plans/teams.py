"""Which team and which chair a review or a child's plan belongs to (decisions 0201, 0985).

The team is the one the child was allocated to (``ChildAllocated``, SPEC 9.2): on the review
date for a review, on ``as_of`` for a plan's drift rows. A child not allocated by then has
its team inferred, in this order:

1. the team, on the review date, of the first of the review's action owners who is a
   registered worker (the plan's actions are owned by the child's social worker);
2. else the team named by the child's latest escalation raised on or before that date;
3. else the team of the review's chair (below); before any review, of the child's IRO;
4. else None: the row is "unassigned" and only principals who see everything see it.

A review's chair is its ``chair_id``, else the author (``by``) of its QA recorded by
``as_of``, else (looked after) the child's IRO on the review date: the IRO named when the
child last became looked after, or assigned since (``IROAssigned``). A plan's chair is, for
a CP plan, the CP Chair assigned to it on ``as_of`` (``CPChairAssigned``), else the chair of
its latest review; for a looked-after episode, the chair of its latest review, else its IRO.
"""

from __future__ import annotations

import bisect
import datetime as dt

from ...values import PlanKind
from .facts import PlanFacts, ReviewFact
from .plans_at import OpenPlan


class PlanTeams:
    """Resolves teams and chairs for one query at ``as_of`` over the children of ``plans``."""

    def __init__(self, plans: PlanFacts, as_of: dt.date) -> None:
        self.plans = plans
        self.workers = plans.workers
        self.as_of = as_of
        self._named: dict[str, list[tuple[dt.date, str, str]]] = {}

    def escalation_team(self, child_ref: str, day: dt.date) -> str | None:
        """The team named by the child's latest escalation raised on or before ``day``."""
        named = self._named.get(child_ref)
        if named is None:
            child = self.plans.children.get(child_ref)
            named = self._named[child_ref] = child.named_teams() if child is not None else []
        i = bisect.bisect_right(named, (day, "\U0010ffff", ""))
        return named[i - 1][2] if i else None

    def chair_of(self, review: ReviewFact) -> str | None:
        if review.chair_id is not None:
            return review.chair_id
        qa = self.plans.quality.get(review.review_id)
        if qa is not None and qa.assured_on <= self.as_of:
            return qa.by
        if review.kind.plan is PlanKind.LOOKED_AFTER:
            return self.plans.children[review.child_ref].iro_on(review.held_on)
        return None

    def allocation(self, child_ref: str, day: dt.date) -> tuple[str, str | None] | None:
        """(team, social worker or None) the child was allocated to on ``day`` (SPEC 9.2)."""
        child = self.plans.children.get(child_ref)
        return child.allocation_on(day) if child is not None else None

    def review_team(self, review: ReviewFact) -> str | None:
        allocated = self.allocation(review.child_ref, review.held_on)
        if allocated is not None:
            return allocated[0]
        for action in review.actions:
            if self.workers.known(action.owner_id):
                return self.workers.team_on(action.owner_id, review.held_on)
        return self.escalation_team(review.child_ref, review.held_on) or self.workers.team_on(
            self.chair_of(review), review.held_on
        )

    def plan_team(self, plan: OpenPlan) -> str | None:
        allocated = self.allocation(plan.child_ref, self.as_of)
        if allocated is not None:
            return allocated[0]
        if plan.reviews:
            return self.review_team(plan.reviews[-1])
        return self.escalation_team(plan.child_ref, self.as_of) or self.workers.team_on(
            plan.iro_id, self.as_of
        )

    def plan_chair(self, plan: OpenPlan) -> str | None:
        """The CP Chair assigned to a CP plan, else the chair of the plan's latest review,
        else the child's IRO."""
        if plan.chair_id is not None:
            return plan.chair_id
        chair = self.chair_of(plan.reviews[-1]) if plan.reviews else None
        return chair or plan.iro_id
