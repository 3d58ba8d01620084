"""Which team a review or a child's plan belongs to (decision 0201).

No event links a child to a team, so the team is inferred, in this order:

1. the team, on the review date, of the first of the review's action owners who is a
   registered worker (the plan's actions are owned by the child's social worker);
2. else the team named by the child's latest escalation raised on or before that date;
3. else the team of the review's chair (or, before any review, the child's IRO);
4. else None: the row is "unassigned" and only principals who see everything see it.
"""

from __future__ import annotations

import bisect
import datetime as dt

from .. import events as ev
from .child_plans import OpenPlan, WorkerTeams


class PlanTeams:
    """Resolves teams for one query from the worker history and the escalations."""

    def __init__(self, workers: WorkerTeams, escalation_teams: dict[str, list[tuple[dt.date, str, str]]]) -> None:
        self.workers = workers
        self.escalation_teams = escalation_teams

    def escalation_team(self, child_ref: str, day: dt.date) -> str | None:
        """The team named by the child's latest escalation raised on or before ``day``."""
        named = self.escalation_teams.get(child_ref, [])
        i = bisect.bisect_right(named, (day, "\U0010ffff", ""))
        return named[i - 1][2] if i else None

    def review_team(self, review: ev.ReviewHeld) -> str | None:
        for action in review.actions:
            if self.workers.known(action.owner_id):
                return self.workers.team_on(action.owner_id, review.held_on)
        return self.escalation_team(review.child_ref, review.held_on) or self.workers.team_on(
            review.chair_id, review.held_on
        )

    def plan_team(self, plan: OpenPlan, as_of: dt.date) -> str | None:
        if plan.reviews:
            return self.review_team(plan.reviews[-1])
        return self.escalation_team(plan.child_ref, as_of) or self.workers.team_on(plan.iro_id, as_of)
