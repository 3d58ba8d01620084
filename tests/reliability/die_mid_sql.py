"""Dies by SIGKILL in the middle of an SQLite statement: ``python -m tests.reliability.die_mid_sql URL WHAT STEP``.

Every SQLite connection the process opens gets a progress handler; once armed, it counts
virtual-machine steps and SIGKILLs the process at step ``STEP`` — inside the transaction of
``WHAT``: ``batch`` (``record_many`` of 300 events), ``rebuild`` (``replay`` of one
projection) or ``forget`` (forgetting a child, from the stored fact to the key destruction). It prints
``armed`` first; if the operation ends before the step is reached it prints ``finished``
and how many steps it took.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import sys
from typing import Any

STATE = {"armed": False, "steps": 0, "kill_at": 0}


def _handler() -> int:
    if STATE["armed"]:
        STATE["steps"] += 1
        if STATE["steps"] >= STATE["kill_at"]:
            os.kill(os.getpid(), signal.SIGKILL)
    return 0


_connect = sqlite3.connect


def _instrumented(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    conn = _connect(*args, **kwargs)
    conn.set_progress_handler(_handler, 1)
    return conn


sqlite3.connect = _instrumented  # type: ignore[assignment]  # before eventsourcing opens anything

import kentqa_domain as kq  # noqa: E402
from tests.reliability.state import live_children  # noqa: E402
from tests.reliability.workload import events  # noqa: E402


def main(url: str, what: str, step: int) -> None:
    STATE["kill_at"] = step
    qa = kq.connect(url, policy=kq.Policy())
    batch = events(120)[-300:]
    print("armed", flush=True)
    STATE["armed"] = True
    if what == "batch":
        qa.record_many(batch)
    elif what == "rebuild":
        qa.replay(projections=["observation_compliance"])
    else:
        ref = sorted(live_children(qa))[0]
        qa.forget_child(ref, on=dt.date(2026, 6, 1))
    STATE["armed"] = False
    print("finished", STATE["steps"], flush=True)
    qa.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
