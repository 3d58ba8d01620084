"""A synthetic council, region or country of QA events, for ``kentqa demo`` and the benchmarks.

:func:`generate` yields events in recording order: teams and staff first, then a year (or
``years``) of practice, children's plans, audits, escalations, complaints and feedback up to
``as_of``, with the children and staff already in post when the period starts. It is a
deterministic function of ``(scale, seed, as_of, years)``: the same arguments give the same
events, so recording them again is a no-op. Some events are deliberately late (recorded
after later-dated ones), and some deadlines are missed, so every dashboard has rows.

Everything is recorded through the public API (``kq.connect(...).record_many(events)``);
every event passes the write model's rules (references registered first, stages forward).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..calendar import add_months
from ..corrections.events import Correction
from ..events import Event
from ..policy import Policy
from .audits import audit_cycles
from .children import children
from .corrections import with_corrections
from .council import Council
from .meetings import meeting_observations
from .organisation import build
from .scale import COMPLAINTS, COMPLIMENTS, COUNCIL_CP, COUNCIL_LAC, FEEDBACK, SCALES, Scale
from .voice import voice

COUNCIL_NAMES = ("Demoshire County Council",)


def council_events(
    *,
    index: int = 0,
    size: float = 1.0,
    seed: int = 1,
    as_of: dt.date,
    years: int = 1,
    policy: Policy | None = None,
    corrections: bool = True,
) -> Iterator[Event | Correction]:
    """The events of one synthetic council for ``years`` up to ``as_of``, in recording order,
    ending with the data officer's sweep of corrections and withdrawals (``corrections=False``:
    without the mistakes or the sweep, as the benchmarks record)."""
    policy = policy or Policy()
    start = add_months(as_of, -12 * years) + dt.timedelta(days=1)
    code = f"D{index + 1:03d}"
    name = COUNCIL_NAMES[index] if index < len(COUNCIL_NAMES) else f"Demo Council {index + 1}"
    council = Council(code=code, name=name, seed=seed, start=start, until=as_of, size=size, policy=policy)
    lac, cp = round(COUNCIL_LAC * size), round(COUNCIL_CP * size)
    build(council, lac=lac, cp=cp)
    children(council, lac=lac, cp=cp)
    timeline = council.timeline
    timeline.spawn(start, meeting_observations(council))
    timeline.spawn(start, audit_cycles(council))
    timeline.spawn(
        start,
        voice(
            council, complaints=COMPLAINTS * size, compliments=COMPLIMENTS * size, feedback=FEEDBACK * size
        ),
    )
    yield from with_corrections(council.events(), seed=seed) if corrections else council.events()


def generate(
    scale: str | Scale = "council",
    *,
    seed: int = 1,
    as_of: dt.date,
    years: int = 1,
    policy: Policy | None = None,
    corrections: bool = True,
) -> Iterator[Event | Correction]:
    """Every council of ``scale`` one after another (each council's events in recording order)."""
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    for index, size in enumerate(chosen.sizes):
        yield from council_events(
            index=index,
            size=size,
            seed=seed,
            as_of=as_of,
            years=years,
            policy=policy,
            corrections=corrections,
        )


__all__ = ["SCALES", "Scale", "council_events", "generate"]
