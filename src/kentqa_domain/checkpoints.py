"""Checkpoints of the ledger, in generations, so rebuilding the projections is resumable.

A checkpoint is one row of eventsourcing's aggregate-recorder table (``purpose="checkpoints"``):
the ledger pickled, compressed and sealed, in a checkpoint stream whose version *is* the
tracking position — the view and its position are one insert (decision 0001).

A *generation* is one rebuild of the ledger from the start of the log: generation 0 is the
first; ``kentqa replay`` and a change of the ledger's signature (a projection's ``version``
bumped) start a new one in its own stream, so a rebuilt ledger never collides with the old
one's rows. A generations stream records when each one started (version ``2g``) and when it
caught up with the log (version ``2g + 1``). Loading takes the row with the highest position
whose signature matches; ties go to the newer generation. A replay that was killed resumes
from its generation's newest row (decision 0802).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.persistence import AggregateRecorder, IntegrityError, StoredEvent

from .ledger import Ledger

STREAM_NAMESPACE = uuid5(NAMESPACE_URL, "https://kentqa.invalid/streams")
CHECKPOINT_STREAM = uuid5(STREAM_NAMESPACE, "ledger-checkpoint")
GENERATIONS_STREAM = uuid5(STREAM_NAMESPACE, "ledger-generations")
#: How many of the newest generations are looked at when loading.
GENERATIONS_SEARCHED = 3


def checkpoint_stream(generation: int) -> UUID:
    """The checkpoint stream of a generation (generation 0 keeps the original stream)."""
    if generation == 0:
        return CHECKPOINT_STREAM
    return uuid5(STREAM_NAMESPACE, f"ledger-checkpoint:{generation}")


@attrs.frozen
class Generation:
    number: int
    #: the generation caught up with the log at least once (generation 0 always counts as so)
    finished: bool
    reason: str = ""


class Checkpoints:
    """Reads and writes ledger checkpoints through an eventsourcing aggregate recorder.

    The application seals a checkpoint's bytes (pickled, compressed, encrypted with the
    ledger key) and gives ``load`` to open them (raising if they cannot be read: a replaced
    key, another shape, damage).
    """

    def __init__(self, recorder: AggregateRecorder, signature: str, *, load: Callable[[bytes], Any]) -> None:
        self.recorder = recorder
        self.signature = signature
        self.load = load
        #: the latest generation as last read
        self.latest = Generation(0, finished=True)

    # --- generations --------------------------------------------------------------------------

    def latest_generation(self) -> Generation:
        rows = self.recorder.select_events(GENERATIONS_STREAM, desc=True, limit=1)
        if not rows:
            self.latest = Generation(0, finished=True)
        else:
            version = rows[0].originator_version
            self.latest = Generation(version // 2, finished=version % 2 == 1, reason=rows[0].topic)
        return self.latest

    def start_generation(self, reason: str) -> int:
        """A new generation (one more than the latest); returns its number."""
        for _attempt in range(5):
            number = self.latest_generation().number + 1
            row = StoredEvent(GENERATIONS_STREAM, 2 * number, f"started:{reason}", b"{}")
            try:
                self.recorder.insert_events([row])
            except IntegrityError:
                continue  # another process started one at the same moment: take the next
            self.latest = Generation(number, finished=False, reason=f"started:{reason}")
            return number
        raise RuntimeError("could not start a new checkpoint generation")

    def finish_generation(self, number: int) -> None:
        """Mark a generation as caught up with the log (a no-op for generation 0 or if marked)."""
        if number == 0 or (self.latest.number == number and self.latest.finished):
            return
        row = StoredEvent(GENERATIONS_STREAM, 2 * number + 1, "finished", b"{}")
        try:
            self.recorder.insert_events([row])
        except IntegrityError:
            pass
        if self.latest.number == number:
            self.latest = Generation(number, finished=True, reason="finished")

    # --- checkpoints --------------------------------------------------------------------------

    def save(self, ledger: Ledger, state: bytes) -> bool:
        """Store ``state`` (the sealed ``ledger``) at its position in its generation; False if
        that row exists already."""
        if ledger.position == 0:
            return False
        row = StoredEvent(
            originator_id=checkpoint_stream(ledger.generation),
            originator_version=ledger.position,
            topic=self.signature,
            state=state,
        )
        try:
            self.recorder.insert_events([row])
        except IntegrityError:
            return False
        return True

    def _rows(self, generation: int, limit: int) -> Iterator[tuple[int, int, StoredEvent]]:
        for row in self.recorder.select_events(checkpoint_stream(generation), desc=True, limit=limit):
            if row.topic == self.signature:
                yield row.originator_version, generation, row

    def _load(self, generation: int, row: StoredEvent) -> Ledger | None:
        try:
            ledger = self.load(row.state)
        except Exception:  # noqa: BLE001 - an unreadable checkpoint is skipped; the log is the truth
            return None
        if not isinstance(ledger, Ledger) or ledger.position != row.originator_version:
            return None
        ledger.generation = generation
        return ledger

    def newest(self) -> Ledger | None:
        """The loadable checkpoint with the highest position (ties: the newer generation)."""
        latest = self.latest_generation().number
        generations = range(latest, max(-1, latest - GENERATIONS_SEARCHED), -1)
        for limit in (1, 4):  # the newest row of each generation, then a few more if unreadable
            candidates = [found for generation in generations for found in self._rows(generation, limit)]
            candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
            for _position, generation, row in candidates:
                ledger = self._load(generation, row)
                if ledger is not None:
                    return ledger
        return None

    def newest_in(self, generation: int) -> Ledger | None:
        """The newest loadable checkpoint of one generation (to resume a rebuild)."""
        for _position, gen, row in self._rows(generation, 4):
            ledger = self._load(gen, row)
            if ledger is not None:
                return ledger
        return None

    def generation_for_rebuild(self) -> int:
        """Where a ledger rebuilt from the start of the log checkpoints: the latest generation if
        it holds no rows yet, else a new one (so its rows never collide with older ones)."""
        latest = self.latest_generation()
        if self.recorder.select_events(checkpoint_stream(latest.number), desc=True, limit=1):
            return self.start_generation("rebuild")
        return latest.number
