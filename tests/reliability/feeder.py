"""A process that records the crash-test workload and may be killed at any moment.

``python -m tests.reliability.feeder URL ROUNDS [CHECKPOINT_EVERY]``: connects, prints
``started``, records ``workload.events(ROUNDS)`` with ``record_many`` (batches of 500, each
one transaction), checkpointing every ``CHECKPOINT_EVERY`` folded events, prints ``done``.
Re-running it resumes: events already stored are idempotent no-ops.
"""

from __future__ import annotations

import sys

import kentqa_domain as kq
from kentqa_domain import application
from tests.reliability.workload import events


def main(url: str, rounds: int, checkpoint_every: int) -> None:
    application.CHECKPOINT_EVERY = checkpoint_every
    with kq.connect(url, policy=kq.Policy()) as qa:
        print("started", flush=True)
        qa.record_many(events(rounds))
        print("done", qa.position, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 20_000)
