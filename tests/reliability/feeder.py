"""A process that records the crash-test workload and may be killed at any moment.

``python -m tests.reliability.feeder URL ROUNDS [CHECKPOINT_EVERY]``: connects, prints
``started``, records ``workload.events(ROUNDS)`` with ``record_many`` in slices of 500 (each
one transaction), printing ``slice K`` after each, checkpointing every ``CHECKPOINT_EVERY``
folded events, prints ``done``.
Re-running it resumes: events already stored are idempotent no-ops.
"""

from __future__ import annotations

import sys

import kentqa_domain as kq
from kentqa_domain import application
from tests.reliability.workload import events

SLICE = 500  # one record_many (one transaction) per slice; "slice K" is printed after each


def main(url: str, rounds: int, checkpoint_every: int) -> None:
    application.CHECKPOINT_EVERY = checkpoint_every
    with kq.connect(url, policy=kq.Policy()) as qa:
        print("started", flush=True)
        workload = events(rounds)
        for start in range(0, len(workload), SLICE):
            qa.record_many(workload[start : start + SLICE])
            print("slice", start // SLICE, flush=True)
        print("done", qa.position, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 20_000)
