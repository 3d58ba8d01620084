"""A fresh process that opens a store and answers every SPEC section 5 query (issue 14's reader).

``python -m benchmarks.reader URL AS_OF``: prints one JSON line: ``open_s`` (connecting: the
write model and projections are not loaded, only caught up with the log's end), ``queries_s``
(every section 5 query once, at one position), ``rss_mb`` (this process's peak resident
memory) and ``import_rss_mb`` (its peak after importing the library, before opening: what
Python and the library cost before any state).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from . import machine


def main(url: str, as_of: str) -> None:
    import kentqa_domain as kq

    from .queries import calls

    imported = machine.peak_rss_mb()
    started = time.perf_counter()
    qa = kq.connect(url, policy=kq.Policy())
    opened = time.perf_counter() - started
    started = time.perf_counter()
    with qa.at_one_position() as q:
        for call in calls(q, dt.date.fromisoformat(as_of)).values():
            call()
    answered = time.perf_counter() - started
    qa.close()
    print(
        json.dumps(
            {
                "open_s": round(opened, 3),
                "queries_s": round(answered, 3),
                "rss_mb": machine.peak_rss_mb(),
                "import_rss_mb": imported,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
