"""Events <-> eventsourcing stored events, through the one cattrs converter and orjson.

eventsourcing's default JSON transcoder turns StrEnum into str and tuples into lists; this
mapper stores the SPEC JSON form and structures it back into the typed attrs events, so
enums and tuples keep their types. The stored state is
``{"at": <recorded at, UTC ISO>, "e": <event JSON without "type">}``; the topic is the event
type name. An event of a child (:mod:`kentqa_domain.privacy.sealing`) stores its clear part
in ``"e"`` and its original, sealed with the child's key, in ``"c": {"k": key id, "s": ...}``.
A forgetting is stored with the topic ``kentqa.ChildForgotten`` and ``"m": {"token", "on"}``;
a correction or withdrawal (SPEC 9.1) with the topic ``kentqa.Correction`` and ``"m"`` its
:class:`CorrectionMark` (positions, date, who; the reason sealed with the child's key when the
record is a child's, so that forgetting the child shreds it).
The whole state is then sealed by eventsourcing's compressor and cipher when configured
(encryption at rest, ``KENTQA_CIPHER_KEY``).

Bound payloads (issue 17, finding 7; decision 0914): with a cipher, an event's state is
sealed with AES-GCM whose associated data is its stream id, version and topic, stored as
``BOUND`` + nonce + ciphertext-and-tag. A payload moved to another row (another stream,
version or type) fails to open, naming the row. Payloads written before (eventsourcing's
``AESCipher`` format, without associated data) are still read; forgettings are not bound.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent

from ..events import EVENT_TYPES, Event
from ..privacy.keyring import aes_decrypt, aes_encrypt
from ..privacy.sealing import Sealing, blanked, reopened
from . import converter, structure_event
from .convert import trusted_event

if TYPE_CHECKING:
    from eventsourcing.cryptography import AESCipher

    from ..privacy.keyring import Keyring

FORGOTTEN_TOPIC = "kentqa.ChildForgotten"
#: The topic of a correction's or withdrawal's mark (SPEC 9.1, decision 0995).
CORRECTION_TOPIC = "kentqa.Correction"
#: Stored facts that are not events of the domain (projections skip them).
MARK_TOPICS = frozenset({FORGOTTEN_TOPIC, CORRECTION_TOPIC})
#: The first bytes of a payload bound to its row (decision 0914).
BOUND = b"\x00kq1"
#: A row's place: (stream id, version, topic), what a bound payload is sealed to.
Place = tuple[Any, int, str]


def associated_data(place: Place) -> bytes:
    """The AES-GCM associated data of a payload at ``place``: stream id, version and topic."""
    stream, version, topic = place
    originator = stream if isinstance(stream, UUID) else UUID(hex=str(stream).replace("-", ""))
    return f"kentqa-event\x1f{originator}\x1f{int(version)}\x1f{topic}".encode()


@attrs.frozen
class ChildForgotten:
    """The stored fact that a child was forgotten: only its anonymous token and the date."""

    token: str
    on: dt.date


@attrs.frozen
class CorrectionMark:
    """The stored fact of a correction (``replacement`` the position of the replacement,
    stored just before this mark) or a withdrawal (``replacement`` None) of the record at
    ``original`` (the version standing then; ``chain`` the position first recorded)."""

    original: int
    replacement: int | None
    chain: int
    on: dt.date
    by: str
    #: why (None: it was sealed with a child's key, and the child was forgotten)
    reason: str | None
    #: the child's key id when the reason is sealed with it
    key_id: str | None = None

    @property
    def withdrawn(self) -> bool:
        return self.replacement is None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@attrs.frozen
class Recorded:
    """An event in its aggregate stream: eventsourcing's domain-event protocol around our event."""

    originator_id: UUID
    originator_version: int
    event: Event | ChildForgotten | CorrectionMark
    recorded_at: str = attrs.field(factory=_now)
    #: How a child's event is split for storage (None: not a child's, or read without its key).
    sealing: Sealing | None = None
    #: The key id of a child's event read without its key (the child was forgotten).
    lost_key: str | None = None
    #: the canonical JSON body stored in clear (``"e"``), when the recording path has it already
    body: bytes | None = attrs.field(default=None, eq=False, repr=False)


def canonical_body(event: Event) -> bytes:
    """The event's JSON (without ``type``), keys sorted: what digests and storage use."""
    body = converter.unstructure(event, type(event))
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


class EventMapper(Mapper[UUID]):
    """Maps :class:`Recorded` to :class:`StoredEvent` and back."""

    #: eventsourcing's ``AESCipher`` (the one ``encryption.CIPHER_TOPIC`` names) or None: its
    #: key also seals bound payloads.
    cipher: AESCipher | None

    def __init__(self, cipher: Any = None, compressor: Any = None) -> None:
        # eventsourcing's Mapper requires a Transcoder; this mapper encodes with cattrs and orjson itself.
        super().__init__(transcoder=None, compressor=compressor, cipher=cipher)  # type: ignore[arg-type]
        self.keyring: Keyring | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        recorded: Recorded = domain_event
        at = recorded.recorded_at
        event = recorded.event
        # The state is built with orjson around the parts already JSON (``orjson.Fragment``):
        # compact, keys in this order, so the bytes are those of decision 0801's slicing
        # (``{"at":"...","e":...}``) and of every payload stored before.
        if isinstance(event, ChildForgotten):
            marker = {"token": event.token, "on": event.on.isoformat()}
            state, topic = orjson.dumps({"at": at, "m": marker}), FORGOTTEN_TOPIC
        elif isinstance(event, CorrectionMark):
            state = orjson.dumps({"at": at, "m": orjson.Fragment(self._mark(event))})
            topic = CORRECTION_TOPIC
        elif recorded.sealing is not None:
            sealing = recorded.sealing
            assert self.keyring is not None
            key = self.keyring.child_key(sealing.key_id)
            if key is None:
                raise MapperDeserialisationError("the child's key was destroyed while recording")
            secret = orjson.dumps({"r": sealing.child_ref, "b": orjson.Fragment(canonical_body(event))})
            sealed = base64.b64encode(aes_encrypt(key, secret)).decode()
            clear = recorded.body if recorded.body is not None else canonical_body(sealing.clear)
            part = {"k": sealing.key_id, "s": sealed}
            state = orjson.dumps({"at": at, "e": orjson.Fragment(clear), "c": part})
            topic = type(event).__name__
        else:
            body = recorded.body if recorded.body is not None else canonical_body(event)
            state, topic = orjson.dumps({"at": at, "e": orjson.Fragment(body)}), type(event).__name__
        place = (
            None if topic == FORGOTTEN_TOPIC else (recorded.originator_id, recorded.originator_version, topic)
        )
        return StoredEvent(
            originator_id=recorded.originator_id,
            originator_version=recorded.originator_version,
            topic=topic,
            state=self.seal(state, place),
        )

    def seal(self, state: bytes, place: Place | None = None) -> bytes:
        """Compress and encrypt ``state``; with a cipher and a ``place``, bound to that row."""
        if self.compressor:
            state = self.compressor.compress(state)
        cipher = self.cipher
        if cipher:
            if place is None:
                return bytes(cipher.encrypt(state))
            nonce = os.urandom(12)
            return BOUND + nonce + AESGCM(cipher.key).encrypt(nonce, state, associated_data(place))
        return state

    def unseal(self, state: bytes, place: Place | None = None) -> bytes:
        """Decrypt and decompress a stored state read at ``place`` (its row). A bound payload
        that does not belong to that row is a ``ValueError`` naming it."""
        cipher = self.cipher
        if cipher:
            state = self._decrypt(cipher, bytes(state), place)
        if self.compressor:
            state = self.compressor.decompress(state)
        return state

    @staticmethod
    def _decrypt(cipher: AESCipher, state: bytes, place: Place | None) -> bytes:
        if state.startswith(BOUND) and place is not None:
            try:
                return AESGCM(cipher.key).decrypt(state[4:16], state[16:], associated_data(place))
            except InvalidTag:
                pass  # a payload of the first format whose random nonce began with BOUND, or a moved one
            try:
                return bytes(cipher.decrypt(state))
            except ValueError:
                stream, version, topic = place
                raise ValueError(
                    f"the payload at {topic} {stream} v{version} was sealed for another row "
                    "(moved, swapped or changed: the store was tampered with or damaged)"
                ) from None
        return bytes(cipher.decrypt(state))

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        recorded, _ = self.decode(stored_event)
        return recorded

    def decode(self, stored: StoredEvent, *, validate: bool = False) -> tuple[Recorded, bytes]:
        """The :class:`Recorded` event and the canonical bytes its digest is taken from.

        A child's event reads as its original when the child's key exists (``sealing`` set),
        else as its anonymous form (``sealing`` None). Stored events were validated when
        recorded, so they are rebuilt without running the validators again unless
        ``validate`` (decision 0801).
        """
        originator = (
            stored.originator_id if isinstance(stored.originator_id, UUID) else UUID(stored.originator_id)
        )
        if stored.topic not in MARK_TOPICS and stored.topic not in EVENT_TYPES:
            raise MapperDeserialisationError(f"unknown event type {stored.topic!r} in the store")
        try:
            place = (
                None
                if stored.topic == FORGOTTEN_TOPIC
                else (originator, stored.originator_version, stored.topic)
            )
            raw = self.unseal(stored.state, place)
        except Exception as exc:
            raise MapperDeserialisationError(
                f"could not read stored {stored.topic} {stored.originator_id} "
                f"v{stored.originator_version}: {type(exc).__name__}: {exc}"
            ) from exc
        return self.decode_opened(originator, stored.originator_version, stored.topic, raw, validate=validate)

    def decode_opened(
        self, originator: UUID, version: int, topic: str, raw: bytes, *, validate: bool = False
    ) -> tuple[Recorded, bytes]:
        """:meth:`decode` of a stored event's state already unsealed (``raw``: its JSON)."""
        structure = _validated if validate else _trusted
        try:
            data = orjson.loads(raw)
            if topic == FORGOTTEN_TOPIC:
                marker = ChildForgotten(data["m"]["token"], dt.date.fromisoformat(data["m"]["on"]))
                return Recorded(originator, version, marker, data["at"]), b""
            if topic == CORRECTION_TOPIC:
                return Recorded(originator, version, self.read_mark(data["m"]), data["at"]), b""
            body = data["e"]
            clear = structure(topic, body)
            sealing = None
            event = clear
            lost_key = None
            if "c" in data:
                event, sealing = self._open(clear, data["c"], structure)
                lost_key = data["c"]["k"] if sealing is None else None
        except MapperDeserialisationError:
            raise
        except Exception as exc:
            raise MapperDeserialisationError(
                f"could not read stored {topic} {originator} v{version}: {type(exc).__name__}: {exc}"
            ) from exc
        canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        recorded = Recorded(originator, version, event, data["at"], sealing, lost_key)
        return recorded, canonical

    def decode_state(
        self,
        topic: str,
        state: bytes,
        *,
        validate: bool = False,
        position: int | None = None,
        sealed: bool = True,
        place: Place | None = None,
    ) -> tuple[Event, bytes, str]:
        """(event, canonical body bytes, recorded at) of a plain stored event (not a child's
        sealed one, not a forgetting): the fast path of catching up and replay (decision 0801).
        ``sealed=False`` when ``state`` was already unsealed."""
        if topic not in EVENT_TYPES:
            raise MapperDeserialisationError(f"unknown event type {topic!r} in the store")
        try:
            raw = self.unseal(state, place) if sealed else state
            data = orjson.loads(raw)
            body = data["e"]
            event = _validated(topic, body) if validate else _trusted(topic, body)
        except Exception as exc:
            where = f" at position {position}" if position is not None else ""
            raise MapperDeserialisationError(f"could not read stored {topic}{where}: {exc}") from exc
        if not validate and raw.startswith(_STATE_PREFIX) and raw.endswith(b"}"):
            # The body bytes exactly as canonical_body wrote them (keys sorted).
            canonical = raw[raw.index(_BODY_KEY) + len(_BODY_KEY) : -1]
        else:
            canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        return event, canonical, data["at"]

    def _mark(self, mark: CorrectionMark) -> bytes:
        """A correction's mark as stored: the reason sealed with the child's key if it has one."""
        body: dict[str, Any] = {
            "original": mark.original,
            "replacement": mark.replacement,
            "chain": mark.chain,
            "on": mark.on.isoformat(),
            "by": mark.by,
        }
        if mark.key_id is not None:
            key = self.keyring.child_key(mark.key_id) if self.keyring is not None else None
            if key is None:
                raise MapperDeserialisationError("the child's key was destroyed while recording")
            sealed = base64.b64encode(aes_encrypt(key, (mark.reason or "").encode())).decode()
            body["reason"] = {"k": mark.key_id, "s": sealed}
        else:
            body["reason"] = mark.reason
        return orjson.dumps(body)

    def read_mark(self, body: dict[str, Any]) -> CorrectionMark:
        """A stored mark; a reason sealed with a forgotten child's key reads as None."""
        reason, key_id = body["reason"], None
        if isinstance(reason, dict):
            key_id = reason["k"]
            key = self.keyring.child_key(key_id) if self.keyring is not None else None
            reason = None if key is None else aes_decrypt(key, base64.b64decode(reason["s"])).decode()
        return CorrectionMark(
            body["original"],
            body["replacement"],
            body["chain"],
            dt.date.fromisoformat(body["on"]),
            body["by"],
            reason,
            key_id,
        )

    def _open(
        self, clear: Event, part: dict[str, str], structure: Callable[[str, Any], Event] | None = None
    ) -> tuple[Event, Sealing | None]:
        key_id = part["k"]
        key = self.keyring.child_key(key_id) if self.keyring is not None else None
        if key is None:
            return blanked(clear), None
        secret = orjson.loads(aes_decrypt(key, base64.b64decode(part["s"])))
        original = (structure or _validated)(type(clear).__name__, secret["b"])
        return original, reopened(original, clear, secret["r"], key_id)


_STATE_PREFIX = b'{"at":"'
_BODY_KEY = b'","e":'


def _validated(topic: str, body: dict[str, Any]) -> Event:
    return structure_event({"type": topic, **body})


def _trusted(topic: str, body: dict[str, Any]) -> Event:
    return trusted_event(topic, body)
