"""``kentqa keygen`` and ``kentqa forget-child``: encryption at rest and erasure (docs/security.md)."""

from __future__ import annotations

import click

from . import output
from .common import db_option, open_store


@click.command()
def keygen() -> None:
    """Print a new random key for KENTQA_CIPHER_KEY (AES-256, base64).

    Set it before the store is first created, e.g. export KENTQA_CIPHER_KEY=$(kentqa keygen),
    and keep it safe: without it the store cannot be read.
    """
    from ..encryption import new_key

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
def forget_child(child_ref: str, on: object, db: str | None, as_json: bool) -> None:
    """Erase a child: destroy its key so no payload about CHILD_REF can be read again.

    The child's events stay in the log and are still counted, under an anonymous token.
    This cannot be undone.
    """
    import datetime as dt

    assert isinstance(on, dt.datetime)
    with open_store(db) as qa:
        erasure = qa.forget_child(child_ref, on=on.date())
    result = {
        "forgotten_on": erasure.forgotten_on.isoformat(),
        "now_counted_as": erasure.token,
        "scrubbed": erasure.scrubbed,
    }
    if as_json:
        output.print_json(result)
    else:
        click.echo(f"forgotten: the child is now counted only as {erasure.token}")
    if not erasure.scrubbed:
        click.echo(
            f"kentqa: warning: the key is destroyed, but wiping freed space failed ({erasure.problem}); "
            "run `kentqa scrub` when the store is quiet",
            err=True,
        )


@click.command()
@db_option
def scrub(db: str | None) -> None:
    """Wipe freed space: old checkpoints deleted, SQLite VACUUMed with its WAL emptied,
    PostgreSQL key and checkpoint tables rewritten (after forget-child, if it could not)."""
    with open_store(db) as qa:
        qa.scrub()
    click.echo("scrubbed")
