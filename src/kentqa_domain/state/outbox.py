"""The delivery record: an eventsourcing application, ``KentQANotifications``, beside the
QA events on the same storage URL, with tables of its own.

Each (channel, notification key) is a :class:`Delivery` aggregate whose events are
``NotificationDue`` (recorded before anything is sent), ``DeliveryFailed`` (each run in which
the channel did not accept it) and ``NotificationDelivered`` (only after the channel accepted
it; at most once: a second one is refused by the aggregate, and two processes recording at
once collide on the stream version). The application's notification log is folded into an
:class:`OutboxView` (tracked by its log position) that says what is still pending.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from hashlib import sha256
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import ApplicationRecorder, IntegrityError
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory
from eventsourcing.utils import Environment

from ..errors import StoreBusy
from ..notification import Notification
from ..privacy.keyring import Keyring
from ..storage import Storage
from ..storage.faults import contention

NAMESPACE = uuid5(NAMESPACE_URL, "https://kentqa.invalid/notifications")
SQLITE_TABLE = "kentqa_notification_events"
PAGE = 2_000
BATCH = 500
#: Attempts at a save whose stream version another process took first.
MAX_CONFLICT_RETRIES = 8


class AlreadyDelivered(Exception):
    """The delivery was already recorded as delivered (by this or another process)."""


def delivery_id(channel: str, key: str, secret: bytes | None = None) -> UUID:
    """The stream id of one (channel, notification key).

    A plain store: ``uuid5`` of ``"CHANNEL\nKEY"`` (the first release's ids). An encrypted
    store: an HMAC-SHA256 under the store's wrapped secret (decision 0913, issue 17 finding 2),
    because a key names the child (``review_overdue:child:REF:looked_after:DATE``) and
    ``uuid5`` of a guessed reference and date could be found in the file without the key.
    """
    if secret is None:
        return uuid5(NAMESPACE, f"{channel}\n{key}")
    digest = hmac.new(secret, f"delivery\x1f{channel}\n{key}".encode(), sha256).digest()
    return UUID(bytes=digest[:16], version=4)


class Delivery(Aggregate):
    """One notification to one channel: due, perhaps failed runs, then delivered once.
    Its id is given by the delivery record (:func:`delivery_id`)."""

    @event("NotificationDue")
    def __init__(self, channel: str, key: str, notification: dict[str, Any], *, id: UUID) -> None:
        self.channel = channel
        self.key = key
        self.notification = notification
        self.failures = 0
        self.last_error = ""
        self.delivered = False

    def fail(self, error: str, attempts: int) -> None:
        """Record that the channel did not accept it (after ``attempts`` tries in this run)."""
        if self.delivered:
            raise AlreadyDelivered(self.key)
        self._failed(error=error, attempts=attempts)

    def deliver(self, attempts: int) -> None:
        """Record that the channel accepted it; refused if already recorded."""
        if self.delivered:
            raise AlreadyDelivered(self.key)
        self._delivered(attempts=attempts)

    @event("DeliveryFailed")
    def _failed(self, error: str, attempts: int) -> None:
        self.failures += 1
        self.last_error = error

    @event("NotificationDelivered")
    def _delivered(self, attempts: int) -> None:
        self.delivered = True


@attrs.define
class DeliveryState:
    """What the view knows of one delivery."""

    id: UUID
    channel: str
    key: str
    notification: dict[str, Any]
    version: int = 1
    failures: int = 0
    last_error: str = ""
    delivered: bool = False

    @property
    def due_on(self) -> str:
        return str(self.notification["due_on"])

    def to_notification(self) -> Notification:
        return Notification.from_json(self.notification)


class OutboxView:
    """The fold of the delivery record: every delivery by id, and the log position folded.

    Deliveries are found by (channel, key), not by recomputing their id: a store written
    before ids were keyed keeps its ``uuid5`` ids (decision 0913)."""

    def __init__(self) -> None:
        self.position = 0
        self.deliveries: dict[UUID, DeliveryState] = {}
        #: (channel, key) -> the delivery's id, whichever scheme made it
        self.ids: dict[tuple[str, str], UUID] = {}

    def apply(self, domain_event: Any, position: int) -> None:
        # Delivery's event classes are made by eventsourcing's @event decorator at class creation.
        oid = domain_event.originator_id
        if isinstance(domain_event, Delivery.NotificationDue):  # type: ignore[attr-defined]
            self.deliveries[oid] = DeliveryState(
                oid, domain_event.channel, domain_event.key, dict(domain_event.notification)
            )
            self.ids[(domain_event.channel, domain_event.key)] = oid
        else:
            state = self.deliveries[oid]
            state.version = domain_event.originator_version
            if isinstance(domain_event, Delivery.DeliveryFailed):  # type: ignore[attr-defined]
                state.failures += 1
                state.last_error = domain_event.error
            elif isinstance(domain_event, Delivery.NotificationDelivered):  # type: ignore[attr-defined]
                state.delivered = True
        self.position = max(self.position, position)

    def knows(self, channel: str, key: str) -> bool:
        return (channel, key) in self.ids

    def pending(self, channels: Iterable[str] | None = None) -> list[DeliveryState]:
        """Deliveries not yet acknowledged (for ``channels``, or all), by due date then key."""
        wanted = None if channels is None else set(channels)
        found = [
            d for d in self.deliveries.values() if not d.delivered and (wanted is None or d.channel in wanted)
        ]
        return sorted(found, key=lambda d: (d.channel, d.due_on, d.key))


class Notifications(Application[UUID]):
    """The delivery record of notifications (SPEC section 6), on the QA store's storage."""

    name = "KentQANotifications"

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        super().__init__(env=dict(storage.settings))
        #: the store's wrapped secret when it is encrypted: delivery ids are keyed (decision 0913)
        self.id_secret: bytes | None = self._id_secret()
        self.view = OutboxView()
        self.catch_up()

    def _id_secret(self) -> bytes | None:
        cipher = self.mapper.cipher
        if cipher is None:
            return None
        return Keyring(self.storage.backend.admin(self.recorder), cipher).secret()

    def delivery_id(self, channel: str, key: str) -> UUID:
        """The id a new delivery of (channel, key) is recorded under (:func:`delivery_id`)."""
        return delivery_id(channel, key, self.id_secret)

    # --- configuration -----------------------------------------------------------------

    def construct_env(self, name: str, env: Any = None) -> Any:
        """Configured by the storage URL only, like the QA application."""
        return Environment(name, dict(env or {}))

    def construct_recorder(self) -> ApplicationRecorder:
        """Tables of its own. PostgreSQL names tables by application already
        (``kentqanotifications_events``); SQLite's application tables are not, so the
        delivery record gets its own table (``kentqa_notification_events``) in the same file."""
        factory = self.factory
        if isinstance(factory, SQLiteFactory):
            recorder = SQLiteApplicationRecorder(factory.datastore, events_table_name=SQLITE_TABLE)
            if factory.env_create_table():
                recorder.create_table()
            return recorder
        return factory.application_recorder()

    # --- the view ------------------------------------------------------------------------

    def catch_up(self) -> int:
        """Fold what was recorded after the view's position (other processes record too)."""
        folded = 0
        while True:
            page = self.recorder.select_notifications(start=self.view.position + 1, limit=PAGE)
            for notification in page:
                self.view.apply(self.mapper.to_domain_event(notification), notification.id)
                folded += 1
            if len(page) < PAGE:
                return folded

    def pending(self, channels: Iterable[str] | None = None) -> list[DeliveryState]:
        self.catch_up()
        return self.view.pending(channels)

    # --- recording -----------------------------------------------------------------------

    def record_due(self, due: Iterable[tuple[str, Notification]]) -> int:
        """Record ``NotificationDue`` for each (channel, notification) not yet recorded;
        returns how many were new. Safe to run in several processes at once."""
        self.catch_up()
        new = 0
        for batch in _batches(((c, n) for c, n in due if not self.view.knows(c, n.key)), BATCH):
            new += self._record_due_batch(batch)
        return new

    def _record_due_batch(self, batch: list[tuple[str, Notification]]) -> int:
        try:
            for attempt in contention(IntegrityError, MAX_CONFLICT_RETRIES, wait=False):
                with attempt:
                    fresh = {
                        self.delivery_id(c, n.key): (c, n) for c, n in batch if not self.view.knows(c, n.key)
                    }
                    if not fresh:
                        return 0
                    try:
                        self.save(*(Delivery(c, n.key, n.to_json(), id=i) for i, (c, n) in fresh.items()))
                    except IntegrityError:
                        self.catch_up()  # another process recorded some of them first
                        raise
                    self.catch_up()
                    return len(fresh)
        except IntegrityError as exc:
            raise StoreBusy(
                f"recording due notifications: other processes kept recording the same ones first: "
                f"gave up after {attempt.num} attempts; run again"
            ) from exc
        raise AssertionError("unreachable: stamina returns or raises")  # pragma: no cover

    def is_pending(self, delivery_id: UUID) -> bool:
        """Read the delivery's stream now: False if any process has recorded it delivered."""
        aggregate: Delivery = self.repository.get(delivery_id)
        return not aggregate.delivered

    def acknowledge(self, delivery_id: UUID, attempts: int) -> bool:
        """Record ``NotificationDelivered``; False if it was already recorded (by anyone)."""
        return self._append(delivery_id, lambda d: d.deliver(attempts))

    def record_failure(self, delivery_id: UUID, error: str, attempts: int) -> bool:
        """Record ``DeliveryFailed``; False if the delivery was recorded delivered meanwhile."""
        return self._append(delivery_id, lambda d: d.fail(error[:2000], attempts))

    def _append(self, delivery_id: UUID, change: Any) -> bool:
        try:
            for attempt in contention(IntegrityError, MAX_CONFLICT_RETRIES, wait=False):
                with attempt:  # another process appended first: read the stream again
                    aggregate: Delivery = self.repository.get(delivery_id)
                    try:
                        change(aggregate)
                    except AlreadyDelivered:
                        self.catch_up()
                        return False
                    self.save(aggregate)
                    self.catch_up()
                    return True
        except IntegrityError as exc:
            raise StoreBusy(
                f"recording delivery {delivery_id}: other processes kept appending to it first: "
                f"gave up after {attempt.num} attempts; run again"
            ) from exc
        raise AssertionError("unreachable: stamina returns or raises")  # pragma: no cover

    def __enter__(self) -> Notifications:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
