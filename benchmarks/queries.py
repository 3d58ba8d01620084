"""The SPEC section 5 queries, the queries about now and a page of each all-history register,
each timed (median of a few runs) at an ``as_of``.

``query_flatness`` (issue 14) is measured over the queries about *now* and the pages: the full
all-history registers (``escalations``, ``complaints_register`` without a filter) return every
row ever and grow with history by definition; they are timed and shown, not counted in it."""

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
#: The registers that list all of history by definition (shown, not counted in flatness).
ALL_HISTORY = ("escalations", "complaints_register")


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
        # queries about now, and a 100-row page of each all-history register (SPEC 9.4)
        "open_escalations": ("escalations", (), {"as_of": as_of, "state": "open"}),
        "open_complaints": ("complaints_register", (), {"as_of": as_of, "state": "open"}),
        "overdue_audit_actions": ("audit_actions", (), {"as_of": as_of, "state": "overdue"}),
        "escalations_page": ("escalations", (), {"as_of": as_of, "limit": 100}),
        "complaints_page": ("complaints_register", (), {"as_of": as_of, "limit": 100}),
        "audit_actions_page": ("audit_actions", (), {"as_of": as_of, "limit": 100}),
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
