"""``kentqa status cycle`` and ``kentqa status audit-actions``: the audit cycle at a date (R-AUD-1..5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from .. import cycle_id_for
from ..areas.audits.rows import AuditCycle, CycleBreakdown, Progress
from . import output
from .common import (
    as_of_date,
    as_of_option,
    as_worker_option,
    date_option,
    db_option,
    json_option,
    open_store,
)


@click.command("cycle")
@click.option(
    "--cycle",
    "cycle_id",
    metavar="ID",
    default=None,
    help="Cycle id like 2026-T2 (default: the cycle of --as-of).",
)
@as_of_option
@db_option
@as_worker_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def cycle(
    *, cycle_id: str | None, as_of: dt.datetime | None, db: str | None, as_worker: str | None, as_json: bool
) -> None:
    """The audit cycle: phase, audits by kind and phase, grades good or better by area,
    service and team, triad recommendations and overdue audit actions."""
    day = as_of_date(as_of)
    with open_store(db) as qa:
        cycle_id = cycle_id or cycle_id_for(day, qa.policy)
        summary = qa.audit_cycle(cycle_id, as_of=day, as_worker=as_worker)
        triads = qa.triad_recommendations(cycle_id, as_of=day, as_worker=as_worker)
        overdue = qa.audit_actions(as_of=day, as_worker=as_worker, state=Progress.OVERDUE)
    if as_json:
        output.print_json(
            {**output.to_plain(summary), "triad_recommendations": triads, "overdue_actions": overdue}
        )
        return
    _print(summary, triads, overdue)


def _print(summary: AuditCycle, triads: list[Any], overdue: list[Any]) -> None:
    phase = (
        f"month {summary.phase} of 4 ({summary.phase_kind.value.replace('_', ' ')})"
        if summary.phase_kind
        else "outside the cycle"
    )
    share = "n/a" if summary.good_or_better_share is None else f"{summary.good_or_better_share:.0%}"
    click.echo(
        f"Cycle {summary.cycle_id}: {summary.starts_on} to {summary.ends_on}, as of {summary.as_of}: {phase}\n"
        f"{summary.audits} audits, {summary.graded} graded, {share} good or better"
    )
    output.print_table(
        "Phases",
        [
            {
                "phase": p.phase,
                "audits": p.kind.value,
                "month": f"{p.starts_on:%b %Y}",
                "completed": p.completed,
                "in its month": p.completed_in_phase,
            }
            for p in summary.phases
        ],
    )
    output.print_table(
        "Audits by kind", [{"kind": k, "audits": n} for k, n in summary.audits_by_kind.items()]
    )
    for title, rows in (
        ("area", summary.by_area),
        ("service", summary.by_service),
        ("team", summary.by_team),
    ):
        output.print_table(f"Grades by {title}", [_grades(r, title) for r in rows])
    output.print_table(
        "Triad recommendations (R-AUD-4)",
        triads,
        ["rank", "auditor_a", "auditor_b", "mean_gap", "cases", "qa_member"],
    )
    output.print_table(
        "Overdue audit actions (R-AUD-5)",
        overdue,
        ["audit_id", "action_id", "owner_id", "team_id", "due_on", "working_days_overdue"],
    )


def _grades(row: CycleBreakdown, title: str) -> dict[str, Any]:
    share = "" if row.good_or_better_share is None else f"{row.good_or_better_share:.0%}"
    return {
        title: row.label,
        "audits": row.audits,
        "graded": row.graded,
        **row.grades,
        "good or better": share,
    }


ACTION_COLUMNS = [
    "audit_id",
    "action_id",
    "owner_id",
    "team_id",
    "cycle_id",
    "due_on",
    "status",
    "completed_on",
    "working_days_overdue",
]


@click.command("audit-actions")
@click.option(
    "--cycle",
    "cycle_id",
    metavar="ID",
    default=None,
    help="Only the actions of this cycle's audits, e.g. 2026-T2.",
)
@as_of_option
@db_option
@as_worker_option
@json_option
@click.option(
    "--state",
    "states",
    type=click.Choice([p.value for p in Progress]),
    multiple=True,
    help="Only actions in this state at --as-of (repeatable; overdue: what is overdue now).",
)
@date_option("--since", help="Only actions raised (their audit completed) on or after this date, YYYY-MM-DD.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many rows (a page).")
@click.option(
    "--after",
    nargs=2,
    metavar="AUDIT_ID ACTION_ID",
    default=None,
    help="The page after this action: the previous page's last row.",
)
def audit_actions(
    *,
    cycle_id: str | None,
    as_of: dt.datetime | None,
    db: str | None,
    as_worker: str | None,
    as_json: bool,
    states: tuple[str, ...],
    since: dt.datetime | None,
    limit: int | None,
    after: tuple[str, str] | None,
) -> None:
    """The audit actions register (R-AUD-5): open, overdue or completed at a date, by due
    date, filtered by state, cycle and date raised, a page at a time."""
    day = as_of_date(as_of)
    start = since.date() if since is not None else None
    with open_store(db) as qa:
        rows = qa.audit_actions(
            cycle_id,
            as_of=day,
            as_worker=as_worker,
            state=states or None,
            since=start,
            limit=limit,
            after=(after[0], after[1]) if after else None,  # click's nargs=2: exactly two
        )
    if as_json:
        output.print_json(rows)
        return
    which = f"{' and '.join(states)} audit actions" if states else "Audit actions"
    where = f" of {cycle_id}" if cycle_id else ""
    output.print_table(
        f"{which}{where} as of {day}" + (f", raised since {start}" if start else ""), rows, ACTION_COLUMNS
    )
