"""``kentqa status drift|escalations|review-qa``: children's plans and escalations."""

from __future__ import annotations

import datetime as dt

import click

from ..areas.escalations.projection import EscalationState
from . import output
from .common import (
    as_of_date,
    as_of_option,
    as_worker_option,
    date_option,
    db_option,
    from_group,
    json_option,
    open_store,
)

DRIFT_COLUMNS = [
    "child_ref",
    "plan",
    "kind",
    "due_on",
    "working_days_overdue",
    "escalation_id",
    "team_id",
    "review_id",
    "action_id",
]
ESCALATION_COLUMNS = [
    "escalation_id",
    "stage",
    "state",
    "raised_on",
    "response_due_on",
    "response_overdue",
    "working_days_open",
    "breached",
    "child_ref",
    "team_id",
]
REVIEW_QA_COLUMNS = [
    "key",
    "plan",
    "reviews",
    "assured",
    "assured_on_time",
    "plan_reflects_needs_share",
    "actions_in_child_timeframe_share",
    "consistent_with_legal_duties_share",
    "smart_share",
]


@click.command()
@as_of_option
@db_option
@as_worker_option
@json_option
@click.pass_context
def drift(
    ctx: click.Context, as_of: dt.datetime | None, db: str | None, as_worker: str | None, as_json: bool
) -> None:
    """The drift register: overdue reviews, initial conferences, midway reviews, QA and plan
    actions of every open looked-after and child protection plan (R-LAC-1..7, R-CP-1..7)."""
    day = as_of_date(as_of)
    with open_store(from_group(ctx, "db", db)) as qa:
        rows = qa.drift_register(as_of=day, as_worker=as_worker)
    if from_group(ctx, "as_json", as_json):
        output.print_json(rows)
    else:
        output.print_table(f"Drift register as of {day}", rows, DRIFT_COLUMNS)


@click.command()
@as_of_option
@db_option
@as_worker_option
@json_option
@click.option(
    "--state",
    type=click.Choice([s.value for s in EscalationState]),
    default=None,
    help="Only escalations in this state at --as-of (open: what is open now).",
)
@date_option("--since", help="Only escalations raised on or after this date, YYYY-MM-DD.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many rows (a page), in the register's order.",
)
@click.option(
    "--after",
    default=None,
    metavar="ESCALATION_ID",
    help="Start after this escalation: the last escalation_id of the previous page.",
)
@click.pass_context
def escalations(
    ctx: click.Context,
    *,
    as_of: dt.datetime | None,
    db: str | None,
    as_worker: str | None,
    as_json: bool,
    state: str | None,
    since: dt.datetime | None,
    limit: int | None,
    after: str | None,
) -> None:
    """Escalations: stage, state, response due and overdue, working days open, breach
    (R-ESC-1..5, IRO Handbook 6.2), by raising date then id; page with --limit and --after."""
    day = as_of_date(as_of)
    start = since.date() if since is not None else None
    with open_store(from_group(ctx, "db", db)) as qa:
        rows = qa.escalations(
            as_of=day, as_worker=as_worker, state=state, since=start, limit=limit, after=after
        )
    if from_group(ctx, "as_json", as_json):
        output.print_json(rows)
    else:
        which = f"{state} escalations" if state else "Escalations"
        title = f"{which} as of {day}" + (f", raised since {start}" if start else "")
        if after:
            title += f", after {after}"
        output.print_table(title, rows, ESCALATION_COLUMNS)


@click.command("review-qa")
@as_of_option
@click.option(
    "--by",
    "by",
    type=click.Choice(["team", "chair"]),
    default="team",
    show_default=True,
    help="Group reviews by team or by chair.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only reviews held on or after this date, YYYY-MM-DD (e.g. the quarter's start).",
)
@db_option
@as_worker_option
@json_option
@click.pass_context
def review_qa(
    ctx: click.Context,
    *,
    as_of: dt.datetime | None,
    by: str,
    since: dt.datetime | None,
    db: str | None,
    as_worker: str | None,
    as_json: bool,
) -> None:
    """The IRO and CP Chair QA of reviews, by team or by chair (R-LAC-5, R-CP-5)."""
    day = as_of_date(as_of)
    start = since.date() if since is not None else None
    with open_store(from_group(ctx, "db", db)) as qa:
        rows = qa.review_qa_summary(as_of=day, by=by, since=start, as_worker=as_worker)
    if from_group(ctx, "as_json", as_json):
        output.print_json(rows)
    else:
        period = f"{start} to {day}" if start else f"to {day}"
        output.print_table(f"Review QA by {by}, reviews held {period}", rows, REVIEW_QA_COLUMNS)


COMMANDS = (drift, escalations, review_qa)
