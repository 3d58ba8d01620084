"""The top-level group and the commands of the core: record, stats, plugins, policy."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Any

import click

from .. import connect
from ..errors import KentQAError, ScrubIncomplete, StoreNotFound
from ..plugins import list_plugins, make_plugin_manager, policy_settings
from . import output
from .common import (
    EXIT_INCOMPLETE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_REFUSED,
    EXIT_STORAGE,
    EXIT_USAGE,
    creation_notice,
    db_option,
    json_option,
    open_store,
)
from .corrections import correct, withdraw
from .cycle import audit_actions, cycle
from .demo import demo
from .importing import import_command
from .log import export, history
from .notify import notify
from .observations import observation_learning, observations
from .record_lines import record_files
from .replay import replay
from .report import report
from .security import forget_child, keygen, scrub
from .status import status

# stamina logs each retry (decision 1005) as a warning; with no logging configured Python would
# print "stamina.retry_scheduled" on stderr, among the refused lines a script counts (docs/cli.md).
logging.getLogger("stamina").addHandler(logging.NullHandler())


class KentQAGroup(click.Group):
    """Turns every failure into one clear line on stderr and a documented exit status
    (docs/cli.md): 1 refused, 2 usage, 3 storage/plugin/file system, 70 internal error,
    130 interrupted."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KentQAError as exc:
            click.echo(f"kentqa: error: {exc}", err=True)
            if isinstance(exc, StoreNotFound):
                code = EXIT_USAGE  # a mistyped --db: nothing was created (issue 17, finding 6)
            elif isinstance(exc, ScrubIncomplete):
                code = EXIT_INCOMPLETE  # erased bytes may remain: run it again (issue 17, finding 8)
            else:
                code = EXIT_REFUSED if isinstance(exc, ValueError) else EXIT_STORAGE
            ctx.exit(code)
        except KeyboardInterrupt:
            click.echo("kentqa: interrupted (what was stored stays stored; kentqa replay resumes)", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:
            click.echo(f"kentqa: error: {exc}", err=True)
            ctx.exit(EXIT_STORAGE)
        except Exception as exc:  # noqa: BLE001 - a bug: say so, with the traceback, under its own status
            traceback.print_exc()
            click.echo(f"kentqa: internal error: {type(exc).__name__}: {exc} (please report it)", err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=KentQAGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kentqa-domain", prog_name="kentqa")
def cli() -> None:
    """kentqa: record children's services quality-assurance events and see what is due.

    Events are JSON objects with a "type" (see docs/events.md). Data goes to --db URL:
    memory://, sqlite:///PATH (default sqlite:///./kentqa.db) or postgresql://... with the
    kentqa-postgres adapter. KENTQA_DB sets the default.
    """


@cli.command()
@click.argument("files", nargs=-1, type=click.File("rb"), required=True)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--allow-future",
    is_flag=True,
    help="Accept business dates after today (refused by default: rule R-INP-1).",
)
def record(files: tuple[Any, ...], db: str | None, as_json: bool, allow_future: bool) -> None:
    """Record JSON-lines FILES (or - for standard input), one event per line.

    Each line is all-or-nothing. Refused lines (not UTF-8, not JSON, not a valid event) are
    reported on stderr as FILE:LINE: reason; the exit status is 1 if any line was refused,
    0 otherwise. Blank lines and lines starting with # are skipped. The input is streamed:
    memory holds a few thousand events at a time, whatever the size of the file.

    A line with a business date (any date but a due date) after today is refused, naming the
    field (rule R-INP-1: a mistyped year), unless --allow-future is given.
    """
    with open_store(db, create=True) as qa:
        summary = record_files(qa, files, allow_future=allow_future)
    if as_json:
        output.print_json(summary.to_json())
    else:
        click.echo(summary.describe())
    sys.exit(EXIT_REFUSED if summary.refused else 0)


@cli.command()
@db_option
@click.option(
    "--no-encryption",
    is_flag=True,
    help="Create a store without encryption at rest (otherwise KENTQA_CIPHER_KEY must be set).",
)
def init(db: str | None, no_encryption: bool) -> None:
    """Create a new, empty store at --db (issue 17, finding 6).

    Encrypted with KENTQA_CIPHER_KEY (make one with `kentqa keygen`); without a key, refused
    unless --no-encryption says that a plain store is meant. An existing store is left alone
    (exit 1). Encryption cannot be switched on or off later (decision 0604).
    """
    key = os.environ.get("KENTQA_CIPHER_KEY")
    if no_encryption and key is not None:
        raise click.UsageError(
            "--no-encryption, but KENTQA_CIPHER_KEY is set: unset it, or drop --no-encryption"
        )
    if not no_encryption and key is None:
        raise click.UsageError(
            "KENTQA_CIPHER_KEY is not set: export KENTQA_CIPHER_KEY=$(kentqa keygen) for an encrypted store, "
            "or pass --no-encryption"
        )
    with connect(db or os.environ.get("KENTQA_DB") or None) as qa:
        if not qa.created and qa.position > 0:
            click.echo(
                f"kentqa: error: a store already exists at {qa.storage.display}; nothing changed", err=True
            )
            sys.exit(EXIT_REFUSED)
        message = creation_notice(qa) if qa.created else f"the store at {qa.storage.display} is ready (empty)"
    click.echo(message)


@cli.command()
@db_option
@json_option
def stats(db: str | None, as_json: bool) -> None:
    """Events stored, by type."""
    with open_store(db) as qa:
        counts = qa.stats()
    if as_json:
        output.print_json({"total": sum(counts.values()), "by_type": counts})
        return
    rows = [{"type": k, "events": v} for k, v in counts.items()]
    rows.append({"type": "total", "events": sum(counts.values())})
    output.print_table("Events stored", rows)


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify(db: str | None, as_json: bool) -> None:
    """Check the store for tampering and damage (changes nothing): every event is read back
    with its full validation at its own row (a payload moved between rows does not open in an
    encrypted store), and every child whose events are stored has its key unless it was
    forgotten. Exit status 1 if a check fails (docs/security.md)."""
    with open_store(db) as qa:
        report = qa.verify()
        store = qa.storage.display
    result = {"store": store, **output.to_plain(report)}
    if as_json:
        output.print_json(result)
        return
    click.echo(
        f"verified {store}: {report.events:,} events read back at their rows, {report.children:,} children "
        f"with their keys, {report.forgotten:,} forgotten; log position {report.position:,}"
    )
    if report.head is not None:
        click.echo(
            f"log head digest: {report.head} (keep it outside the store: a rolled-back copy would differ)"
        )


@cli.command()
@json_option
def plugins(as_json: bool) -> None:
    """List the plugins loaded, where they come from and the hooks they implement."""
    loaded = list_plugins(make_plugin_manager())
    rows = [
        {"name": p.name, "source": p.source, "version": p.version or "", "hooks": list(p.hooks)}
        for p in loaded
    ]
    if as_json:
        output.print_json(rows)
    else:
        output.print_table("Plugins", rows)


@cli.command()
@json_option
def policy(as_json: bool) -> None:
    """Show the policy in force: every default of SPEC section 4 and each policy plugin's
    override, with its source (``default`` or the plugin's name) and whether it is statutory.

    This is the policy ``kq.connect()`` uses (``KENTQA_BLOCK_PLUGINS`` keeps a plugin out).
    """
    settings = policy_settings(make_plugin_manager())
    if as_json:
        output.print_json(settings)
        return
    rows = [
        {"name": s.name, "value": s.value, "source": s.source, "kind": s.kind, "note": s.note}
        for s in settings
    ]
    output.print_table("Policy in force", rows)


def _register_groups() -> None:

    status.add_command(observations)
    status.add_command(observation_learning)
    status.add_command(cycle)
    status.add_command(audit_actions)
    cli.add_command(status)
    cli.add_command(notify)
    cli.add_command(import_command)
    cli.add_command(report)
    cli.add_command(keygen)
    cli.add_command(forget_child)
    cli.add_command(scrub)
    cli.add_command(demo)
    cli.add_command(replay)
    cli.add_command(export)
    cli.add_command(history)
    cli.add_command(correct)
    cli.add_command(withdraw)


_register_groups()


def main() -> None:
    """Entry point of the ``kentqa`` script."""
    cli(prog_name="kentqa")
