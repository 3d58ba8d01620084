"""Property (SPEC section 6): for any sequence of runs, restarts between them, and channels
failing at random (down, refusing, flaky, or the process dying right after a channel
accepted), every notification due to a channel is delivered to it at least once, and never
again once acknowledged: a channel receives a notification once, plus once more for each
time the process died between the channel accepting it and the run recording that."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentqa_domain.notifications.delivery import run
from kentqa_domain.plugins import make_plugin_manager, open_storage
from kentqa_domain.state.outbox import Notifications
from tests.delivery_support import QUICK, MemoryChannel, SimulatedCrash, notice, opened

UNIVERSE = [notice(i, dt.date(2026, 3, 1) + dt.timedelta(days=i % 3)) for i in range(6)]
KEYS = [n.key for n in UNIVERSE]
CHANNELS = ["mem://a", "mem://b"]


@st.composite
def behaviour(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "down": draw(st.booleans()),
        "refuse": draw(st.sets(st.sampled_from(KEYS), max_size=3)),
        "flaky": draw(st.sets(st.sampled_from(KEYS), max_size=3)),
        "crash_after": draw(st.none() | st.sampled_from(KEYS)),
    }


runs = st.lists(
    st.fixed_dictionaries(
        {
            "derived": st.sets(st.sampled_from(KEYS)),
            "channels": st.sets(st.sampled_from(CHANNELS), min_size=1),
            "behaviour": st.fixed_dictionaries({c: behaviour() for c in CHANNELS}),
        }
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(runs)
def test_every_notification_at_least_once_and_never_again_once_acknowledged(
    plan: list[dict[str, Any]],
) -> None:
    channels = {name: MemoryChannel() for name in CHANNELS}
    due: dict[str, set[str]] = {name: set() for name in CHANNELS}
    crashes: dict[str, Counter[str]] = {name: Counter() for name in CHANNELS}
    with tempfile.TemporaryDirectory() as folder:
        storage = open_storage(make_plugin_manager(entry_points=False), f"sqlite:///{Path(folder) / 'p.db'}")
        for step in [*plan, {"derived": set(), "channels": set(CHANNELS), "behaviour": None}]:
            for name, ch in channels.items():
                b = (step["behaviour"] or {}).get(name) or {
                    "down": False,
                    "refuse": set(),
                    "flaky": set(),
                    "crash_after": None,
                }
                ch.down, ch.refuse, ch.flaky_once, ch.crash_after = (
                    b["down"],
                    set(b["refuse"]),
                    set(b["flaky"]),
                    b["crash_after"],
                )
            order = [c for c in CHANNELS if c in step["channels"]]
            derived = [n for n in UNIVERSE if n.key in step["derived"]]
            with Notifications(storage) as outbox:  # every run is a fresh process
                try:
                    run(
                        outbox,
                        derived,
                        [opened(c, channels[c]) for c in order],
                        as_of=dt.date(2026, 3, 10),
                        retry=QUICK,
                    )
                except SimulatedCrash as crash:
                    died_on = str(crash)
                    # which channel died: the one whose crash_after was consumed in this run
                    dead = next(
                        c
                        for c in order
                        if channels[c].crash_after is None
                        and (step["behaviour"] or {})[c]["crash_after"] == died_on
                    )
                    crashes[dead][died_on] += 1
                for c in order:
                    due[c] |= {n.key for n in derived}
        # the final run had every channel up: nothing may be left
        with Notifications(storage) as outbox:
            assert outbox.pending() == []
    for name, ch in channels.items():
        assert set(ch.accepted) == due[name], name  # at least once, and nothing that was not due
        for key, times in ch.accepted.items():
            assert times == 1 + crashes[name][key], (name, key, times)  # never again once acknowledged
