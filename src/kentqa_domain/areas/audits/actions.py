"""R-AUD-5 audit actions and R-AUD-6 thematic audits: where each stands at ``as_of``.

An action counts from the day its audit was completed; a completion counts from the day it
was done. Both are read by business date, so a completion typed up late still counts on the
day it happened, and nothing after ``as_of`` is known yet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Container, Iterable

from ...calendar import WorkingCalendar
from ...values import Action, Grade
from . import events as ev
from .grades import good_or_better
from .projection import LabelAudit
from .rows import AuditActionRow, Progress, ThematicAuditRow


def action_row(
    audit: ev.AuditCompleted,
    action: Action,
    done: dt.date | None,
    cycle_id: str,
    days: WorkingCalendar,
    *,
    as_of: dt.date,
) -> AuditActionRow:
    """R-AUD-5: one action of ``audit`` at ``as_of``; not completed by its due date = overdue.

    Overdue at ``as_of`` means ``due_on`` < ``as_of`` and no completion on or before
    ``as_of``; an action due today is still open. Working days overdue come from the
    calendar's working-day index (decision 0815): the same count, without a walk per row.
    """
    if done is not None and done > as_of:
        done = None
    if done is not None:
        status = Progress.COMPLETED
    elif action.due_on < as_of:
        status = Progress.OVERDUE
    else:
        status = Progress.OPEN
    return AuditActionRow(
        audit_id=audit.audit_id,
        action_id=action.action_id,
        description=action.description,
        owner_id=action.owner_id,
        due_on=action.due_on,
        team_id=audit.team_id,
        kind=audit.kind,
        cycle_id=cycle_id,
        raised_on=audit.completed_on,
        completed_on=done,
        status=status,
        completed_late=done is not None and done > action.due_on,
        working_days_overdue=(
            days.working_days_after(action.due_on, as_of) if status is Progress.OVERDUE else 0
        ),
    )


def action_rows(
    audits: Iterable[ev.AuditCompleted],
    completions: Callable[[str, str], dt.date | None],
    cycle_of: Callable[[ev.AuditCompleted], str],
    calendar: WorkingCalendar,
    *,
    as_of: dt.date,
    only: Container[tuple[str, str]] | None = None,
) -> list[AuditActionRow]:
    """R-AUD-5: the actions of ``audits`` (those of ``only`` when given), by due date then ids.

    ``completions(audit_id, action_id)`` is the day an action was done, else None.
    """
    days = calendar
    rows = [
        action_row(
            audit, action, completions(audit.audit_id, action.action_id), cycle_of(audit), days, as_of=as_of
        )
        for audit in audits
        for action in audit.actions
        if only is None or (audit.audit_id, action.action_id) in only
    ]
    rows.sort(key=lambda r: (r.due_on, r.audit_id, r.action_id))
    return rows


def thematic_rows(
    themes: Iterable[ev.ThematicAuditAgreed],
    audits_of: Callable[[str], Iterable[LabelAudit]],
    *,
    as_of: dt.date,
) -> list[ThematicAuditRow]:
    """R-AUD-6: thematic audits agreed by ``as_of``, with the thematic audits done on each.

    A thematic audit reports against an agreed theme when its ``themes`` hold the theme id
    (themes compare in lower case) and it was completed between ``agreed_on`` and ``as_of``;
    ``audits_of(label)`` gives the thematic audits naming a label (lower case).
    """
    rows = []
    for theme in sorted(themes, key=lambda t: (t.due_on, t.theme_id)):
        if theme.agreed_on > as_of:
            continue
        done = [a for a in audits_of(theme.theme_id.lower()) if theme.agreed_on <= a.completed_on <= as_of]
        counts = Counter(a.overall for a in done if a.overall is not None)
        graded, _good, share = good_or_better({g.value: counts.get(g, 0) for g in Grade})
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
