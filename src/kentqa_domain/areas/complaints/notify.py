"""Complaint deadlines near and breached (R-CMP-1..3, R-CMP-6, R-CMP-7; SPEC section 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from ...notification import Notification, NotificationKind
from ...policy import Policy
from .timescales import PANEL, PANEL_REPORT, RESPONSE

if TYPE_CHECKING:
    from .register import ComplaintRow


class ComplaintQueries(Protocol):
    """What this source asks: the ``complaints_register`` query (:class:`~kentqa_domain.queries.Queries`
    has it; a source never sees the application)."""

    def complaints_register(self, *, as_of: dt.date, state: str) -> Iterable[ComplaintRow]: ...


def complaint_deadlines(qa: ComplaintQueries, policy: Policy, as_of: dt.date) -> Iterator[Notification]:
    """For each complaint whose current stage is open at ``as_of`` (R-CMP-5), to
    ``policy.customer_care_audience``:

    - ``complaint_deadline_breached`` once ``as_of`` is after the next thing due (R-CMP-1..3,
      R-CMP-6, counting an extension; at stage 3, R-CMP-7: the review panel, then its report
      within 5 working days of the panel, then the council's response within 15 working days
      of the report);
    - else ``complaint_deadline_near`` when that deadline is at most
      ``policy.complaint_reminder_working_days`` working days after ``as_of`` (the deadline
      day itself included).

    The subject names the stage, the message and ``refs["due_for"]`` what is due, the due
    date is the deadline: an extension, the panel, its report or the next stage is a new
    notification (decision 0500). A complaint with the Ombudsman is not open: nothing is told.
    """
    calendar = policy.calendar
    for row in qa.complaints_register(as_of=as_of, state="open"):  # decision 0815
        if row.state != "open":
            continue
        if as_of > row.due_on:
            yield _notice(row, NotificationKind.COMPLAINT_DEADLINE_BREACHED, policy)
        elif calendar.working_days_after(as_of, row.due_on) <= policy.complaint_reminder_working_days:
            yield _notice(row, NotificationKind.COMPLAINT_DEADLINE_NEAR, policy)


#: What is due (``ComplaintRow.due_for``) -> (what a breach lacks, what must happen by the date).
_DUE = {
    RESPONSE: ("a response", "must be responded to"),
    PANEL: ("its stage 3 review panel", "must have its review panel"),
    PANEL_REPORT: ("the review panel's report", "must have the review panel's report"),
}


def _notice(row: ComplaintRow, kind: NotificationKind, policy: Policy) -> Notification:
    stage = row.stage.value.replace("_", " ")
    about = [stage, "statutory" if row.statutory else "corporate", f"service {row.service}"]
    if row.team_id:
        about.append(f"team {row.team_id}")
    deadline = f"{row.due_on.isoformat()}{' (extended)' if row.extended else ''}"
    what, verb = _DUE[row.due_for]
    if kind is NotificationKind.COMPLAINT_DEADLINE_BREACHED:
        text = f"Complaint {row.complaint_id} ({'; '.join(about)}) was due {what} by {deadline} and has none."
    else:
        text = f"Complaint {row.complaint_id} ({'; '.join(about)}) {verb} by {deadline}."
    refs = {"complaint_id": row.complaint_id, "stage": row.stage.value, "due_for": row.due_for}
    if row.team_id:
        refs["team_id"] = row.team_id
    return Notification(
        kind=kind,
        subject=f"complaint:{row.complaint_id}:{row.stage.value}",
        due_on=row.due_on,
        audience=policy.customer_care_audience,
        team_id=row.team_id,
        refs=refs,
        message=text,
    )
