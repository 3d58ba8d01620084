"""``kentqa status observations`` and ``kentqa status observation-learning`` (R-OBS-1..5, R-ACC-1)."""

from __future__ import annotations

import datetime as dt

import click

from . import output
from .common import as_of_date, as_of_option, as_worker_option, db_option, json_option, open_store

COLUMNS = [
    "team_id",
    "worker_id",
    "requirement",
    "last_observed_on",
    "next_due_on",
    "status",
    "reflection_missed",
]


@click.command("observations")
@as_of_option
@db_option
@json_option
@click.option("--team", metavar="TEAM_ID", default=None, help="Only this team's practitioners.")
@as_worker_option
@click.option(
    "--by",
    type=click.Choice(["team", "service", "area"]),
    default=None,
    help="Print counts by team, service or area instead of one row per practitioner.",
)
def observations(  # click passes options by keyword
    *,
    as_of: dt.datetime | None,
    db: str | None,
    as_json: bool,
    team: str | None,
    as_worker: str | None,
    by: str | None,
) -> None:
    """Observation compliance: one row per current practitioner (R-OBS-1..5).

    Each row says which rule applies (asye, annual or support), the latest practice
    observation, when the next is due, the status (compliant, due_soon within 28 days,
    overdue) and whether a reflective review was missed at a supervision (R-OBS-4).
    """
    day = as_of_date(as_of)
    with open_store(db) as qa:
        if by is None:
            rows: list[object] = list(qa.observation_compliance(as_of=day, as_worker=as_worker, team=team))
        else:
            rows = list(qa.observation_summary(as_of=day, by=by, as_worker=as_worker, team=team))
    if as_json:
        output.print_json(rows)
    elif by is None:
        output.print_table(f"Observation compliance on {day.isoformat()}", rows, COLUMNS)
    else:
        output.print_table(
            f"Observation compliance by {by} on {day.isoformat()}",
            rows,
            ["key", "workers", "compliant", "due_soon", "overdue", "reflection_missed", "compliant_share"],
        )


@click.command("observation-learning")
@click.option(
    "--start", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="First day, YYYY-MM-DD."
)
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Last day, YYYY-MM-DD.")
@db_option
@json_option
@click.option("--team", metavar="TEAM_ID", default=None, help="Only observations of this team.")
@click.option(
    "--setting", type=click.Choice(["practice", "meeting"]), default=None, help="Only this setting."
)
@as_worker_option
def observation_learning(
    *,
    start: dt.datetime,
    end: dt.datetime,
    db: str | None,
    as_json: bool,
    team: str | None,
    setting: str | None,
    as_worker: str | None,
) -> None:
    """The annual learning from staff observations (framework 4.5): judgements per area."""
    with open_store(db) as qa:
        rows = qa.observation_learning(
            start=start.date(), end=end.date(), as_worker=as_worker, team=team, setting=setting
        )
    if as_json:
        output.print_json(rows)
    else:
        output.print_table(
            f"Observation judgements {start.date().isoformat()} to {end.date().isoformat()}", rows
        )
