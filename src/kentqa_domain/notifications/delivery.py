"""A delivery run (SPEC section 6): record what is due, send what is pending, record outcomes.

1. Derive the notifications at ``as_of`` and record ``NotificationDue`` for each channel that
   has not had it yet: from then on it is pending until that channel accepts it, even if a
   later run no longer derives it (nothing is lost).
2. For each channel, send every pending delivery, oldest due first, retrying a failure
   worth retrying (:class:`~kentqa_domain.errors.ChannelUnavailable`) with exponential
   backoff (``stamina``). Only after ``send`` returns is ``NotificationDelivered`` recorded;
   a failure records ``DeliveryFailed`` and the delivery stays pending for the next run.
   When a channel is unavailable even after its retries, the rest of its pending deliveries
   wait for the next run rather than each waiting out the backoff.
3. Nothing a channel does fails the run's recording: every exception from ``send`` is
   caught and recorded against that delivery.

At least once: a process that dies after a channel accepted and before recording sends that
one again on the next run (channels carry the idempotency key so a receiver can tell).
Never twice once acknowledged: the stream is read just before each send and an
acknowledged delivery is never pending again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import stamina

from ..errors import ChannelUnavailable
from ..notification import Notification
from ..state.outbox import Notifications
from .channels import OpenChannel

if TYPE_CHECKING:
    from ..application import QualityAssurance


@attrs.frozen
class RetrySettings:
    """Backoff within one run for :class:`ChannelUnavailable` (stamina's exponential backoff
    with jitter). Failures still pending after a run are retried by the next run."""

    attempts: int = 3
    timeout: float = 60.0
    wait_initial: float = 0.5
    wait_max: float = 5.0
    wait_jitter: float = 0.5


@attrs.define
class ChannelReport:
    """What one channel did in a run."""

    channel: str
    delivered: list[str] = attrs.Factory(list)
    failed: list[tuple[str, str]] = attrs.Factory(list)
    deferred: list[str] = attrs.Factory(list)
    would_send: list[str] = attrs.Factory(list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.deferred

    @property
    def error(self) -> str | None:
        return self.failed[-1][1] if self.failed else None

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "ok": self.ok,
            "delivered": list(self.delivered),
            "failed": [{"key": k, "error": e} for k, e in self.failed],
            "deferred": list(self.deferred),
            "would_send": list(self.would_send),
        }


@attrs.define
class DeliveryReport:
    """What a run found and did."""

    as_of: dt.date
    derived: int = 0
    newly_due: int = 0
    channels: list[ChannelReport] = attrs.Factory(list)
    waiting_elsewhere: dict[str, int] = attrs.Factory(dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when every channel of the run accepted everything pending for it."""
        return all(c.ok for c in self.channels)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "dry_run": self.dry_run,
            "derived": self.derived,
            "newly_due": self.newly_due,
            "channels": [c.to_json() for c in self.channels],
            "waiting_for_other_channels": dict(self.waiting_elsewhere),
        }


def deliver(
    qa: QualityAssurance,
    *,
    as_of: dt.date,
    channels: Sequence[OpenChannel],
    outbox: Notifications | None = None,
    retry: RetrySettings | None = None,
    dry_run: bool = False,
) -> DeliveryReport:
    """Deliver everything due at ``as_of`` and not yet delivered, to each of ``channels``.

    ``outbox`` is the delivery record; by default one is opened on ``qa``'s storage for
    this run (with ``memory://`` pass your own to keep the record between runs).
    """
    notifications = qa.notifications(as_of=as_of)
    if outbox is not None:
        return run(outbox, notifications, channels, as_of=as_of, retry=retry, dry_run=dry_run)
    with Notifications(qa.storage) as own:
        return run(own, notifications, channels, as_of=as_of, retry=retry, dry_run=dry_run)


def run(
    outbox: Notifications,
    notifications: Sequence[Notification],
    channels: Sequence[OpenChannel],
    *,
    as_of: dt.date,
    retry: RetrySettings | None = None,
    dry_run: bool = False,
) -> DeliveryReport:
    """The run itself, for notifications already derived (see the module docstring)."""
    retry = retry or RetrySettings()
    report = DeliveryReport(as_of=as_of, derived=len(notifications), dry_run=dry_run)
    names = [c.name for c in channels]
    if dry_run:
        outbox.catch_up()
        for channel in channels:
            known = {d.key for d in outbox.view.pending([channel.name])}
            fresh = [n.key for n in notifications if not outbox.view.knows(channel.name, n.key)]
            report.newly_due += len(fresh)
            report.channels.append(ChannelReport(channel.name, would_send=sorted(known) + fresh))
        _count_elsewhere(outbox, names, report)
        return report
    report.newly_due = outbox.record_due((c.name, n) for c in channels for n in notifications)
    for channel in channels:
        report.channels.append(_deliver_to(outbox, channel, retry))
    _count_elsewhere(outbox, names, report)
    return report


def _deliver_to(outbox: Notifications, channel: OpenChannel, retry: RetrySettings) -> ChannelReport:
    result = ChannelReport(channel.name)
    pending = outbox.pending([channel.name])
    for index, delivery in enumerate(pending):
        if not outbox.is_pending(delivery.id):
            continue  # another process delivered it since this run read the record
        tries = 0
        try:
            notification = delivery.to_notification()
            for attempt in stamina.retry_context(
                on=ChannelUnavailable,
                attempts=retry.attempts,
                timeout=retry.timeout,
                wait_initial=retry.wait_initial,
                wait_max=retry.wait_max,
                wait_jitter=retry.wait_jitter,
            ):
                with attempt:
                    tries = attempt.num
                    channel.send(notification)
        except ChannelUnavailable as exc:
            outbox.record_failure(delivery.id, _describe(exc), tries)
            result.failed.append((delivery.key, _describe(exc)))
            result.deferred.extend(d.key for d in pending[index + 1 :])
            break
        except Exception as exc:  # noqa: BLE001 - a failing channel never fails the run's recording
            outbox.record_failure(delivery.id, _describe(exc), tries)
            result.failed.append((delivery.key, _describe(exc)))
            continue
        if outbox.acknowledge(delivery.id, tries):
            result.delivered.append(delivery.key)
    return result


def _count_elsewhere(outbox: Notifications, names: Sequence[str], report: DeliveryReport) -> None:
    for delivery in outbox.view.pending():
        if delivery.channel not in names:
            report.waiting_elsewhere[delivery.channel] = report.waiting_elsewhere.get(delivery.channel, 0) + 1


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or repr(exc)
    return f"{type(exc).__name__}: {text}"
