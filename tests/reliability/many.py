"""A writer or a reader process for the scale-out test: ``python -m tests.reliability.many ROLE URL ...``.

- ``write URL PART PARTS START``: waits until the epoch second ``START``, then records the
  workload's rounds ``i`` with ``i % PARTS == PART`` in batches of 50; prints one JSON line.
- ``read URL STOP_FILE``: opens the store, then until ``STOP_FILE`` exists answers every
  section 5 query at one position (``at_one_position``), remembering a digest of the answers
  per position; then answers once more, and prints one JSON line: the digests by position,
  the final position and digest, and its peak resident memory (MB).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import resource
import sys
import time
from typing import Any

import orjson

import kentqa_domain as kq
from kentqa_domain.cli.output import to_plain
from tests.reliability.workload import events

AS_OF = dt.date(2026, 3, 1)
ROUNDS = 240
ORGANISATION = 24  # the workload's teams and workers come first


def rounds(part: int, parts: int) -> list[dict[str, Any]]:
    """The workload's events of round i for i % parts == part (rounds are independent)."""
    everything = events(ROUNDS)[ORGANISATION:]
    out, i = [], -1
    for event in everything:
        if event["type"] == "FeedbackReceived":  # each round starts with its feedback
            i += 1
        if i % parts == part:
            out.append(event)
    return out


def answers(q: Any) -> dict[str, Any]:
    """Every section 5 query (and the stats) at one position."""
    return {
        "stats": q.stats(),
        "observation_compliance": to_plain(q.observation_compliance(as_of=AS_OF)),
        "drift_register": to_plain(q.drift_register(as_of=AS_OF)),
        "escalations": to_plain(q.escalations(as_of=AS_OF)),
        "complaints_register": to_plain(q.complaints_register(as_of=AS_OF)),
        "audit_cycle": to_plain(q.audit_cycle(kq.cycle_id_for(AS_OF), as_of=AS_OF)),
        "triads": to_plain(q.triad_recommendations(kq.cycle_id_for(AS_OF), as_of=AS_OF)),
        "voice": to_plain(q.voice_summary(dt.date(2025, 4, 1), AS_OF)),
    }


def digest(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def _peak_rss_mb() -> float:
    """This process's peak resident memory: Linux's VmHWM (``ru_maxrss`` is carried over from
    the parent across ``exec``: a reader started by a big test process would report its peak)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write(url: str, part: int, parts: int, start: float) -> None:
    mine = rounds(part, parts)
    with kq.connect(url, policy=kq.Policy()) as qa:
        time.sleep(max(0.0, start - time.time()))
        for n in range(0, len(mine), 50):
            qa.record_many(mine[n : n + 50])
        print(orjson.dumps({"recorded": len(mine), "position": qa.position}).decode(), flush=True)


def read(url: str, stop: str) -> None:
    seen: dict[int, str] = {}
    with kq.connect(url, policy=kq.Policy()) as qa:
        while not os.path.exists(stop):
            with qa.at_one_position() as q:
                seen[q.position] = digest(answers(q))
        with qa.at_one_position() as q:
            final = (q.position, digest(answers(q)))
    peak = _peak_rss_mb()
    print(
        orjson.dumps(
            {"seen": seen, "final": final, "rss_mb": round(peak, 1)}, option=orjson.OPT_NON_STR_KEYS
        ).decode(),
        flush=True,
    )


if __name__ == "__main__":
    role, url, *rest = sys.argv[1:]
    if role == "write":
        write(url, int(rest[0]), int(rest[1]), float(rest[2]))
    else:
        read(url, rest[0])
