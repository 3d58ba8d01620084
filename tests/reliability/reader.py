"""A process that rebuilds a projection from the whole log, then answers.

``python -m tests.reliability.reader URL``: prints ``started``, rebuilds the voice projection
from the log in small pages (each its own transaction), prints the stats as JSON, closes.
Killed at any moment, it must leave nothing half-written.
"""

from __future__ import annotations

import sys

import orjson

import kentqa_domain as kq
from kentqa_domain.state import runner


def main(url: str) -> None:
    runner.PAGE = 20  # many small pages: a kill lands mid rebuild
    print("started", flush=True)
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.replay(projections=["voice"])
        print(orjson.dumps(qa.stats()).decode(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
