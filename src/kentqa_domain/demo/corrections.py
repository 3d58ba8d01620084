"""The demo council's mistakes and their corrections (SPEC 9.1, issue 15).

Real records are typed by busy people: now and then a review is typed with a date a few days
early, and a piece of feedback is typed twice. The council's data officer finds them in a
data-quality sweep at the end of the period and corrects the review and withdraws the copy.
Both are made here on the council's stream of events, with their own random stream (the rest
of the demo is unchanged by them), so that a demo store holds corrections and withdrawals as
a council's year would. They come together at the end: one sweep is one fold of the state
(what a correction costs, decision 0995), where corrections spread over the year would fold
it once each.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .. import events as ev
from ..corrections.events import RecordCorrected, RecordWithdrawn

#: The chance that a review is typed with a wrong date, and that feedback is typed twice.
MISTYPED_REVIEW = 0.01
DUPLICATED_FEEDBACK = 0.02
#: Who corrects the record in the demo council (a data officer, not a registered worker).
DATA_OFFICER = "DATA-1"


def with_corrections(events: Iterable[ev.Event], *, seed: int) -> Iterator[Any]:
    """``events`` with some reviews mistyped (an earlier date, still after everything recorded
    before about the child) and some feedback typed twice; then the sweep that corrects the
    reviews and withdraws the copies. Every event and correction passes the rules where it
    stands."""
    rng = random.Random(f"{seed}-corrections")  # noqa: S311 - synthetic data, not secrets
    found: list[Any] = []  # the mistakes the sweep will find
    last_seen: dict[str, dt.date] = {}  # child -> the latest business date recorded about it
    day = dt.date.min
    for event in events:
        day = max(day, event.business_date)
        out: list[Any] = [event]
        child = getattr(event, "child_ref", None)
        if isinstance(event, ev.ReviewHeld) and rng.random() < MISTYPED_REVIEW:
            wrong = event.held_on - dt.timedelta(days=rng.randint(1, 9))
            if wrong > last_seen.get(event.child_ref, dt.date.max):
                out = [attrs.evolve(event, held_on=wrong)]
                found.append(("correct", out[0], event))
        elif isinstance(event, ev.FeedbackReceived) and rng.random() < DUPLICATED_FEEDBACK:
            copy = attrs.evolve(event, feedback_id=f"{event.feedback_id}-COPY")
            out.append(copy)
            found.append(("withdraw", copy, None))
        if isinstance(child, str):
            last_seen[child] = max(last_seen.get(child, dt.date.min), event.business_date)
        yield from out
    for fix in found:
        yield _made(fix, day)


def _made(fix: tuple[str, ev.Event, ev.Event | None], day: dt.date) -> RecordCorrected | RecordWithdrawn:
    _what, original, replacement = fix
    if replacement is not None:
        on = max(day, replacement.business_date)
        return RecordCorrected(
            original, replacement, on, DATA_OFFICER, "typed with the wrong date; the minutes give this one"
        )
    return RecordWithdrawn(
        original, max(day, original.business_date), DATA_OFFICER, "typed twice: this is the copy"
    )
