"""``kentqa keygen`` and ``kentqa forget-child``: encryption at rest and erasure (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import sys

import click

from ..fields import EARLIEST_DATE
from ..privacy.encryption import new_key
from ..recording.future_dates import latest_date
from . import output
from .common import EXIT_INCOMPLETE, db_option, open_store


@click.command()
def keygen() -> None:
    """Print a new random key for KENTQA_CIPHER_KEY (AES-256, base64).

    Set it before the store is first created, e.g. export KENTQA_CIPHER_KEY=$(kentqa keygen),
    and keep it safe: without it the store cannot be read.
    """
    click.echo(new_key())


@click.command("forget-child")
@click.argument("child_ref")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="The date of the erasure decision, YYYY-MM-DD (stored with the anonymous token).",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--yes", is_flag=True, help="Do not ask for confirmation (scripts); otherwise it is asked on a terminal."
)
def forget_child(child_ref: str, on: object, db: str | None, as_json: bool, yes: bool) -> None:
    """Erase a child: destroy its key so no payload about CHILD_REF can be read again.

    The child's events stay in the log and are still counted, under an anonymous token.
    This cannot be undone: it asks for confirmation on a terminal, and without a terminal
    needs --yes. --on must be a date from 1950 to today (a decision taken, not planned).
    """
    assert isinstance(on, dt.datetime)
    day, today = on.date(), latest_date()
    if not EARLIEST_DATE <= day <= today:
        raise click.BadParameter(
            f"{day.isoformat()} is not a date from {EARLIEST_DATE.isoformat()} to today ({today.isoformat()}) "
            "[rule R-INP-1]",
            param_hint="'--on'",
        )
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError(
                "forgetting a child cannot be undone: add --yes to confirm (no terminal to ask)"
            )
        click.confirm(
            f"Forget {child_ref} for good (its key is destroyed; this cannot be undone)?",
            abort=True,
            err=True,
        )
    with open_store(db) as qa:
        erasure = qa.forget_child(child_ref, on=day)
    result = {
        "forgotten_on": erasure.forgotten_on.isoformat(),
        "now_counted_as": erasure.token,
        "scrubbed": erasure.scrubbed,
    }
    if as_json:
        output.print_json(result)
    else:
        click.echo(f"forgotten: the child is now counted only as {erasure.token}")
    if not erasure.scrubbed:  # issue 17, finding 8: never exit 0 while the reference may be in the files
        click.echo(
            f"kentqa: error: the child is forgotten (its key is destroyed), but wiping freed space did not "
            f"finish ({erasure.problem}): the child's reference may still be in the database files; "
            "run `kentqa scrub` again when the store is quiet, until it exits 0",
            err=True,
        )
        sys.exit(EXIT_INCOMPLETE)


@click.command()
@db_option
def scrub(db: str | None) -> None:
    """Wipe freed space: old checkpoints deleted, SQLite VACUUMed with its WAL emptied,
    PostgreSQL key and checkpoint tables rewritten (after forget-child, if it could not)."""
    with open_store(db) as qa:
        qa.scrub()
    click.echo("scrubbed")
