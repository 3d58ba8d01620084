"""Delivery with tracking (SPEC section 6): at least once per channel, recorded as delivered only
after the channel accepted, failures retried on the next run, nothing lost across restarts,
never sent again once acknowledged. Real SQLite files and the real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.notifications.delivery import deliver, run
from kentqa_domain.plugins import make_plugin_manager, open_storage
from kentqa_domain.state.outbox import Notifications
from kentqa_domain.storage import Storage
from tests.delivery_support import QUICK, MemoryChannel, SimulatedCrash, notice, opened

AS_OF = dt.date(2026, 3, 10)


def storage(url: str) -> Storage:
    return open_storage(make_plugin_manager(), url)


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'notify.db'}"
    make_db: Callable[[], str] = request.getfixturevalue("make_postgres_db")
    return make_db()


def test_first_run_delivers_everything_due_and_the_second_nothing(durable_url: str) -> None:
    channel = MemoryChannel()
    batch = [notice(i) for i in range(5)]
    with Notifications(storage(durable_url)) as outbox:
        first = run(outbox, batch, [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
    assert first.ok and first.newly_due == 5
    assert sorted(first.channels[0].delivered) == sorted(n.key for n in batch)
    # a restart: a new process opens the same store
    with Notifications(storage(durable_url)) as outbox:
        second = run(outbox, batch, [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
        assert outbox.pending() == []
    assert second.ok and second.newly_due == 0 and second.channels[0].delivered == []
    assert channel.accepted == {n.key: 1 for n in batch}


def test_a_channel_down_records_nothing_delivered_and_the_next_run_delivers_exactly_the_missed(
    durable_url: str,
) -> None:
    up, down = MemoryChannel(), MemoryChannel()
    down.down = True
    batch = [notice(i) for i in range(4)]
    channels = [opened("mem://up", up), opened("mem://down", down)]
    with Notifications(storage(durable_url)) as outbox:
        report = run(outbox, batch, channels, as_of=AS_OF, retry=QUICK)
        pending = outbox.pending()
    assert not report.ok
    by_name = {c.channel: c for c in report.channels}
    assert by_name["mem://up"].ok and len(by_name["mem://up"].delivered) == 4
    # the first pending one was tried (3 attempts), the other three wait for the next run
    assert (
        down.calls == 3
        and len(by_name["mem://down"].failed) == 1
        and len(by_name["mem://down"].deferred) == 3
    )
    assert "ChannelUnavailable: connection refused" in by_name["mem://down"].failed[0][1]
    assert {(d.channel, d.key) for d in pending} == {("mem://down", n.key) for n in batch}
    down.down = False
    # the next run: this time the notifications are no longer derived, but nothing is lost
    with Notifications(storage(durable_url)) as outbox:
        again = run(outbox, [], channels, as_of=AS_OF + dt.timedelta(days=1), retry=QUICK)
    assert again.ok
    assert {c.channel: sorted(c.delivered) for c in again.channels} == {
        "mem://up": [],
        "mem://down": sorted(n.key for n in batch),
    }
    assert up.accepted == down.accepted == {n.key: 1 for n in batch}


def test_a_refused_notification_does_not_hold_back_the_others(durable_url: str) -> None:
    channel = MemoryChannel()
    batch = [notice(i) for i in range(3)]
    channel.refuse = {batch[0].key}
    with Notifications(storage(durable_url)) as outbox:
        report = run(outbox, batch, [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
        (left,) = outbox.pending()
        stored = outbox.repository.get(left.id)
    assert report.channels[0].failed == [(batch[0].key, f"ChannelError: refused {batch[0].key}")]
    assert sorted(report.channels[0].delivered) == sorted(n.key for n in batch[1:])
    assert channel.calls == 3  # a refusal is not retried within the run
    assert (left.key, left.failures, stored.failures, stored.delivered) == (batch[0].key, 1, 1, False)


def test_a_transient_failure_is_retried_with_backoff_within_the_run(durable_url: str) -> None:
    channel = MemoryChannel()
    batch = [notice(1)]
    channel.flaky_once = {batch[0].key}
    with Notifications(storage(durable_url)) as outbox:
        report = run(outbox, batch, [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
    assert report.ok and report.channels[0].delivered == [batch[0].key]
    assert channel.calls == 2 and channel.accepted == {batch[0].key: 1}


def test_a_process_dying_after_the_channel_accepted_sends_that_one_again(durable_url: str) -> None:
    """At least once: the acceptance was never recorded, so the next run sends it again."""
    channel = MemoryChannel()
    batch = [notice(i) for i in range(3)]
    channel.crash_after = batch[1].key
    with Notifications(storage(durable_url)) as outbox, pytest.raises(SimulatedCrash):
        run(outbox, batch, [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
    with Notifications(storage(durable_url)) as outbox:
        report = run(outbox, batch, [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
    assert sorted(report.channels[0].delivered) == sorted([batch[1].key, batch[2].key])
    assert channel.accepted == {batch[0].key: 1, batch[1].key: 2, batch[2].key: 1}


def test_acknowledged_by_another_process_is_never_sent_again(durable_url: str) -> None:
    """Two runs at once: one acknowledges between the other's read of the record and its send."""
    channel = MemoryChannel()
    batch = [notice(1), notice(2)]
    with Notifications(storage(durable_url)) as a, Notifications(storage(durable_url)) as b:
        a.record_due(("mem://a", n) for n in batch)
        b.catch_up()
        first = a.pending(["mem://a"])[0]
        assert a.acknowledge(first.id, 1)  # process A delivered the first one
        # process B's view is stale; the stream is read again just before sending
        report = run(b, [], [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
        assert not b.acknowledge(first.id, 1)  # a second acknowledgement is refused
    (other,) = {n.key for n in batch} - {first.key}
    assert report.channels[0].delivered == [other]
    assert channel.accepted == {other: 1}


def test_delivery_events_are_recorded_per_channel_in_their_own_tables(durable_url: str) -> None:
    channel = MemoryChannel()
    channel.refuse = {notice(1).key}
    with Notifications(storage(durable_url)) as outbox:
        run(outbox, [notice(1), notice(2)], [opened("mem://a", channel)], as_of=AS_OF, retry=QUICK)
        topics = [
            n.topic.rsplit(".", 1)[-1] for n in outbox.recorder.select_notifications(start=1, limit=100)
        ]
        stream = outbox.events.get(outbox.delivery_id("mem://a", notice(1).key))
        history = [type(e).__name__ for e in stream]
    assert sorted(topics) == sorted(
        ["NotificationDue", "NotificationDue", "DeliveryFailed", "NotificationDelivered"]
    )
    assert history == ["NotificationDue", "DeliveryFailed"]
    with kq.connect(durable_url, policy=kq.Policy()) as qa:
        assert qa.stats() == {}  # the QA event log holds none of them


def test_pending_for_a_channel_not_configured_now_is_kept_and_reported(durable_url: str) -> None:
    gone = MemoryChannel()
    gone.down = True
    with Notifications(storage(durable_url)) as outbox:
        run(outbox, [notice(1)], [opened("mem://gone", gone)], as_of=AS_OF, retry=QUICK)
        report = run(outbox, [notice(1)], [opened("mem://new", MemoryChannel())], as_of=AS_OF, retry=QUICK)
    assert report.ok and report.waiting_elsewhere == {"mem://gone": 1}
    assert report.to_json()["waiting_for_other_channels"] == {"mem://gone": 1}


def _audit(audit_id: str, on: str) -> dict[str, Any]:
    return {
        "type": "AuditCompleted",
        "audit_id": audit_id,
        "kind": "peer",
        "auditor_id": "AUD1",
        "team_id": "T1",
        "completed_on": on,
        "case_ref": "C1",
        "overall": "inadequate",
    }


def test_deliver_derives_from_the_store_and_memory_keeps_the_record_in_the_outbox_given() -> None:
    channel = MemoryChannel()
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(
            [
                {"type": "TeamRegistered", "team_id": "T1", "name": "T1", "service": "S", "area": "East"},
                _audit("A1", "2026-03-02"),
            ]
        )
        outbox = Notifications(qa.storage)
        first = deliver(qa, as_of=AS_OF, channels=[opened("mem://a", channel)], outbox=outbox, retry=QUICK)
        qa.record(kq.events.parse(_audit("A2", "2026-03-09")))
        second = deliver(qa, as_of=AS_OF, channels=[opened("mem://a", channel)], outbox=outbox, retry=QUICK)
    assert first.channels[0].delivered == ["audit_inadequate:audit:A1:2026-03-02"]
    assert second.channels[0].delivered == ["audit_inadequate:audit:A2:2026-03-09"]
    assert first.derived == 1 and second.derived == 2


def test_a_dry_run_records_and_sends_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'dry.db'}"
    channel = MemoryChannel()
    with Notifications(storage(url)) as outbox:
        report = run(outbox, [notice(1), notice(2)], [opened("mem://a", channel)], as_of=AS_OF, dry_run=True)
        assert outbox.pending() == []
    assert report.ok and report.dry_run and report.newly_due == 2
    assert sorted(report.channels[0].would_send) == sorted([notice(1).key, notice(2).key])
    assert channel.calls == 0
