"""R-AUD-5 audit actions and R-AUD-6 thematic audits: where each stands at ``as_of``.

An action counts from the day its audit was completed; a completion counts from the day it
was done. Both are read by business date, so a completion typed up late still counts on the
day it happened, and nothing after ``as_of`` is known yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from .. import events as ev
from ..calendar import WorkingCalendar
from ..values import AuditKind
from .audit_grades import good_or_better, grade_counts
from .audit_rows import AuditActionRow, Progress, ThematicAuditRow
from .working_day_index import working_day_index


def action_rows(
    audits: Iterable[ev.AuditCompleted],
    completions: Mapping[tuple[str, str], dt.date],
    cycle_of: Callable[[ev.AuditCompleted], str],
    calendar: WorkingCalendar,
    *,
    as_of: dt.date,
) -> list[AuditActionRow]:
    """R-AUD-5: every action of ``audits``; not completed by its due date = overdue.

    Overdue at ``as_of`` means ``due_on`` < ``as_of`` and no completion on or before
    ``as_of``; an action due today is still open. Working days overdue come from the
    calendar's working-day index (decision 0815): the same count, without a walk per row.
    """
    days = working_day_index(calendar)
    rows = []
    for audit in audits:
        for action in audit.actions:
            done = completions.get((audit.audit_id, action.action_id))
            if done is not None and done > as_of:
                done = None
            if done is not None:
                status = Progress.COMPLETED
            elif action.due_on < as_of:
                status = Progress.OVERDUE
            else:
                status = Progress.OPEN
            rows.append(
                AuditActionRow(
                    audit_id=audit.audit_id,
                    action_id=action.action_id,
                    description=action.description,
                    owner_id=action.owner_id,
                    due_on=action.due_on,
                    team_id=audit.team_id,
                    kind=audit.kind,
                    cycle_id=cycle_of(audit),
                    raised_on=audit.completed_on,
                    completed_on=done,
                    status=status,
                    completed_late=done is not None and done > action.due_on,
                    working_days_overdue=(
                        days.working_days_after(action.due_on, as_of) if status is Progress.OVERDUE else 0
                    ),
                )
            )
    rows.sort(key=lambda r: (r.due_on, r.audit_id, r.action_id))
    return rows


def thematic_rows(
    themes: Iterable[ev.ThematicAuditAgreed],
    audits: Iterable[ev.AuditCompleted],
    *,
    as_of: dt.date,
) -> list[ThematicAuditRow]:
    """R-AUD-6: thematic audits agreed by ``as_of``, with the thematic audits done on each.

    A thematic audit reports against an agreed theme when its ``themes`` hold the theme id
    (themes compare in lower case) and it was completed between ``agreed_on`` and ``as_of``.
    """
    thematic = [a for a in audits if a.kind is AuditKind.THEMATIC and a.completed_on <= as_of]
    rows = []
    for theme in sorted(themes, key=lambda t: (t.due_on, t.theme_id)):
        if theme.agreed_on > as_of:
            continue
        label = theme.theme_id.lower()
        done = [a for a in thematic if label in a.themes and a.completed_on >= theme.agreed_on]
        graded, _good, share = good_or_better(grade_counts(done))
        if done:
            status = Progress.COMPLETED
        elif theme.due_on < as_of:
            status = Progress.OVERDUE
        else:
            status = Progress.OPEN
        rows.append(
            ThematicAuditRow(
                theme_id=theme.theme_id,
                title=theme.title,
                hypothesis=theme.hypothesis,
                agreed_on=theme.agreed_on,
                due_on=theme.due_on,
                status=status,
                audits=len(done),
                first_completed_on=min((a.completed_on for a in done), default=None),
                graded=graded,
                good_or_better_share=share,
            )
        )
    return rows
