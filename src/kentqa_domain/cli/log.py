"""``kentqa export`` and ``kentqa history``: the log out as JSON lines, and one subject's events
(SPEC 9.1; decisions 0980 and 0981)."""

from __future__ import annotations

import sys
from typing import Any

import click

from . import output
from .common import as_worker_option, date_option, db_option, open_store
from .progress import progress


@click.command()
@db_option
@click.option(
    "-o",
    "--output",
    "target",
    required=True,
    metavar="FILE",
    help="Write the JSON lines to FILE (- for standard output).",
)
@click.option(
    "--since",
    type=click.IntRange(min=0),
    default=None,
    metavar="POS",
    help="Only what was recorded after log position POS (a previous export's last position).",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="T",
    help="Only events of type T (repeatable; ChildForgotten for forgettings).",
)
def export(db: str | None, target: str, since: int | None, types: tuple[str, ...]) -> None:
    """Write the log as JSON lines that `kentqa record` reads back into an empty store with
    the same answers (SPEC 9.1).

    The log is read page by page (memory holds one page), with a progress bar on stderr. An
    encrypted store is read with KENTQA_CIPHER_KEY and written in clear: this is how a key is
    rotated (docs/security.md). A forgotten child's events are written anonymous, under a
    stand-in reference, followed by a ChildForgotten line that `kentqa record` turns into a
    forgetting. The summary goes to stderr, with the position to continue from (--since).
    """
    with open_store(db) as qa:
        out: Any = sys.stdout.buffer if target == "-" else click.open_file(target, "wb")
        try:
            with progress(quiet=not sys.stderr.isatty()) as bar:
                task = bar.add_task("Exporting the log", total=None)

                def report(position: int, last: int) -> None:
                    bar.update(task, completed=position, total=last)

                summary = qa.export(out, since=since, types=list(types) or None, progress=report)
        finally:
            if target != "-":
                out.close()
    where = "standard output" if target == "-" else target
    click.echo(
        f"exported {summary.events:,} events, {summary.corrections:,} corrections and {summary.forgettings:,} forgettings to {where}, "
        f"up to log position {summary.position:,} (continue with --since {summary.position})",
        err=True,
    )


@click.command()
@click.argument("subject")
@db_option
@as_worker_option
@date_option("--as-of", "as_of", help="The day whose scope --as applies, YYYY-MM-DD (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def history(subject: str, db: str | None, as_worker: str | None, as_of: Any, as_json: bool) -> None:
    """Every event about SUBJECT (worker:W1, child:C1, escalation:E1, complaint:K1, team:T1,
    audit:A1, observation:O1 ...) in recording order, with its log position and the time it
    was recorded (SPEC 9.1).

    A forgotten child is asked for by its token (child:anon-...): its events read anonymous.
    --as WORKER_ID shows the history only if that worker may see the subject (R-ACC-1).
    """
    with open_store(db) as qa:
        rows = qa.history(subject, as_worker=as_worker, as_of=as_of.date() if as_of is not None else None)
    if as_json:
        output.print_json(
            {"subject": subject, "position": rows.position, "rows": [r.to_dict() for r in rows]}
        )
        return
    table = [
        {
            "position": r.position,
            "recorded_at": r.recorded_at.isoformat(timespec="seconds") if r.recorded_at else None,
            "type": r.type + (f" (superseded at {r.superseded_at})" if r.superseded_at else ""),
            "event": _shown(r.to_dict()["event"]),
        }
        for r in rows
    ]
    output.print_table(f"History of {subject}", table)


def _shown(event: dict[str, Any]) -> dict[str, Any]:
    """An event for the table: empty fields left out; a correction's nested events likewise."""
    return {k: _shown(v) if isinstance(v, dict) else v for k, v in event.items() if v not in (None, [], "")}
