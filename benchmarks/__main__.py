"""``python -m benchmarks``: kentqa against bare eventsourcing, the same work on the same back end.

One run: kentqa in this process, bare eventsourcing in a helper process driven in lockstep
(see ``baseline.py``: the same machine conditions chunk by chunk, and this process's peak RSS
is kentqa's alone).

1. ingest, chunk by chunk: ``record_many`` of N realistic events (one synthetic council over
   the years, validation and idempotency included), then the same events as equivalent
   aggregates saved 100 at a time; the SPEC section 5 queries are timed after N/10 events
   and again after N;
2. replay, alternately: ``qa.replay(projections=[name])`` rebuilds one projection from the
   log (each in turn), and the baseline reads the log and decodes every event (no
   projections); the fastest of ``--rounds`` rounds of each counts, the slowest projection
   gives ``replay_ratio``;
3. a fresh process opens the store and answers every section 5 query: ``open_s`` and
   ``reader_rss_mb``;
4. one withdrawal of the first event recorded that nothing depends on (a completed plan
   action, or feedback) (SPEC 9.1: a correction folds the
   state again from the corrected log, decision 0995): ``correction_s``, and
   ``correction_ratio``, the baseline's read-and-decode of the log over it (how many such
   reads a correction costs, inverted: below 1 it costs more than one read).

Prints a table, then one JSON line:
``{"ingest_ratio": ..., "replay_ratio": ..., "query_flatness": ..., "rss_mb": ..., "reader_rss_mb": ..., "open_s": ..., "correction_s": ..., "correction_ratio": ...}``
(ratios > 1 mean kentqa is faster; query_flatness is the worst query's time after N over
its time after N/10). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import kentqa_domain as kq
from kentqa_domain.events import to_json

from . import machine, queries, workload
from .baseline import Baseline

CHUNK = 10_000
#: Event types nothing recorded later depends on (withdrawn to time a correction), in order of
#: preference: a small run (its first events are all registrations and allocations) withdraws
#: an allocation.
WITHDRAWABLE = ("PlanActionCompleted", "FeedbackReceived", "ChildAllocated")


class Clock:
    """Wall and CPU seconds of the timed sections."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr, flush=True)


def _urls(backend: str, work: Path, postgres: str | None) -> tuple[str, dict[str, str], Any]:
    """(kentqa URL, bare eventsourcing settings, a cleanup) for the back end."""
    if backend == "sqlite":
        return (
            f"sqlite:///{work / 'kentqa.db'}",
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(work / "bare.db")},
            None,
        )
    if backend == "memory":
        return "memory://", {"PERSISTENCE_MODULE": "eventsourcing.popo"}, None
    # PostgreSQL: a server from --postgres / KENTQA_TEST_POSTGRES, else a throwaway cluster.
    from tests.pgserver import Cluster

    cluster = None
    if postgres is None:
        cluster = Cluster()
        postgres = cluster.start()
    from .postgres import databases

    kentqa_url, settings = databases(postgres)
    return kentqa_url, settings, cluster


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.dir or tempfile.mkdtemp(prefix="kentqa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    kentqa_url, bare_settings, cluster = _urls(args.backend, work, args.postgres)
    results: dict[str, Any] = {
        "events": args.events,
        "backend": args.backend,
        "input": args.input,
        "machine": machine.describe(),
    }
    baseline = Baseline(bare_settings)
    try:
        qa = kq.connect(kentqa_url, policy=kq.Policy())
        ingest(qa, baseline, args, results)
        results["rss_mb_after_ingest"] = machine.peak_rss_mb()
        if args.backend != "memory":
            _say(args.quiet, "a fresh process opens the store and answers every section 5 query")
            results["reader"] = reader(kentqa_url, results["as_of_last"])
        replay(qa, baseline, args, results)
        correction(qa, args, results)
        results["rss_mb"] = machine.peak_rss_mb()
        results["ledger_parts_kb"] = _ledger_parts(qa)
        qa.close()
        results["machine"]["load_average_end"] = machine.describe()["load_average"]
    finally:
        baseline.close()
        if cluster is not None:
            cluster.remove()
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return summarise(results)


def ingest(qa: Any, baseline: Baseline, args: argparse.Namespace, results: dict[str, Any]) -> None:
    """Chunk by chunk: kentqa's ``record_many``, then the same events as bare aggregates.

    The queries are timed after N/10 events and after N (never while the baseline runs)."""
    n = args.events
    first_point = max(1, n // 10)
    ours, theirs = Clock(), Clock()
    recorded = 0
    last_day = dt.date.min
    _say(
        args.quiet,
        f"recording {n:,} events into {qa.storage.display} and, chunk by chunk, bare eventsourcing",
    )
    for chunk in workload.chunks(n, CHUNK, seed=args.seed):
        cut = first_point - recorded if recorded < first_point <= recorded + len(chunk) else len(chunk)
        for part in (chunk[:cut], chunk[cut:]):
            if not part:
                continue
            given = [to_json(e) for e in part] if args.input == "json" else part
            with ours:
                qa.record_many(given, allow_future=True)  # a synthetic council dated up to 2035 (R-INP-1)
            wall, cpu, _ = baseline.call("ingest", part)
            theirs.wall += wall
            theirs.cpu += cpu
            recorded += len(part)
            last_day = max(last_day, *(e.business_date for e in part))
            _withdrawable(part, results)
            if recorded == first_point:
                results["as_of_first"] = last_day.isoformat()
                results["queries_first"] = queries.time_queries(qa, last_day)
        _say(
            args.quiet,
            f"  {recorded:,} events: kentqa {recorded / ours.wall:,.0f}/s, bare {recorded / theirs.wall:,.0f}/s",
        )
    wall, cpu, _ = baseline.call("flush")
    theirs.wall += wall
    theirs.cpu += cpu
    results["as_of_last"] = last_day.isoformat()
    results["queries_last"] = queries.time_queries(qa, last_day)
    results["kentqa_ingest"] = {"wall": ours.wall, "cpu": ours.cpu, "events": recorded}
    results["bare_ingest"] = {"wall": theirs.wall, "cpu": theirs.cpu, "events": recorded}


def _withdrawable(part: list[Any], results: dict[str, Any]) -> None:
    """Keep the first recorded event of the most preferred WITHDRAWABLE type (for the correction)."""
    held = results.get("_feedback")
    rank = WITHDRAWABLE.index(type(held).__name__) if held is not None else len(WITHDRAWABLE)
    for event in part:
        kind = type(event).__name__
        if kind in WITHDRAWABLE[:rank]:
            results["_feedback"] = event
            rank = WITHDRAWABLE.index(kind)
            if rank == 0:
                return


def replay(qa: Any, baseline: Baseline, args: argparse.Namespace, results: dict[str, Any]) -> None:
    """Rebuilding one projection from the log (``qa.replay(projections=[name])``, each in turn)
    against the baseline's read-and-decode of the same log, alternately, ``--rounds`` times;
    the fastest round of each counts. ``replay_ratio`` is the slowest projection's."""
    names = [n for n in qa.projections.names() if n != "reveal"]
    ours: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    theirs: list[dict[str, float]] = []
    for round_ in range(args.rounds):
        for name in names:
            _say(args.quiet, f"replay, round {round_ + 1}: kentqa rebuilds {name}")
            with Clock() as clock:
                report = qa.replay(projections=[name])
            ours[name].append({"wall": clock.wall, "cpu": clock.cpu, "events": report.folded})
        _say(args.quiet, f"replay, round {round_ + 1}: bare eventsourcing reads and decodes the log")
        wall, cpu, read = baseline.call("replay")
        theirs.append({"wall": wall, "cpu": cpu, "events": read})
    best = {name: min(rounds, key=lambda r: r["wall"]) for name, rounds in ours.items()}
    results["projection_replays"] = best
    slowest = min(
        best, key=lambda n: best[n]["events"] / best[n]["wall"] if best[n]["wall"] else float("inf")
    )
    results["slowest_projection"] = slowest
    results["kentqa_replay"] = best[slowest]
    results["bare_replay"] = min(theirs, key=lambda r: r["wall"])
    results["replay_rounds"] = {"kentqa": ours, "bare": theirs}


def correction(qa: Any, args: argparse.Namespace, results: dict[str, Any]) -> None:
    """One withdrawal of the first event recorded that nothing depends on (R-COR-3 lets it
    through), timed: its cost is the fold of the whole log, wherever the event is."""
    feedback = results.pop("_feedback", None)
    if feedback is None:
        return
    _say(args.quiet, f"one correction: a {type(feedback).__name__} withdrawn")
    with Clock() as clock:
        qa.withdraw(feedback, on=results["as_of_last"], by="BENCH-1", reason="benchmark", allow_future=True)
    results["correction"] = {"wall": clock.wall, "cpu": clock.cpu}


def reader(url: str, as_of: str) -> dict[str, Any]:
    """A fresh process opening the store and answering every section 5 query (its figures)."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.reader", url, as_of],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _ledger_parts(qa: kq.QualityAssurance) -> dict[str, float]:  # type: ignore[name-defined]
    """Size of the state in the store by owner (documents' bytes), and the identity index, in kB."""
    out: dict[str, float] = {}
    for owner, size in qa.state_tables.select(
        "SELECT owner, SUM(LENGTH(doc)) FROM kentqa_docs GROUP BY owner"
    ):
        out[f"documents {owner}"] = round(int(size or 0) / 1024, 1)
    (count,) = qa.state_tables.select("SELECT COUNT(*) FROM kentqa_identities")[0]
    out["identities (24 bytes a row)"] = round(int(count) * 24 / 1024, 1)
    return out


def _rate(part: dict[str, float], clock: str) -> float:
    return part["events"] / part[clock] if part[clock] else 0.0


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    for clock in ("wall", "cpu"):
        results[f"ingest_ratio_{clock}"] = _rate(results["kentqa_ingest"], clock) / _rate(
            results["bare_ingest"], clock
        )
        results[f"replay_ratio_{clock}"] = _rate(results["kentqa_replay"], clock) / _rate(
            results["bare_replay"], clock
        )
    if "correction" in results:
        bare = results["bare_replay"]["wall"]
        results["correction_s"] = round(results["correction"]["wall"], 2)
        results["correction_ratio"] = (
            bare / results["correction"]["wall"] if results["correction"]["wall"] else None
        )
    flat = {}
    for name, last in results["queries_last"].items():
        first = results["queries_first"].get(name)
        if first:
            flat[name] = last["ms"] / first["ms"] if first["ms"] else 0.0
    results["query_ratios"] = flat
    about_now = {n: r for n, r in flat.items() if n not in queries.ALL_HISTORY}
    results["query_flatness"] = max(about_now.values()) if about_now else None
    results["slowest_query_ms"] = max(
        (q["ms"] for n, q in results["queries_last"].items() if n not in queries.ALL_HISTORY), default=None
    )
    return results


def print_report(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    m = results["machine"]
    console.print(
        f"[bold]{results['events']:,} events on {results['backend']}[/bold] — {m['cpu']} x {m['cpus']}, "
        f"Python {m['python']}, SQLite {m['sqlite']}, eventsourcing {m['eventsourcing']}, "
        f"load average {m['load_average']}"
    )
    table = Table(title="Throughput (events per second)", title_justify="left")
    for col in ("phase", "kentqa", "bare eventsourcing", "ratio (wall)", "ratio (CPU)"):
        table.add_column(col, justify="right")
    for phase, ours, theirs in (
        ("ingest", "kentqa_ingest", "bare_ingest"),
        ("replay", "kentqa_replay", "bare_replay"),
    ):
        table.add_row(
            phase,
            f"{_rate(results[ours], 'wall'):,.0f}",
            f"{_rate(results[theirs], 'wall'):,.0f}",
            f"{results[f'{phase}_ratio_wall']:.2f}",
            f"{results[f'{phase}_ratio_cpu']:.2f}",
        )
    console.print(table)
    table = Table(
        title=f"Queries (median ms) after {results['events'] // 10:,} and {results['events']:,} events",
        title_justify="left",
    )
    for col in ("query", "first ms", "rows", "last ms", "rows", "last / first"):
        table.add_column(col, justify="right")
    for name, last in results["queries_last"].items():
        first = results["queries_first"].get(name, {"ms": 0.0, "rows": 0})
        table.add_row(
            name,
            f"{first['ms']:.1f}",
            f"{first['rows']:,}",
            f"{last['ms']:.1f}",
            f"{last['rows']:,}",
            f"{results['query_ratios'].get(name, 0.0):.2f}",
        )
    console.print(table)
    parts = ", ".join(
        f"{k} {v:,.0f}" for k, v in sorted(results["ledger_parts_kb"].items(), key=lambda x: -x[1])
    )
    reader_figures = results.get("reader")
    console.print(
        f"Peak RSS {results['rss_mb']} MB ({results['rss_mb_after_ingest']} MB after ingest). "
        f"State in the store (kB): {parts}"
    )
    if reader_figures:
        console.print(
            f"A fresh reader: open {reader_figures['open_s']} s, every section 5 query {reader_figures['queries_s']} s, "
            f"peak RSS {reader_figures['rss_mb']} MB ({reader_figures['import_rss_mb']} MB after import)"
        )
    replays = results.get("projection_replays", {})
    if replays:
        console.print(
            "Rebuilding one projection (events/s): "
            + ", ".join(f"{n} {_rate(r, 'wall'):,.0f}" for n, r in sorted(replays.items()))
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to record (default 1,000,000)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "memory"), default="sqlite")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=None,
        help="a PostgreSQL server (else KENTQA_TEST_POSTGRES, else a throwaway cluster)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rounds", type=int, default=2, help="replay rounds of each side (the fastest counts)"
    )
    parser.add_argument(
        "--input",
        choices=("json", "objects"),
        default="json",
        help="hand kentqa JSON objects (parsed and validated inside record_many, as from a feed; the "
        "default) or event objects built (and validated) beforehand",
    )
    parser.add_argument(
        "--dir", default=None, help="where the SQLite files go (default: a temporary folder, removed)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quiet", action="store_true", help="print only the JSON line")
    parser.add_argument(
        "--full-json", action="store_true", help="print every figure as JSON before the summary line"
    )
    args = parser.parse_args(argv)
    if args.backend == "postgres" and args.postgres is None:
        import os

        args.postgres = os.environ.get("KENTQA_TEST_POSTGRES") or None
    results = run(args)
    if not args.quiet:
        print_report(results)
    if args.full_json:
        print(json.dumps(results, default=str))
    reader_figures = results.get("reader", {})
    line = {
        "ingest_ratio": round(results["ingest_ratio_wall"], 3),
        "replay_ratio": round(results["replay_ratio_wall"], 3),
        "query_flatness": None if results["query_flatness"] is None else round(results["query_flatness"], 3),
        "rss_mb": results["rss_mb"],
        "reader_rss_mb": reader_figures.get("rss_mb"),
        "open_s": reader_figures.get("open_s"),
        "correction_s": results.get("correction_s"),
        "correction_ratio": None
        if results.get("correction_ratio") is None
        else round(results["correction_ratio"], 3),
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
