"""The memory of ``qa.export`` (``kentqa export``) as the log grows (SPEC 9.1; decision 0980).

``python -m benchmarks.export --events N [--store PATH]`` records the benchmark's first N events
(``workload.events``: the demo council) into an SQLite store (kept at ``--store`` and reused
when it already holds them), then exports it from a fresh process and prints one JSON line:
``events``, ``bytes`` written, ``export_s``, ``events_per_s``, ``rss_mb`` (the exporting
process's peak resident memory) and ``import_rss_mb`` (its peak after importing the library,
before opening the store), ``open_rss_mb`` (after opening it, before exporting). The export reads the log a page at a time, so ``rss_mb`` should
stay near ``import_rss_mb`` whatever N: run it at two sizes and compare.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import machine, workload


def measure(url: str, out: str) -> dict[str, float]:
    """In this (fresh) process: open the store, export it to ``out``, report time and peak RSS."""
    import kentqa_domain as kq

    imported = machine.peak_rss_mb()
    with kq.connect(url, policy=kq.Policy()) as qa:
        opened = machine.peak_rss_mb()
        started = time.perf_counter()
        summary = qa.export(out)
        took = time.perf_counter() - started
    return {
        "events": summary.events,
        "bytes": Path(out).stat().st_size,
        "export_s": round(took, 2),
        "events_per_s": round(summary.events / took) if took > 0 else 0,
        "rss_mb": machine.peak_rss_mb(),
        "import_rss_mb": imported,
        "open_rss_mb": opened,
    }


def build(path: Path, n: int) -> None:
    """Record the first ``n`` benchmark events into the store at ``path`` (if it holds fewer)."""
    import kentqa_domain as kq

    with kq.connect(f"sqlite:///{path}", policy=kq.Policy()) as qa:
        if qa.position >= n:
            return
        for chunk in workload.chunks(n, 5_000):
            qa.record_many(chunk, allow_future=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=None, help="SQLite file to build (or reuse)")
    parser.add_argument("--measure", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0
    with tempfile.TemporaryDirectory() as work:
        store = args.store or Path(work) / "export-bench.db"
        started = time.perf_counter()
        build(store, args.events)
        built = round(time.perf_counter() - started, 1)
        out = Path(work) / "export.jsonl"
        run = subprocess.run(
            [sys.executable, "-m", "benchmarks.export", "--measure", f"sqlite:///{store}", str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(run.stdout.strip().splitlines()[-1])
    print(json.dumps({**figures, "build_s": built}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
