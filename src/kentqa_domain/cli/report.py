"""``kentqa report learning``: the Learning and Improvement report to a file (R-AUD-6)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..quarters import parse_quarter_id
from .common import EXIT_USAGE, as_worker_option, db_option, open_store


@click.group()
def report() -> None:
    """Reports: the triannual Learning and Improvement report and the IRO and CP Chair quarterly report."""


def _document_options(period: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--format, --output and --as-of, alike for every report."""

    def wrap(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(
            (
                click.option(
                    "--format",
                    "format_name",
                    metavar="FORMAT",
                    default="html",
                    show_default=True,
                    help="html, md (or markdown), json, or any format a renderer plugin adds.",
                ),
                click.option(
                    "-o",
                    "--output",
                    "path",
                    metavar="FILE",
                    default="-",
                    help="Where to write it (default: standard output).",
                ),
                click.option(
                    "--as-of",
                    "as_of",
                    type=click.DateTime(formats=["%Y-%m-%d"]),
                    default=None,
                    help=f"The date to report at, YYYY-MM-DD (default: the {period}'s last day, or today if sooner).",
                ),
                db_option,
                as_worker_option,
            )
        ):
            command = option(command)
        return command

    return wrap


def _format(qa: Any, format_name: str) -> str:
    """The format asked for, if a renderer has it (``markdown`` is ``md``); else exit 2."""
    format_name = "md" if format_name == "markdown" else format_name
    renderers = qa.renderers()
    if format_name not in renderers:
        click.echo(
            f"kentqa: error: no report format {format_name!r}; known: {', '.join(sorted(renderers))}",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    return format_name


def _write(document: str | bytes, path: str, said: str) -> None:
    """The document to standard output (``-``) or to ``path``, saying ``said`` on stderr then."""
    data = document.encode("utf-8") if isinstance(document, str) else document
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    Path(path).write_bytes(data)
    click.echo(f"{said} to {path}", err=True)


@report.command("learning")
@click.option("--cycle", "cycle_id", metavar="ID", required=True, help="Cycle id like 2026-T2.")
@_document_options("cycle")
def learning(
    *,
    cycle_id: str,
    format_name: str,
    path: str,
    as_of: dt.datetime | None,
    db: str | None,
    as_worker: str | None,
) -> None:
    """Write the Learning and Improvement report of a cycle: what do we know, how do we know
    it, what are our plans (R-AUD-6)."""
    with open_store(db) as qa:
        format_name = _format(qa, format_name)
        if as_of is not None:
            day = as_of.date()
        else:
            day = min(qa.cycle_bounds(cycle_id)[1], dt.date.today())
        document = qa.learning_report(cycle_id, as_of=day, as_worker=as_worker).render(format_name)
    _write(
        document, path, f"Wrote the {cycle_id} Learning and Improvement report ({format_name}, as of {day})"
    )


@report.command("chairs")
@click.option(
    "--quarter", "quarter", metavar="ID", required=True, help="Quarter of the council's year like 2026-Q3."
)
@_document_options("quarter")
def chairs(
    *,
    quarter: str,
    format_name: str,
    path: str,
    as_of: dt.datetime | None,
    db: str | None,
    as_worker: str | None,
) -> None:
    """Write the IRO and CP Chair report of a quarter: timeliness of reviews and conferences
    (R-TML-1), QA of reviews by chair and team, escalations raised and drift at the quarter's end."""
    if parse_quarter_id(quarter) is None:
        click.echo(f"kentqa: error: {quarter!r} is not a quarter id like 2026-Q3", err=True)
        sys.exit(EXIT_USAGE)
    with open_store(db) as qa:
        format_name = _format(qa, format_name)
        day = as_of.date() if as_of is not None else None
        report_ = qa.chairs_report(quarter, as_of=day, as_worker=as_worker)
        document = report_.render(format_name)
    _write(
        document, path, f"Wrote the {quarter} IRO and CP Chair report ({format_name}, as of {report_.as_of})"
    )
