"""A writer process for the concurrency tests: ``python -m tests.reliability.hammer URL WRITER N``.

Every writer records the same kinds of events into the SAME streams at once:

- ``SupervisionHeld`` for worker W1 on day ``i`` with supervisor ``S<writer>`` (one stream,
  ``worker:W1``, extended by every writer: optimistic-concurrency conflicts on each write);
- ``EscalationResponded`` on escalation E1, identical across writers for even ``i`` (the
  same identity and content: idempotent no-ops for all but the first writer) and carrying the
  writer in ``response`` for odd ``i`` with ``by`` unique to the writer (distinct events);
- ``FeedbackReceived`` with an id unique to the writer (a stream per event: no conflict);
- every 10th ``i`` a ``FeedbackReceived`` whose id is shared by all writers but whose rating
  differs per writer: exactly one writer wins, the others get ``ConflictingEvent``.

Writers connect, then wait for the common start time given (epoch seconds), so that they
really write at once. ``BATCH`` 1 records event by event (``record_json``); more records
batches with ``record_many(on_invalid=...)``.

It prints one JSON line: counts of accepted, unchanged and conflicting recordings, and how
many optimistic-concurrency conflicts this writer retried. Any other
exception escapes (the test reads the exit status and stderr), ``StoreBusy`` too (a writer
that ran out of retries).
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import orjson

import kentqa_domain as kq
from kentqa_domain.errors import ConflictingEvent

START = dt.date(2026, 4, 1)


def events_for(writer: int, n: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        day = (START + dt.timedelta(days=i)).isoformat()
        out.append(
            {"type": "SupervisionHeld", "worker_id": "W1", "supervisor_id": f"S{writer}", "held_on": day}
        )
        if i % 2 == 0:
            out.append(
                {
                    "type": "EscalationResponded",
                    "escalation_id": "E1",
                    "responded_on": day,
                    "by": "TM1",
                    "response": "shared",
                }
            )
        else:
            out.append(
                {
                    "type": "EscalationResponded",
                    "escalation_id": "E1",
                    "responded_on": day,
                    "by": f"TM-{writer}",
                    "response": f"from {writer}",
                }
            )
        out.append(
            {
                "type": "FeedbackReceived",
                "feedback_id": f"F{writer}-{i}",
                "received_on": day,
                "source": "child",
                "channel": "momo",
                "rating": 4,
            }
        )
        if i % 10 == 0:
            out.append(
                {
                    "type": "FeedbackReceived",
                    "feedback_id": f"FX-{i}",
                    "received_on": day,
                    "source": "child",
                    "channel": "momo",
                    "rating": 1 + writer % 5,
                }
            )
    return out


def main(url: str, writer: int, n: int, batch: int, start_at: float) -> None:
    counts = {"accepted": 0, "unchanged": 0, "conflicting": 0}
    with kq.connect(url, policy=kq.Policy()) as qa:
        events = events_for(writer, n)
        time.sleep(max(0.0, start_at - time.time()))
        for start in range(0, len(events), batch):
            chunk = events[start : start + batch]
            if batch == 1:
                before = qa.position
                try:
                    position = qa.record_json(chunk[0])
                except ConflictingEvent:
                    counts["conflicting"] += 1
                    continue
                counts["accepted" if position > before else "unchanged"] += 1
                continue
            refused: list[Exception] = []
            before = qa.position
            positions = qa.record_many(chunk, on_invalid=lambda _i, e, out=refused: out.append(e))
            for error in refused:
                if not isinstance(error, ConflictingEvent):
                    raise error
                counts["conflicting"] += 1
            for position in positions:
                if position is not None:
                    counts["accepted" if position > before else "unchanged"] += 1
        counts["retried"] = qa.conflicts
    sys.stdout.write(orjson.dumps(counts).decode() + "\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
