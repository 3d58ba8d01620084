"""``kentqa status ...``: the dashboards. Each area adds its subcommand here."""

from __future__ import annotations

import click

from . import output
from .common import db_option, json_option, open_store
from .status_complaints import COMMANDS as complaint_commands
from .status_plans import COMMANDS as plan_commands
from .status_timeliness import COMMANDS as timeliness_commands


@click.group(invoke_without_command=True)
@db_option
@json_option
@click.pass_context
def status(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Dashboards: observations, drift, escalations, complaints, cycle.

    Without a subcommand, prints what the store holds.
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db) as qa:
        counts = qa.stats()
        summary = {
            "store": qa.storage.display,
            "events": sum(counts.values()),
            "last_position": qa.position,
            "by_type": counts,
            "projections": {
                name: {"version": version, "position": position}
                for name, (version, position) in sorted(qa.state_tables.projection_versions().items())
            },
        }
    if as_json:
        output.print_json(summary)
    else:
        click.echo(f"Store: {summary['store']}  events: {summary['events']}")
        output.print_table("Events by type", [{"type": k, "events": v} for k, v in counts.items()])


def _register_area_commands() -> None:

    for command in (*plan_commands, *timeliness_commands, *complaint_commands):
        status.add_command(command)


_register_area_commands()
