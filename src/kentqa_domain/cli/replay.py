"""``kentqa replay``: rebuild the state (or named projections) from the log, with a progress bar; resumable."""

from __future__ import annotations

import time

import click

from . import output
from .common import db_option, open_store
from .progress import progress


@click.command()
@db_option
@click.option(
    "--verify", is_flag=True, help="Read every event with its full validation (slower): a check of the log."
)
@click.option(
    "--restart", is_flag=True, help="Start a new rebuild even if an interrupted one could be resumed."
)
@click.option(
    "--projection",
    "projections",
    multiple=True,
    metavar="NAME",
    help="Rebuild only this projection (repeatable); the others and the write model are not touched.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (no progress bar).")
def replay(
    *, db: str | None, verify: bool, restart: bool, projections: tuple[str, ...], as_json: bool
) -> None:
    """Rebuild the write model, the identity index and every projection from the event log
    (or only the projections named with --projection).

    The rebuild commits page by page. If it is interrupted (Ctrl-C, a crash, a kill), the
    next connection to the store (any kentqa command) finishes it from where it stopped. Every
    connection reads the rebuilt rows as they are written. Other processes may keep
    recording meanwhile; the replay folds what they add until it reaches the end.
    """
    with open_store(db) as qa:
        started = time.perf_counter()
        with progress(quiet=as_json) as bar:
            task = bar.add_task("Replaying the log", total=None)

            def report(position: int, last: int) -> None:
                bar.update(task, completed=position, total=last)

            result = qa.replay(
                progress=report, verify=verify, restart=restart, projections=list(projections) or None
            )
        elapsed = time.perf_counter() - started
        summary = {
            "store": qa.storage.display,
            **output.to_plain(result),
            "resumed": result.resumed_from > 0,
            "seconds": round(elapsed, 2),
            "events_per_second": round(result.folded / elapsed) if elapsed > 0 else None,
        }
    if as_json:
        output.print_json(summary)
        return
    resumed = f", resumed from position {result.resumed_from:,}" if result.resumed_from else ""
    rebuilt = ", ".join(projections) if projections else "the write model and every projection"
    click.echo(
        f"Replayed {result.folded:,} events to position {result.position:,} in {elapsed:.1f} s: {rebuilt}{resumed}."
    )
