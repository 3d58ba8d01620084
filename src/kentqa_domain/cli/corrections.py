"""``kentqa correct`` and ``kentqa withdraw``: corrections and withdrawals as JSON lines (SPEC 9.1).

Each line is all-or-nothing and refused by number and reason like ``kentqa record``; the
lines are the ``RecordCorrected`` / ``RecordWithdrawn`` objects of docs/corrections.md (their
``type`` may be left out). ``kentqa record`` takes the same objects among events.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from . import output
from .common import EXIT_REFUSED, db_option, open_store
from .record_lines import record_files

_FILES = click.argument("files", nargs=-1, type=click.File("rb"), required=True)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
_FUTURE = click.option(
    "--allow-future", is_flag=True, help="Accept dates after today (refused by default: R-INP-1)."
)


def _run(files: tuple[Any, ...], db: str | None, as_json: bool, allow_future: bool, kind: str) -> None:

    with open_store(db) as qa:
        summary = record_files(qa, files, allow_future=allow_future, only=kind)
    if as_json:
        output.print_json(summary.to_json())
    else:
        click.echo(summary.describe().replace("recorded", "stored", 1))
    sys.exit(EXIT_REFUSED if summary.refused else 0)


@click.command()
@_FILES
@db_option
@_JSON
@_FUTURE
def correct(files: tuple[Any, ...], db: str | None, as_json: bool, allow_future: bool) -> None:
    """Correct records: each line of FILES (or - for standard input) is a RecordCorrected,
    {"original": {...event as recorded...}, "replacement": {...what it should have been...},
    "corrected_on": "YYYY-MM-DD", "by": "ID", "reason": "why"} (R-COR-1, R-COR-2).

    Every answer is then as if the replacement had been recorded in the original's place
    (R-COR-4); `kentqa history` shows both. Refused lines are reported as FILE:LINE: reason
    and store nothing; exit status 1 if any line was refused.
    """
    _run(files, db, as_json, allow_future, "RecordCorrected")


@click.command()
@_FILES
@db_option
@_JSON
@_FUTURE
def withdraw(files: tuple[Any, ...], db: str | None, as_json: bool, allow_future: bool) -> None:
    """Withdraw records that should never have been recorded: each line of FILES (or -) is a
    RecordWithdrawn, {"original": {...event as recorded...}, "withdrawn_on": "YYYY-MM-DD",
    "by": "ID", "reason": "why"} (R-COR-1, R-COR-3: events recorded later that depend on it
    are named, and must be withdrawn or corrected first).
    """
    _run(files, db, as_json, allow_future, "RecordWithdrawn")
