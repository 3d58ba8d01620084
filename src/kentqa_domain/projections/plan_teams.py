"""Which team and which chair a review or a child's plan belongs to (decision 0201).

No event links a child to a team, so the team is inferred, in this order:

1. the team, on the review date, of the first of the review's action owners who is a
   registered worker (the plan's actions are owned by the child's social worker);
2. else the team named by the child's latest escalation raised on or before that date;
3. else the team of the review's chair (below); before any review, of the child's IRO;
4. else None: the row is "unassigned" and only principals who see everything see it.

A review's chair is its ``chair_id``, else the author (``by``) of its QA recorded by
``as_of``, else (looked after) the IRO named when the child last became looked after.
"""

from __future__ import annotations

import bisect
import datetime as dt

from ..values import PlanKind
from .plan_facts import OpenPlan, PlanFacts, ReviewFact


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
            starts = self.plans.children[review.child_ref].lac_starts
            named = [d for d in starts if d <= review.held_on]
            return starts[max(named)] if named else None
        return None

    def review_team(self, review: ReviewFact) -> str | None:
        for action in review.actions:
            if self.workers.known(action.owner_id):
                return self.workers.team_on(action.owner_id, review.held_on)
        return self.escalation_team(review.child_ref, review.held_on) or self.workers.team_on(
            self.chair_of(review), review.held_on
        )

    def plan_team(self, plan: OpenPlan) -> str | None:
        if plan.reviews:
            return self.review_team(plan.reviews[-1])
        return self.escalation_team(plan.child_ref, self.as_of) or self.workers.team_on(
            plan.iro_id, self.as_of
        )

    def plan_chair(self, plan: OpenPlan) -> str | None:
        """The chair of the plan's latest review, else the child's IRO."""
        chair = self.chair_of(plan.reviews[-1]) if plan.reviews else None
        return chair or plan.iro_id
