"""Opens a store at a given instant and records one event: ``python -m tests.reliability.opener URL N START_AT``.

Many of these at once on a *fresh* database race to create its tables and functions.
"""

from __future__ import annotations

import sys
import time

import kentqa_domain as kq


def main(url: str, n: int, start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.time()))
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_json(
            {"type": "TeamRegistered", "team_id": f"T{n}", "name": "n", "service": "s", "area": "a"}
        )
    print("ok", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
