"""A process that records the crash-test workload and may be killed at any moment.

``python -m tests.reliability.feeder URL ROUNDS``: connects, prints ``started``, records
``workload.events(ROUNDS)`` with ``record_many`` in slices of 500 (each one transaction with
the state it changes), printing ``slice K`` after each, prints ``done``.
Re-running it resumes: events already stored are idempotent no-ops.
"""

from __future__ import annotations

import sys

import kentqa_domain as kq
from tests.reliability.workload import events

SLICE = 500  # one record_many (one transaction) per slice; "slice K" is printed after each


def main(url: str, rounds: int) -> None:
    with kq.connect(url, policy=kq.Policy()) as qa:
        print("started", flush=True)
        workload = events(rounds)
        for start in range(0, len(workload), SLICE):
            qa.record_many(workload[start : start + SLICE])
            print("slice", start // SLICE, flush=True)
        print("done", qa.position, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
