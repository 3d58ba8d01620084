"""Audits graded inadequate (framework 4.3 "Audits"; SPEC section 6 "inadequate audit")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Protocol

from ...notification import Notification, NotificationKind
from ...policy import Policy
from ...readmodel.view import View
from ...values import Grade, Role
from . import queries as audits
from .events import AuditCompleted


class AuditQueries(Protocol):
    """What this source asks: a view of the state (:class:`~kentqa_domain.queries.Queries`
    has it; a source never sees the application)."""

    def view(self) -> View: ...


def inadequate_audits(qa: AuditQueries, policy: Policy, as_of: dt.date) -> Iterator[Notification]:
    """``audit_inadequate`` to the audited team's manager, for each audit graded inadequate
    overall and completed within ``policy.notification_lookback_days`` before ``as_of``
    (inclusive). The due date is the completion date: one notification per audit.

    Read from the audit cycle's rows (``kentqa_audits``) by completion date, across cycles
    (the lookback window may span two): only the window's inadequate audits are read.
    """
    start = as_of - dt.timedelta(days=policy.notification_lookback_days)
    for audit in audits.completed_between(qa.view(), start, as_of, overall=Grade.INADEQUATE):
        yield notice(audit)


def notice(audit: AuditCompleted) -> Notification:
    about = [f"team {audit.team_id}"]
    refs = {"audit_id": audit.audit_id, "team_id": audit.team_id, "auditor_id": audit.auditor_id}
    if audit.case_ref:
        about.append(f"case {audit.case_ref}")
        refs["case_ref"] = audit.case_ref
    if audit.worker_id:
        about.append(f"worker {audit.worker_id}")
        refs["worker_id"] = audit.worker_id
    kind = audit.kind.value.replace("_", " ")
    return Notification(
        kind=NotificationKind.AUDIT_INADEQUATE,
        subject=f"audit:{audit.audit_id}",
        due_on=audit.completed_on,
        audience=Role.TEAM_MANAGER.value,
        team_id=audit.team_id,
        refs=refs,
        message=(
            f"Audit {audit.audit_id} ({kind} audit; {', '.join(about)}) was graded inadequate "
            f"overall by {audit.auditor_id} on {audit.completed_on.isoformat()}."
        ),
    )
