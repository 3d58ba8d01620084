"""``kentqa notify``: deliver what is due and not yet delivered (SPEC sections 6 and 8)."""

from __future__ import annotations

import datetime as dt
import logging
import sys

import click

from ..notifications.channels import channel_urls, open_channels
from ..notifications.delivery import deliver
from ..plugins import make_plugin_manager
from . import output
from .common import EXIT_UNDELIVERED, as_of_date, as_of_option, db_option, open_store


@click.command()
@as_of_option
@click.option(
    "--notify",
    "urls",
    multiple=True,
    metavar="URL",
    help="A channel: log://, smtp://..., https://..., or a plugin's scheme. Repeatable "
    "(default: $KENTQA_NOTIFY, comma-separated, else log://).",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; record and send nothing.")
def notify(
    as_of: dt.datetime | None, urls: tuple[str, ...], db: str | None, as_json: bool, dry_run: bool
) -> None:
    """Deliver every notification due at --as-of and not yet delivered, to each channel.

    A notification is recorded as delivered to a channel only after the channel accepted it;
    what a channel did not accept is retried on the next run, and nothing acknowledged is
    sent again. Exit status 0 when every channel accepted everything, 4 (naming the channel
    and its error on stderr) otherwise.
    """
    _show_log_channel()
    channels = open_channels(make_plugin_manager(), channel_urls(urls))
    try:
        with open_store(db) as qa:
            report = deliver(qa, as_of=as_of_date(as_of), channels=channels, dry_run=dry_run)
    finally:
        for channel in channels:
            channel.close()
    if as_json:
        output.print_json(report.to_json())
    else:
        verb = "would send" if dry_run else "delivered"
        rows = [
            {
                "channel": c.channel,
                verb: len(c.would_send) if dry_run else len(c.delivered),
                "failed": len(c.failed),
                "waiting": len(c.deferred),
            }
            for c in report.channels
        ]
        click.echo(
            f"{report.derived} notifications due at {report.as_of.isoformat()}, {report.newly_due} new"
        )
        output.print_table("Channels", rows)
        for name, count in report.waiting_elsewhere.items():
            click.echo(f"{count} pending for {name}, not configured in this run")
    failed = [c for c in report.channels if not c.ok]
    for c in failed:
        click.echo(
            f"kentqa: channel {c.channel} failed: {c.error} "
            f"({len(c.failed)} failed, {len(c.deferred)} waiting; retried on the next run)",
            err=True,
        )
    if failed:
        sys.exit(EXIT_UNDELIVERED)


def _show_log_channel() -> None:
    """``log://`` writes to the ``kentqa.notifications`` logger: show it on standard error."""
    logger = logging.getLogger("kentqa.notifications")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("notify: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
