"""``kentqa import FORMAT PATH...``: files in through an importer plugin, every good row recorded.

Problems (file, row, column, reason) and duplicate rows go to stderr, the summary to stdout
(or everything as JSON with ``--json``). Exit status 1 if anything was not imported for a
problem, 0 otherwise (duplicates and events already recorded are not problems).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from ..importing import ImportOptions, Pseudonymiser, SecretError
from ..importing.session import ImportReport, OnRecorded, run_import
from ..plugins import importers, make_plugin_manager
from . import output
from .common import EXIT_REFUSED, as_of_date, db_option, open_store


@click.command("import")
@click.argument("format_name", metavar="FORMAT")
@click.argument(
    "paths",
    metavar="PATH...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@db_option
@click.option(
    "--pseudonymise",
    is_flag=True,
    help="Store child ids as HMAC-SHA256 pseudonyms made with the council secret in "
    "$KENTQA_PSEUDONYMISE_SECRET (or --secret-file).",
)
@click.option(
    "--secret-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Read the pseudonymisation secret from this file (implies --pseudonymise).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Dates after this day (YYYY-MM-DD; default today) are refused as typing errors.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress bars on stderr (default: when stderr is a terminal).",
)
def import_command(
    *,
    format_name: str,
    paths: tuple[Path, ...],
    db: str | None,
    pseudonymise: bool,
    secret_file: Path | None,
    as_of: dt.datetime | None,
    as_json: bool,
    progress: bool | None,
) -> None:
    """Import PATH... in FORMAT (e.g. ssda903, cin-census; see `kentqa plugins`).

    Every good row is recorded; problems are reported as FILE:ROW: COLUMN: reason on
    stderr and the summary says what was imported, skipped and why. Importing the same
    files again stores nothing new. Give all the files of one return together (an SSDA903
    return's episodes decide which of its reviews can be imported).
    """
    known = importers(make_plugin_manager())
    if format_name not in known:
        names = ", ".join(sorted(known)) or "none (pip install kentqa-ssda903 or kentqa-cin-census)"
        raise click.UsageError(f"no importer for format {format_name!r}; known formats: {names}")
    importer = known[format_name][0]
    options = ImportOptions(
        pseudonymiser=_pseudonymiser(pseudonymise, secret_file),
        not_after=as_of_date(as_of),
    )
    console = Console(stderr=True)
    show = console.is_terminal if progress is None else progress
    with open_store(db, create=True) as qa, _progress(console, show) as (opener, on_recorded):
        if opener is not None:
            options = attrs.evolve(options, open=opener)
        report = run_import(qa, importer, list(paths), options, on_recorded=on_recorded)
    _print(report, as_json)
    sys.exit(EXIT_REFUSED if report.problems else 0)


def _pseudonymiser(pseudonymise: bool, secret_file: Path | None) -> Pseudonymiser | None:
    try:
        if secret_file is not None:
            return Pseudonymiser(secret_file.read_bytes().strip())
        if pseudonymise:
            return Pseudonymiser.from_env()
    except SecretError as exc:
        raise click.UsageError(str(exc)) from None
    return None


@contextmanager
def _progress(
    console: Console, show: bool
) -> Iterator[tuple[Callable[[Path], BinaryIO] | None, OnRecorded | None]]:
    """A reading bar per file (by bytes) and a recording bar (by events), or nothing."""
    if not show:
        yield None, None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bars:
        recording = bars.add_task("recording", total=None, visible=False)

        def opener(path: Path) -> BinaryIO:
            return bars.open(path, "rb", description=f"reading {path.name}")

        def on_recorded(done: int, total: int) -> None:
            bars.update(recording, completed=done, total=total, visible=True)

        yield opener, on_recorded


def _print(report: ImportReport, as_json: bool) -> None:
    if as_json:
        output.print_json(report.to_json())
        return
    for problem in report.problems:
        loc = problem.location
        where = ":".join(str(part) for part in (loc.file, loc.row) if part is not None)
        column = f" {loc.column}:" if loc.column else ""
        click.echo(f"{where}:{column} {problem.reason}", err=True)
    for duplicate in report.duplicates:
        click.echo(
            f"{duplicate.location.file}:{duplicate.location.row}: duplicate of "
            f"{duplicate.of.describe()} (imported once)",
            err=True,
        )
    click.echo(report.describe())
