"""``python -m benchmarks.floors``: how near the ingest and replay targets any design could come.

Issue 14 asks for ``ingest_ratio`` >= 0.8 and ``replay_ratio`` >= 1.0 against bare
eventsourcing. This measures the parts of kentqa's work that no arrangement of the read
model removes, in one run, chunk by chunk in lockstep with the bare baseline (as
``python -m benchmarks`` does), on the same back end:

- ``parse_ratio``: bare eventsourcing's ingest over parsing and validating the same events
  from JSON (``kentqa_domain.events.parse``, the first thing ``record_many`` does with a feed);
- ``ingest_ratio``: ``record_many`` as it is (every rule, sealing, the write model, the
  identities and every projection's documents, rows and position in the batch's transaction);
- ``ingest_ratio_without_views``: the same ``record_many`` into a second store whose
  projections are switched off (nothing folded, inside or after the transaction): the most
  that folding the views anywhere else (after the commit, in another process) could give;
- ``replay_read_ratio``: bare eventsourcing's read-and-decode of the log over kentqa reading
  the same log as a projection does (pages of 2,000, corrections applied, events decoded for
  folding) with nothing folded: the most that any projection's rebuild could give;
  ``replay_read_ratio_sealed`` the same for a projection that reads children's sealed
  payloads (``child_plans``).

Switching the projections off reaches into the connection's private parts: it is a
measuring instrument, not a mode of the library (decision 1015).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import kentqa_domain as kq
from kentqa_domain.events import parse, to_json

from . import machine, workload
from .__main__ import CHUNK, Clock, _urls
from .baseline import Baseline

PAGE = 2_000


def _without_views(qa: Any) -> Any:
    """The connection with its projections switched off: nothing folded in the batch's
    transaction (``fold_in``) and nothing caught up after it."""
    qa.recording.fold_in = None
    qa._catch_up_state = lambda *_args, **_kwargs: 0
    return qa


def _read_as_projections(qa: Any, keys: bool) -> int:
    """The whole log read as a projection's rebuild reads it, nothing folded; events read."""
    log, start, count = qa.log, 1, 0
    while page := log.for_projections(start, PAGE, keys):
        count += len(page)
        start = page[-1][0] + 1
    return count


def run(events: int, rounds: int, seed: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="kentqa-floors-"))
    url, settings, _cluster = _urls("sqlite", work, None)
    bare_side = Baseline(settings)
    clocks = {name: Clock() for name in ("parse", "full", "without_views", "bare")}
    try:
        full = kq.connect(url, policy=kq.Policy())
        no_views = _without_views(kq.connect(f"sqlite:///{work / 'without-views.db'}", policy=kq.Policy()))
        for chunk in workload.chunks(events, CHUNK, seed=seed):
            given = [to_json(e) for e in chunk]
            with clocks["parse"]:
                for item in given:
                    parse(item)
            with clocks["full"]:
                full.record_many(given, allow_future=True)
            with clocks["without_views"]:
                no_views.record_many(given, allow_future=True)
            wall, cpu, _ = bare_side.call("ingest", chunk)
            clocks["bare"].wall += wall
            clocks["bare"].cpu += cpu
        wall, cpu, _ = bare_side.call("flush")
        clocks["bare"].wall += wall
        clocks["bare"].cpu += cpu
        reads: dict[str, list[float]] = {"plain": [], "sealed": [], "bare": []}
        for _ in range(rounds):
            for name, keys in (("plain", False), ("sealed", True)):
                with Clock() as clock:
                    _read_as_projections(full, keys)
                reads[name].append(clock.wall)
            wall, _cpu, _read = bare_side.call("replay")
            reads["bare"].append(wall)
        full.close()
        no_views.close()
    finally:
        bare_side.close()
        shutil.rmtree(work, ignore_errors=True)
    bare = clocks["bare"].wall
    best = {name: min(times) for name, times in reads.items()}
    return {
        "events": events,
        "machine": machine.describe(),
        "seconds": {name: round(clock.wall, 3) for name, clock in clocks.items()},
        "read_seconds": {name: round(value, 3) for name, value in best.items()},
        "parse_ratio": round(bare / clocks["parse"].wall, 3),
        "ingest_ratio": round(bare / clocks["full"].wall, 3),
        "ingest_ratio_without_views": round(bare / clocks["without_views"].wall, 3),
        "replay_read_ratio": round(best["bare"] / best["plain"], 3),
        "replay_read_ratio_sealed": round(best["bare"] / best["sealed"], 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floors", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to record (default 100,000)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of reading the log (the fastest counts)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    json.dump(run(args.events, args.rounds, args.seed), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
