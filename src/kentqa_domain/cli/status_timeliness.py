"""``kentqa status timeliness``: reviews and conferences held, and held in time (R-TML-1)."""

from __future__ import annotations

import datetime as dt

import click

from . import output
from .common import as_of_date, as_worker_option, db_option, from_group, json_option, open_store

TIMELINESS_COLUMNS = ["kind", "held", "held_in_time", "share_in_time", "without_due_date"]


@click.command("timeliness")
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="First day of the period, YYYY-MM-DD (reviews held on or after it).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="Last day of the period, YYYY-MM-DD (reviews held on or before it).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date to answer for, YYYY-MM-DD (default: --to, or today if sooner).",
)
@click.option(
    "--by",
    "by",
    type=click.Choice(["team", "chair"]),
    default=None,
    help="Also show the rows by team or by chair (default: overall only).",
)
@db_option
@as_worker_option
@json_option
@click.pass_context
def timeliness(
    ctx: click.Context,
    *,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime | None,
    by: str | None,
    db: str | None,
    as_worker: str | None,
    as_json: bool,
) -> None:
    """Reviews and conferences held in a period, and how many in time, by kind (R-TML-1):
    overall, or by team or by chair."""
    first, last = start.date(), end.date()
    day = as_of.date() if as_of is not None else min(last, as_of_date(None))
    with open_store(from_group(ctx, "db", db)) as qa:
        rows = qa.review_timeliness(first, last, as_of=day, as_worker=as_worker)
    wanted = [r for r in rows if r.by in ("overall", by)]
    if from_group(ctx, "as_json", as_json):
        output.print_json(wanted)
        return
    period = f"reviews held {first} to {last}, as of {day}"
    output.print_table(
        f"Timeliness overall, {period}", [r for r in wanted if r.by == "overall"], TIMELINESS_COLUMNS
    )
    if by is not None:
        output.print_table(
            f"Timeliness by {by}, {period}", [r for r in wanted if r.by == by], ["key", *TIMELINESS_COLUMNS]
        )


COMMANDS = (timeliness,)
