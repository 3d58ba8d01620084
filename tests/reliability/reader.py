"""A process that catches up from the whole log (no checkpoint) and checkpoints on close.

``python -m tests.reliability.reader URL``: prints ``started``, folds the log, prints the
stats as JSON, closes (writing a checkpoint). Killed at any moment, it must leave nothing
half-written.
"""

from __future__ import annotations

import sys

import orjson

import kentqa_domain as kq
from kentqa_domain import application


def main(url: str) -> None:
    application.CATCH_UP_PAGE = 20  # many small reads: a kill lands mid catch-up
    print("started", flush=True)
    with kq.connect(url, policy=kq.Policy()) as qa:
        print(orjson.dumps(qa.stats()).decode(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
