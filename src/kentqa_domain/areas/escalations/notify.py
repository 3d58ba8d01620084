"""Escalations raised, stage responses overdue and breaches (R-ESC-1..3; SPEC section 6
"escalation raised or stage overdue")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from ...notification import Notification, NotificationKind
from ...policy import Policy
from ...values import Role

if TYPE_CHECKING:
    from .projection import EscalationRow


class EscalationQueries(Protocol):
    """What this source asks: the ``escalations`` query (:class:`~kentqa_domain.queries.Queries`
    has it; a source never sees the application)."""

    def escalations(self, *, as_of: dt.date, state: str) -> Iterable[EscalationRow]: ...


def open_escalations(qa: EscalationQueries, policy: Policy, as_of: dt.date) -> Iterator[Notification]:
    """For each escalation open at ``as_of`` (R-ESC-4, R-ESC-5 close it), to the service manager:

    - ``escalation_raised`` if it was raised within ``policy.notification_lookback_days``
      before ``as_of`` (due date: the day raised);
    - ``escalation_response_overdue`` when its current stage's response is overdue (R-ESC-2;
      due date: the stage's response due date, so each stage is its own notification);
    - ``escalation_breached`` when it has been open longer than the target (R-ESC-3, revised
      in SPEC 9.2: counted from its first formal stage, or from raising by policy; due date:
      the last day within the target, ``row.target_due_on``).
    """
    lookback = as_of - dt.timedelta(days=policy.notification_lookback_days)
    for row in qa.escalations(as_of=as_of, state="open"):  # only open ones are told (decision 0815)
        if row.state != "open":
            continue
        stage = str(row.stage)
        refs = {"escalation_id": row.escalation_id, "stage": stage}
        about = [f"raised by {row.raised_by}", f"reason {row.reason}"]
        if row.child_ref:
            refs["child_ref"] = row.child_ref
            about.insert(0, f"child {row.child_ref}")
        if row.team_id:
            refs["team_id"] = row.team_id
            about.insert(0, f"team {row.team_id}")
        what = f"Escalation {row.escalation_id} ({', '.join(about)})"

        if lookback <= row.raised_on <= as_of:
            yield _notice(
                row,
                refs,
                kind=NotificationKind.ESCALATION_RAISED,
                subject=f"escalation:{row.escalation_id}",
                due_on=row.raised_on,
                message=f"{what} was raised at the {stage.replace('_', ' ')} stage on {row.raised_on.isoformat()}.",
            )
        if row.response_overdue:
            yield _notice(
                row,
                refs,
                kind=NotificationKind.ESCALATION_RESPONSE_OVERDUE,
                subject=f"escalation:{row.escalation_id}:{stage}",
                due_on=row.response_due_on,
                message=(
                    f"{what} awaits a response at the {stage.replace('_', ' ')} stage, "
                    f"due by {row.response_due_on.isoformat()} (R-ESC-2)."
                ),
            )
        if row.breached and row.target_from is not None and row.target_due_on is not None:
            since = (
                f"raised on {row.raised_on.isoformat()}"
                if row.target_from == row.raised_on
                else f"raised on {row.raised_on.isoformat()} and formal from {row.target_from.isoformat()}"
            )
            yield _notice(
                row,
                refs,
                kind=NotificationKind.ESCALATION_BREACHED,
                subject=f"escalation:{row.escalation_id}",
                due_on=row.target_due_on,
                message=(
                    f"{what}, {since}, is still open after {policy.escalation_target_working_days} "
                    f"working days ({row.target_due_on.isoformat()}; R-ESC-3)."
                ),
            )


def _notice(
    row: EscalationRow,
    refs: dict[str, str],
    *,
    kind: NotificationKind,
    subject: str,
    due_on: dt.date,
    message: str,
) -> Notification:
    return Notification(
        kind=kind,
        subject=subject,
        due_on=due_on,
        audience=Role.SERVICE_MANAGER.value,
        team_id=row.team_id,
        refs=refs,
        message=message,
    )
