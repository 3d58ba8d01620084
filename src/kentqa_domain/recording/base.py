"""What every part of :class:`~kentqa_domain.recording.batch.Recording` stands on (SPEC 2, 9.4).

:class:`RecordingBase` holds one connection's recorder, mapper, state tables, keyring and
write model; it gives an event's identity key and a body's digest (keyed with the store's
secret in an encrypted store, decision 0913), a child's key and sealing (made before the
write lock), the write model's check of an event (its refusal with the references the caller
sent) and the write model's position.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from hashlib import sha256
from typing import Any
from uuid import UUID

import attrs

from .. import events as ev
from ..errors import InvalidEvent
from ..events import Event
from ..privacy.keyring import Keyring, key_id_of
from ..privacy.sealing import Sealing, seal
from ..readmodel.docs import DocSession
from ..serialization.mapper import Recorded
from ..state.head import LogHead
from ..state.sql import StateTables
from .identity import digest64, identity_key, identity_of, keyed64
from .results import MODEL, _as_recorded
from .write_model import WriteModel


class RecordingBase:
    """One connection's recording parts (see :mod:`kentqa_domain.recording.batch`)."""

    def __init__(
        self,
        *,
        recorder: Any,
        mapper: Any,
        tables: StateTables,
        keyring: Keyring,
        model: DocSession,
        stream_id: Callable[[str], UUID],
        child_stream_id: Callable[[str], UUID],
        fold_in: Callable[[Any, list[tuple[int, Event, Recorded]], int], Callable[[bool], None]]
        | None = None,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.tables = tables
        self.keyring = keyring
        self.model = model
        self.book = WriteModel(model)
        self.stream_id = stream_id
        self.child_stream_id = child_stream_id
        #: folds a batch's stored events into the projections inside its transaction
        self.fold_in = fold_in
        #: an encrypted store's wrapped secret: the identity index is keyed (decision 0913)
        self.identity_secret: bytes | None = None
        #: an encrypted store's log head, advanced with every append (decision 0915)
        self.head: LogHead | None = None
        #: a page of log rows as it reads after corrections (decision 0995; the store sets it)
        self.corrected: Callable[[Sequence[Any], Any], Sequence[Any]] = _as_recorded

    def identity(self, subject: Event) -> int:
        """The ``kentqa_identities`` key of an event: blake2b-64 of its identity, keyed with the
        store's secret in an encrypted store, so that a guessed identity (``SupportNeedFlagged``
        of worker SW-102 on a date) cannot be looked up in the file (issue 17, finding 2)."""
        if self.identity_secret is None:
            return identity_key(subject)
        return keyed64(self.identity_secret, identity_of(subject).encode())

    def digest(self, body: bytes) -> int:
        """The digest of a stored body (same identity, other content: a conflict), keyed likewise."""
        if self.identity_secret is None:
            return digest64(body)
        return keyed64(self.identity_secret, body)

    # --- child keys ----------------------------------------------------------------------

    def review_name(self, review_id: str) -> str:
        """The keyed lookup name of a review id (HMAC under the store's secret)."""
        digest = hmac.new(self.keyring.secret(), f"review\x1f{review_id}".encode(), sha256).hexdigest()
        return f"review:{digest[:32]}"

    def _sealing(self, event: Event, child: str) -> Sealing | None:
        """The split of a child's event with the child's key (None: the child has no key)."""
        key_id = (
            key_id_of(child) if child.startswith("anon-") else self.keyring.child_key_id(child, create=False)
        )
        if key_id is None:
            return None
        key = self.keyring.child_key(key_id)
        if key is None:
            return None
        return seal(event, child, key_id, key)

    def make_keys(self, events: Sequence[Event]) -> None:
        """Before the lock: make the keys of new children whose events pass the write model's
        check (making a key writes the key table, which cannot wait inside the batch)."""
        made: dict[str, None] = {}
        for event in events:
            ref = getattr(event, "child_ref", None)
            if not isinstance(ref, str) or ref in made or type(event) not in _PRIVATE_WITH_REF:
                continue
            if self.keyring.child_key_id(ref, create=False) is not None:
                continue
            try:
                self.book.check(event)
            except InvalidEvent:
                continue
            made[ref] = None
        if made:
            self.keyring.make_child_keys(list(made))

    def child(self, child_ref: str) -> Any:
        """The write model's record of a child, by its reference (None: unknown or forgotten)."""
        key_id = self.keyring.child_key_id(child_ref, create=False)
        return self.book.children.get(f"anon-{key_id}") if key_id is not None else None

    def _stream(self, name: str, sealing: Sealing | None) -> UUID:
        if sealing is not None and name == f"child:{sealing.token}":
            return self.child_stream_id(sealing.key_id)
        return self.stream_id(name)

    def _check(self, subject: Event, sealing: Sealing | None) -> None:
        try:
            self.book.check(subject)
        except InvalidEvent as exc:
            if sealing is None:
                raise
            raise _revealed(exc, sealing) from None

    def _note_review(self, review_id: str, token: str) -> None:
        name = self.review_name(review_id)
        book = self.book
        book.review_lookup[name] = token
        names = book.child_reviews.get(token, ())
        if name not in names:
            book.child_reviews[token] = (*names, name)

    # --- the write model's position -------------------------------------------------------

    def _model_position(self, cursor: Any) -> int:
        return self.tables.position_of(cursor, MODEL)

    def _move_model(self, cursor: Any, position: int) -> None:
        self.tables.set_position(cursor, MODEL, position)


#: Event types sealed with a child's key that name the child directly.
_PRIVATE_WITH_REF = frozenset(
    t for t in ev.EVENT_TYPES.values() if "child_ref" in {f.name for f in attrs.fields(t)}
)


def _check_not_a_token(event: Event) -> None:
    """A reference of the anonymous tokens' shape is reserved: a forgotten child's token must
    never become a live child (issue 17)."""
    ref = getattr(event, "child_ref", None)
    if isinstance(ref, str) and key_id_of(ref) is not None:
        raise InvalidEvent(
            type(event).__name__,
            "child_ref",
            "reserved",
            "references of the form anon-<20 hex digits> are reserved for forgotten children",
        )


def _revealed(exc: InvalidEvent, sealing: Sealing) -> InvalidEvent:
    """``exc`` raised for a child's anonymous event, with the references the caller sent."""
    message = exc.message
    if sealing.child_ref != sealing.token:
        message = message.replace(sealing.token, sealing.child_ref)
    for mapping in sealing.aliases.values():
        for original, pseudonym in mapping.items():
            message = message.replace(pseudonym, original)
    return type(exc)(exc.event_type, exc.field, exc.rule, message, index=exc.index)
