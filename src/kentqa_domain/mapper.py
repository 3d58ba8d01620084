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
from .trusted import trusted_event


@attrs.frozen
class Recorded:
    """An event in its aggregate stream: eventsourcing's domain-event protocol around our event."""

    originator_id: UUID
    originator_version: int
    event: Event
    recorded_at: str = attrs.field(factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    #: the event's canonical JSON body, when the recording path has it already
    body: bytes | None = attrs.field(default=None, eq=False, repr=False)


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
        body = recorded.body if recorded.body is not None else canonical_body(recorded.event)
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

    def decode(self, stored: StoredEvent, *, validate: bool = False) -> tuple[Recorded, bytes]:
        """The :class:`Recorded` event and its canonical body bytes."""
        event, canonical, recorded_at = self.decode_state(stored.topic, stored.state, validate=validate)
        originator = stored.originator_id if isinstance(stored.originator_id, UUID) else UUID(stored.originator_id)
        return Recorded(originator, stored.originator_version, event, recorded_at), canonical

    def decode_state(
        self, topic: str, state: bytes, *, validate: bool = False, position: int | None = None
    ) -> tuple[Event, bytes, str]:
        """(event, canonical body bytes, recorded at) from a stored row's topic and state.

        Stored events were validated when recorded, so by default they are rebuilt without
        running the validators again (:mod:`kentqa_domain.trusted`, decision 0801);
        ``validate=True`` runs the full validation, as ``kentqa replay --verify`` does.
        """
        if topic not in EVENT_TYPES:
            raise MapperDeserialisationError(f"unknown event type {topic!r} in the store")
        try:
            raw = self.unseal(state) if self.cipher or self.compressor else state
            data = orjson.loads(raw)
            body = data["e"]
            if validate:
                event = structure_event({"type": topic, **body})
            else:
                event = trusted_event(topic, body)
        except Exception as exc:
            where = f" at position {position}" if position is not None else ""
            raise MapperDeserialisationError(f"could not read stored {topic}{where}: {exc}") from exc
        if not validate and raw.startswith(_STATE_PREFIX) and raw.endswith(b"}"):
            # The body bytes exactly as canonical_body wrote them (keys sorted).
            canonical = raw[raw.index(_BODY_KEY) + len(_BODY_KEY) : -1]
        else:
            canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        return event, canonical, data["at"]


_STATE_PREFIX = b'{"at":"'
_BODY_KEY = b'","e":'
