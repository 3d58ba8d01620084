"""``kentqa demo``: a synthetic council recorded through the public API, then its dashboards.

The generator (:mod:`kentqa_domain.demo`) is deterministic for ``--scale``, ``--seed``,
``--as-of`` and ``--years``, so running the same demo twice records nothing new. A store
holding anything but demo data is refused: the demo never mixes with real records.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from ..application import QualityAssurance
from ..calendar import add_months, cycle_bounds, cycle_id_for
from ..corrections.events import RecordCorrected, RecordWithdrawn
from ..demo import SCALES, generate
from . import output
from .common import EXIT_REFUSED, as_of_date, as_of_option, db_option, open_store
from .dashboards import DASHBOARDS, print_object, print_rows
from .progress import progress

#: The team ids the generator makes (kentqa_domain.demo.organisation).
DEMO_TEAM = re.compile(r"^(D\d{3}-)?(DIR|QAU|IRO|CPC|LDR-[NSEW]|[A-Z]{2,3}-[NSEW]\d{2})$")
CHUNK = 2_000


def demo_store_problem(qa: QualityAssurance) -> str | None:
    """Why the store cannot take demo data (it holds other records), or None."""
    counts = qa.stats()
    total = sum(counts.values())
    if not total:
        return None
    teams = list(qa.recording.book.teams)
    if teams and all(DEMO_TEAM.match(t) for t in teams):
        return None
    return (
        f"the store {qa.storage.display} already holds {total:,} events that kentqa demo did not make; "
        "the demo only writes to an empty store (or one it filled): use --db sqlite:///./kentqa-demo.db"
    )


def last_complete_cycle(as_of: dt.date, year_start_month: int) -> str:
    """The latest audit cycle that ended on or before ``as_of`` (R-AUD-1)."""
    cycle = cycle_id_for(as_of, year_start_month)
    starts_on, ends_on = cycle_bounds(cycle, year_start_month)
    if as_of < ends_on:
        cycle = cycle_id_for(starts_on - dt.timedelta(days=1), year_start_month)
    return cycle


@click.command()
@db_option
@click.option(
    "--scale",
    type=click.Choice(list(SCALES)),
    default="council",
    show_default=True,
    help="small: a tenth of a council; council: SPEC section 7's county (about 1,500 practitioners, "
    "2,000 looked-after children, 1,200 CP plans, ~100,000 events a year); region: 19 councils; "
    "england: 153 councils (a long run: see docs/performance.md).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed gives the same council.",
)
@as_of_option
@click.option(
    "--years",
    type=click.IntRange(1, 30),
    default=1,
    show_default=True,
    help="Years of history up to --as-of.",
)
@click.option(
    "--limit", type=click.IntRange(0, 10_000), default=10, show_default=True, help="Rows shown per dashboard."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Where to write the HTML learning report (default: ./kentqa-learning-CYCLE.html).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object (summaries, the report's path) instead of tables.",
)
def demo(
    *,
    db: str | None,
    scale: str,
    seed: int,
    as_of: dt.datetime | None,
    years: int,
    limit: int,
    report_path: Path | None,
    as_json: bool,
) -> None:
    """Build a realistic synthetic council through the public API, then show every dashboard.

    Records teams and staff, a year (or --years) of observations, supervision, children's
    looked-after and child protection plans with reviews, QA and midway reviews, three
    audit cycles, escalations, complaints, compliments and feedback up to --as-of (default
    today) — some of it deliberately late, overdue or escalated — then prints the
    observation, drift, escalation, complaint, audit cycle and voice dashboards and writes
    the HTML Learning and Improvement report for the last complete cycle.

    Deterministic: the same --scale, --seed, --as-of and --years make the same events, so
    running it again records nothing new. Refuses a store that holds other data (exit 1).
    """
    day = as_of_date(as_of)
    chosen = SCALES[scale]
    console = Console(stderr=True, quiet=True) if as_json else output.table_console()
    with open_store(db, create=True) as qa:
        problem = demo_store_problem(qa)
        if problem:
            click.echo(f"kentqa: error: {problem}", err=True)
            sys.exit(EXIT_REFUSED)
        started = time.perf_counter()
        generated = recorded = 0
        fixes: Counter[str] = Counter()
        estimate = chosen.estimated_events(years)
        with progress(quiet=as_json) as bar:
            task = bar.add_task(f"Recording {chosen.description}", total=estimate)
            chunk: list[Any] = []
            for event in generate(chosen, seed=seed, as_of=day, years=years, policy=qa.policy):
                chunk.append(event)
                if isinstance(event, RecordCorrected | RecordWithdrawn):
                    fixes[event.type] += 1
                if len(chunk) >= CHUNK:
                    # synthetic, dated up to its own --as-of
                    recorded += qa.record_many(chunk, allow_future=True).new
                    generated += len(chunk)
                    bar.update(task, completed=generated, total=max(estimate, generated))
                    chunk = []
            if chunk:
                recorded += qa.record_many(chunk, allow_future=True).new
                generated += len(chunk)
            bar.update(task, completed=generated, total=generated)
        elapsed = time.perf_counter() - started
        summary: dict[str, Any] = {
            "store": qa.storage.display,
            "scale": scale,
            "seed": seed,
            "as_of": day.isoformat(),
            "years": years,
            "events_generated": generated,
            "events_recorded": recorded,
            "events_already_there": generated - recorded,
            # the data officer's year-end sweep (SPEC 9.1): among the events generated
            "corrections": fixes["RecordCorrected"],
            "withdrawals": fixes["RecordWithdrawn"],
            "seconds": round(elapsed, 1),
        }
        console.print(
            f"[bold]{chosen.description}[/bold]: {generated:,} events generated, {recorded:,} recorded "
            f"({generated - recorded:,} were already there) in {elapsed:.1f} s into {qa.storage.display}"
        )
        summary["dashboards"] = show_dashboards(qa, day, console, limit=limit, db=db)
        summary["report"] = write_report(qa, day, report_path, console)
    if as_json:
        output.print_json(summary)


def show_dashboards(
    qa: QualityAssurance, as_of: dt.date, console: Console, *, limit: int, db: str | None
) -> dict[str, Any]:
    """Print every dashboard whose query exists; returns their summaries (for --json)."""
    hint = f"--as-of {as_of.isoformat()}" + (f" --db {db}" if db else "")
    shown: dict[str, Any] = {}
    missing: list[str] = []
    for dashboard in DASHBOARDS:
        if not dashboard.available(qa):
            missing.append(dashboard.name)
            continue
        rows = dashboard.rows(qa, as_of)
        print_rows(console, dashboard, rows, limit=limit, hint=hint)
        shown[dashboard.name] = {
            "rows": len(rows),
            **dashboard.summary(rows),
            "top": output.to_plain(rows[:limit]),
        }
    year_start = qa.policy.year_start_month
    cycle_now = cycle_id_for(as_of, year_start)
    last_cycle = last_complete_cycle(as_of, year_start)
    audit_cycle = getattr(qa, "audit_cycle", None)
    if callable(audit_cycle):
        value = audit_cycle(cycle_now, as_of=as_of)
        print_object(console, f"Audit cycle {cycle_now} (R-AUD-1..3)", value)
        shown["cycle"] = output.to_plain(value)
    else:
        missing.append("cycle")
    triad_recommendations = getattr(qa, "triad_recommendations", None)
    if callable(triad_recommendations):
        rows = triad_recommendations(last_cycle, as_of=as_of)
        console.rule(f"[bold]Triad recommendations for {last_cycle} (R-AUD-4)")
        output.print_table(f"{len(rows)} auditor pairs with a grade gap", rows[:limit], console=console)
        shown["triad"] = {"cycle_id": last_cycle, "rows": len(rows), "top": output.to_plain(rows[:limit])}
    else:
        missing.append("triad")
    voice_summary = getattr(qa, "voice_summary", None)
    if callable(voice_summary):
        start = add_months(as_of, -12) + dt.timedelta(days=1)
        value = voice_summary(start, as_of)
        print_object(console, f"Voice of children, families, partners and staff, {start} to {as_of}", value)
        shown["voice"] = output.to_plain(value)
    else:
        missing.append("voice")
    if missing:
        console.print(f"[dim]Not installed in this version: {', '.join(missing)}[/dim]")
    shown["missing"] = missing
    return shown


def write_report(qa: QualityAssurance, as_of: dt.date, path: Path | None, console: Console) -> str | None:
    """Write the HTML learning report for the last complete cycle, if the report exists."""
    learning_report = getattr(qa, "learning_report", None)
    if not callable(learning_report):
        console.print("[dim]The learning report is not installed in this version.[/dim]")
        return None
    cycle = last_complete_cycle(as_of, qa.policy.year_start_month)
    report = learning_report(cycle, as_of=as_of)
    target = path or Path(f"kentqa-learning-{cycle}.html")
    target.write_text(report.to_html(), encoding="utf-8")
    where = str(target.resolve())
    console.rule("[bold]Learning and Improvement report (R-AUD-6)")
    console.print(f"The report for cycle {cycle} is at [bold]{where}[/bold] (open it in a browser)")
    return where
