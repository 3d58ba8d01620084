"""In-process channels and notifications for the delivery tests.

These are real channel implementations (what a plugin's factory returns), kept in memory so
a test can say when they fail and count what they accepted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from kentqa_domain.errors import ChannelError, ChannelUnavailable
from kentqa_domain.notifications import Notification
from kentqa_domain.notifications.channels import OpenChannel
from kentqa_domain.notifications.delivery import RetrySettings

#: No waiting between in-run retries in tests; the number of attempts is still honoured.
QUICK = RetrySettings(attempts=3, timeout=5.0, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)


class SimulatedCrash(BaseException):
    """Raised after a channel accepted: the process 'dies' before recording the delivery."""


class MemoryChannel:
    """Accepts unless told otherwise; counts what it accepted, by key."""

    def __init__(self) -> None:
        self.accepted: Counter[str] = Counter()
        self.calls = 0
        self.down = False
        self.refuse: set[str] = set()
        self.flaky_once: set[str] = set()
        self.crash_after: str | None = None
        self.on_send: Callable[[Notification], None] | None = None

    def send(self, notification: Notification) -> None:
        self.calls += 1
        if self.on_send is not None:
            self.on_send(notification)
        if self.down:
            raise ChannelUnavailable("connection refused")
        if notification.key in self.refuse:
            raise ChannelError(f"refused {notification.key}")
        if notification.key in self.flaky_once:
            self.flaky_once.discard(notification.key)
            raise ChannelUnavailable("busy, try again")
        self.accepted[notification.key] += 1
        if self.crash_after == notification.key:
            self.crash_after = None
            raise SimulatedCrash(notification.key)


def opened(name: str, channel: object) -> OpenChannel:
    return OpenChannel(name=name, channel=channel, plugin="tests")  # type: ignore[arg-type]


def notice(i: int, due: dt.date = dt.date(2026, 3, 2)) -> Notification:
    return Notification(
        kind="escalation_raised",
        subject=f"escalation:E{i}",
        due_on=due,
        audience="service_manager",
        message=f"Escalation E{i} was raised.",
        team_id="T1",
        refs={"escalation_id": f"E{i}"},
    )
