"""Plans drifting: reviews, initial conferences, midway reviews, QA and plan actions overdue,
and looked-after children with no IRO (R-LAC-1..6, R-LAC-9, R-CP-1..6; SPEC section 6
"review or midway overdue")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from ...notification import Notification, NotificationKind
from ...policy import Policy
from ...values import PlanKind, Role

if TYPE_CHECKING:
    from .drift import DriftRow

#: Drift register kinds -> notification kinds.
KINDS = {
    "review_overdue": NotificationKind.REVIEW_OVERDUE,
    "initial_conference_overdue": NotificationKind.INITIAL_CONFERENCE_OVERDUE,
    "midway_overdue": NotificationKind.MIDWAY_OVERDUE,
    "qa_overdue": NotificationKind.QA_OVERDUE,
    "action_overdue": NotificationKind.PLAN_ACTION_OVERDUE,
    "iro_not_assigned": NotificationKind.IRO_NOT_ASSIGNED,
}


class DriftQueries(Protocol):
    """What this source asks: the ``drift_register`` query (:class:`~kentqa_domain.queries.Queries`
    has it; a source never sees the application)."""

    def drift_register(self, *, as_of: dt.date) -> Iterable[DriftRow]: ...


def drifting_plans(qa: DriftQueries, policy: Policy, as_of: dt.date) -> Iterator[Notification]:
    """One notification per row of ``drift_register`` at ``as_of`` (R-LAC-1..6, R-CP-1..6;
    R-LAC-7 and R-CP-7 close a plan, so it has no rows): to the IRO for a looked-after plan
    (for ``iro_not_assigned``, R-LAC-9, the IRO service, which appoints one), to the CP Chair
    for a child-protection plan. The subject names the child and plan (and
    the review for QA, the action for a plan action); the due date is the row's ``due_on``."""
    for row in qa.drift_register(as_of=as_of):
        kind = KINDS[row.kind.value]
        subject = f"child:{row.child_ref}:{row.plan.value}"
        if kind is NotificationKind.QA_OVERDUE and row.review_id:
            subject += f":review:{row.review_id}"
        if kind is NotificationKind.PLAN_ACTION_OVERDUE and row.action_id:
            subject += f":action:{row.action_id}"
        refs = {"child_ref": row.child_ref, "plan": row.plan.value}
        for name in ("review_id", "action_id", "chair_id", "iro_id", "team_id", "worker_id", "escalation_id"):
            value = getattr(row, name)
            if value:
                refs[name] = value
        looked_after = row.plan is PlanKind.LOOKED_AFTER
        yield Notification(
            kind=kind,
            subject=subject,
            due_on=row.due_on,
            audience=(Role.IRO if looked_after else Role.CP_CHAIR).value,
            team_id=row.team_id,
            refs=refs,
            message=_message(kind, row),
        )


def _message(kind: NotificationKind, row: DriftRow) -> str:
    looked_after = row.plan is PlanKind.LOOKED_AFTER
    child, due = row.child_ref, row.due_on.isoformat()
    plan = "looked-after" if looked_after else "child protection"
    rules = "R-LAC" if looked_after else "R-CP"
    if kind is NotificationKind.REVIEW_OVERDUE:
        what = "review" if looked_after else "review conference"
        text = f"Child {child}'s {plan} {what} was due by {due} ({rules}-1..3) and has not been held."
    elif kind is NotificationKind.INITIAL_CONFERENCE_OVERDUE:
        text = f"Child {child}'s initial child protection conference was due by {due} (R-CP-1) and has not been held."
    elif kind is NotificationKind.MIDWAY_OVERDUE:
        text = f"Child {child}'s {plan} midway review was due by {due} ({rules}-4) and is not recorded."
    elif kind is NotificationKind.IRO_NOT_ASSIGNED:
        text = f"No IRO is appointed for looked-after child {child}: one was due by {due} (R-LAC-9)."
    elif kind is NotificationKind.QA_OVERDUE:
        text = (
            f"The quality assurance of review {row.review_id} for child {child} was due by {due} "
            f"({rules}-5) and is not recorded."
        )
    else:
        text = (
            f"Plan action {row.action_id} for child {child} ({plan} plan) was due by {due} "
            f"({rules}-6) and is not completed."
        )
    if row.escalation_id:
        text += f" Escalation {row.escalation_id} is open."
    return text
