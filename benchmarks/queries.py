"""The SPEC section 5 queries, each timed (median of a few runs) at an ``as_of``."""

from __future__ import annotations

import datetime as dt
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

from kentqa_domain.application import QualityAssurance
from kentqa_domain.calendar import add_months, cycle_bounds, cycle_id_for

RUNS = 5


def _last_complete_cycle(as_of: dt.date) -> str:
    cycle = cycle_id_for(as_of)
    starts_on, ends_on = cycle_bounds(cycle)
    return cycle if as_of >= ends_on else cycle_id_for(starts_on - dt.timedelta(days=1))


def calls(qa: QualityAssurance, as_of: dt.date) -> dict[str, Callable[[], Any]]:
    """Each SPEC section 5 query that exists in this version, as a call at ``as_of``."""
    cycle = cycle_id_for(as_of)
    last = _last_complete_cycle(as_of)
    year_ago = add_months(as_of, -12) + dt.timedelta(days=1)
    wanted: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {
        "observation_compliance": ("observation_compliance", (), {"as_of": as_of}),
        "drift_register": ("drift_register", (), {"as_of": as_of}),
        "escalations": ("escalations", (), {"as_of": as_of}),
        "complaints_register": ("complaints_register", (), {"as_of": as_of}),
        "audit_cycle": ("audit_cycle", (cycle,), {"as_of": as_of}),
        "triad_recommendations": ("triad_recommendations", (last,), {"as_of": as_of}),
        "learning_report": ("learning_report", (last,), {"as_of": as_of}),
        "voice_summary": ("voice_summary", (year_ago, as_of), {}),
    }
    out: dict[str, Callable[[], Any]] = {}
    for name, (method, args, kwargs) in wanted.items():
        fn = getattr(qa, method, None)
        if callable(fn):
            out[name] = functools.partial(fn, *args, **kwargs)
    return out


def time_queries(qa: QualityAssurance, as_of: dt.date) -> dict[str, dict[str, float]]:
    """Median milliseconds (and rows) of each query; the first run warms caches and is dropped."""
    results: dict[str, dict[str, float]] = {}
    for name, call in calls(qa, as_of).items():
        value = call()
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        size = len(value) if isinstance(value, list | tuple) else 1
        results[name] = {"ms": statistics.median(samples), "rows": size}
    return results
