"""The bare eventsourcing side, run in a helper process in lockstep with kentqa's.

Each chunk is recorded by kentqa (timed in the main process), then handed to the helper,
which saves it as bare aggregates (timed there) while the main process waits: the two never
run at once, so they meet the same machine conditions chunk by chunk, and the main
process's peak RSS is kentqa's alone (the baseline keeps every aggregate in memory).
"""

from __future__ import annotations

import multiprocessing as mp
import time
from multiprocessing.connection import Connection
from typing import Any

from kentqa_domain.recording.write_model import WriteModel

from . import bare


def _serve(conn: Connection, settings: dict[str, str]) -> None:
    app = bare.BareApplication(env=settings)
    saver = bare.BareIngest(app)
    book = WriteModel()  # only to name each event's stream as kentqa does
    while True:
        command, payload = conn.recv()
        if command == "ingest":
            operations = list(bare.operations(payload, book))  # converted before timing
        started, cpu = time.perf_counter(), time.process_time()
        if command == "ingest":
            saver.apply(operations)
            result: Any = None
        elif command == "flush":
            saver.flush()
            result = None
        elif command == "replay":
            result = bare.read_and_decode(app)
        else:
            app.close()
            conn.send((0.0, 0.0, None))
            return
        conn.send((time.perf_counter() - started, time.process_time() - cpu, result))


class Baseline:
    """A handle on the helper process."""

    def __init__(self, settings: dict[str, str]) -> None:
        context = mp.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, settings), daemon=True)
        self._process.start()

    def call(self, command: str, payload: Any = None) -> tuple[float, float, Any]:
        """(wall seconds, CPU seconds, result) of one command, timed in the helper."""
        self._conn.send((command, payload))
        answer: tuple[float, float, Any] = self._conn.recv()
        return answer

    def close(self) -> None:
        try:
            self.call("stop")
        finally:
            self._process.join(timeout=60)
