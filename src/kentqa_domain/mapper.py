"""Events <-> eventsourcing stored events, through the one cattrs converter and orjson.

eventsourcing's default JSON transcoder turns StrEnum into str and tuples into lists; this
mapper stores the SPEC JSON form and structures it back into the typed attrs events, so
enums and tuples keep their types. The stored state is
``{"at": <recorded at, UTC ISO>, "e": <event JSON without "type">}``; the topic is the event
type name. eventsourcing's compressor and cipher apply as usual (encryption at rest).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import attrs
import orjson
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent

from .events import EVENT_TYPES, Event
from .serialization import converter, structure_event


@attrs.frozen
class Recorded:
    """An event in its aggregate stream: eventsourcing's domain-event protocol around our event."""

    originator_id: UUID
    originator_version: int
    event: Event
    recorded_at: str = attrs.field(factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def canonical_body(event: Event) -> bytes:
    """The event's JSON (without ``type``), keys sorted: what digests and storage use."""
    body = converter.unstructure(event, type(event))
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


class EventMapper(Mapper[UUID]):
    """Maps :class:`Recorded` to :class:`StoredEvent` and back."""

    def __init__(self, cipher: Any = None, compressor: Any = None) -> None:
        super().__init__(transcoder=None, compressor=compressor, cipher=cipher)  # type: ignore[arg-type]

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        recorded: Recorded = domain_event
        body = canonical_body(recorded.event)
        state = b'{"at":"' + recorded.recorded_at.encode() + b'","e":' + body + b"}"
        return StoredEvent(
            originator_id=recorded.originator_id,
            originator_version=recorded.originator_version,
            topic=type(recorded.event).__name__,
            state=self.seal(state),
        )

    def seal(self, state: bytes) -> bytes:
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return state

    def unseal(self, state: bytes) -> bytes:
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        return state

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        recorded, _ = self.decode(stored_event)
        return recorded

    def decode(self, stored: StoredEvent) -> tuple[Recorded, bytes]:
        """The :class:`Recorded` event and its canonical body bytes."""
        if stored.topic not in EVENT_TYPES:
            raise MapperDeserialisationError(f"unknown event type {stored.topic!r} in the store")
        try:
            data = orjson.loads(self.unseal(stored.state))
            body = data["e"]
            event = structure_event({"type": stored.topic, **body})
        except Exception as exc:
            raise MapperDeserialisationError(
                f"could not read stored {stored.topic} {stored.originator_id} "
                f"v{stored.originator_version}: {exc}"
            ) from exc
        canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        originator = stored.originator_id if isinstance(stored.originator_id, UUID) else UUID(stored.originator_id)
        recorded = Recorded(originator, stored.originator_version, event, data["at"])
        return recorded, canonical
