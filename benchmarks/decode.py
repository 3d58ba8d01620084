"""Decoding stored events: the trusted (replay) path against the validating one (decision 1012).

``python -m benchmarks.decode [--size 0.05] [--seed 3] [--repeat 5]`` takes the demo council's
events (``kentqa_domain.demo.council_events``), turns each into the JSON body the store keeps
(``events.to_json`` without ``type``, as ``orjson`` reads it back), and times rebuilding all of
them through the trusted decoder (no validators: catching up and ``kentqa replay``) and through
the validating one (``events.parse``: ``kentqa replay --verify``). It prints one JSON line:
``events``, ``types`` (distinct event types), ``trusted_per_s`` and ``validating_per_s`` (the
best of ``--repeat`` rounds), and ``ratio`` (trusted over validating).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

import orjson

from kentqa_domain import events as ev
from kentqa_domain.demo import council_events
from kentqa_domain.serialization.convert import trusted_event

Body = tuple[str, dict[str, Any]]


def stored_bodies(size: float, seed: int) -> list[bytes]:
    """The demo council's events as the store keeps their JSON: ``{"type": ..., fields}``."""
    found = council_events(size=size, seed=seed, as_of=dt.date(2026, 11, 20), corrections=False)
    return [orjson.dumps(ev.to_json(e)) for e in found if isinstance(e, ev.Event)]


def best_rate(run: Callable[[list[Body]], object], raw: list[bytes], repeat: int) -> float:
    """Events a second decoding ``raw`` with ``run``, the best of ``repeat`` rounds (the JSON
    is parsed by orjson outside the timing, as in the mapper it is parsed before the decoder)."""
    best = float("inf")
    for _ in range(repeat):
        parsed = [orjson.loads(r) for r in raw]
        bodies = [(p.pop("type"), p) for p in parsed]
        started = time.perf_counter()
        run(bodies)
        best = min(best, time.perf_counter() - started)
    return len(raw) / best


def trusted(bodies: list[Body]) -> object:
    return [trusted_event(name, body) for name, body in bodies]


def validating(bodies: list[Body]) -> object:
    return [ev.parse({"type": name, **body}) for name, body in bodies]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.decode", description=__doc__)
    parser.add_argument("--size", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    raw = stored_bodies(args.size, args.seed)
    types = {orjson.loads(r)["type"] for r in raw}
    fast = best_rate(trusted, raw, args.repeat)
    full = best_rate(validating, raw, args.repeat)
    result = {
        "events": len(raw),
        "types": len(types),
        "trusted_per_s": round(fast),
        "validating_per_s": round(full),
        "ratio": round(fast / full, 2),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
