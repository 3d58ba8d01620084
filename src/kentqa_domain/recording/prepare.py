"""A batch's events prepared before they are checked: sealing, identity key, body, digest (SPEC 2).

A child's event is sealed with its child's key (found through the write model, or through an
earlier event of the batch); its identity key and digest are of its anonymous form, keyed in an
encrypted store (decision 0913). A review id is one review: another child's review with the same
id is refused here.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from .. import events as ev
from ..errors import ConflictingEvent, InvalidEvent
from ..events import Event
from ..privacy.sealing import PRIVATE, child_of
from ..serialization.mapper import canonical_body
from .base import RecordingBase


class Preparing(RecordingBase):
    """A batch's events prepared (see :mod:`kentqa_domain.recording.batch`)."""

    def _prepare(self, parsed: list[Event | InvalidEvent]) -> list[Any]:
        """Each event with its sealing, identity key, stored body and digest (or its refusal).

        A follow-up's child is found through the write model, or through an earlier event of
        the batch (a review and its QA, an escalation and its response, sent together)."""
        book = self.book
        reviews: dict[str, str] = {}  # review lookup name -> child ref or token, in this batch
        escalations: dict[str, str] = {}
        out: list[Any] = []

        def review_token(review_id: str) -> str | None:
            name = self.review_name(review_id)
            return reviews.get(name) or book.review_lookup.get(name)

        for event in parsed:
            if isinstance(event, InvalidEvent):
                out.append(event)
                continue
            try:
                child = child_of(event, book, review_token)
                if (
                    child is None
                    and type(event) in PRIVATE
                    and isinstance(getattr(event, "escalation_id", None), str)
                ):
                    # checked just above: the event has a str escalation_id (ev.Event does not declare it)
                    child = escalations.get(event.escalation_id)  # type: ignore[attr-defined]
                sealing = self._sealing(event, child) if child is not None else None
                if child is not None and sealing is None:
                    book.check(event)  # a child never recorded: refused here, with its reference
                    raise InvalidEvent(  # noqa: TRY301 - passed the check but has no key: a race
                        type(event).__name__,
                        "child_ref",
                        "reference",
                        "the child's key is not ready; record it again",
                    )
                if isinstance(event, ev.ReviewHeld) and sealing is not None:
                    # A review id is one review (its identity, SPEC 2): the identity index sees
                    # it only pseudonymised under its child's key, so another child's review
                    # with the same id is refused here, by the store-wide lookup name.
                    name = self.review_name(event.review_id)
                    if review_token(event.review_id) not in (None, sealing.token):
                        raise ConflictingEvent(
                            "ReviewHeld",
                            "child_ref",
                            "idempotency",
                            f"ReviewHeld review_id={event.review_id!r} was already recorded for another "
                            "child; give this review a new id, or correct the first one",
                        )
                    reviews[name] = sealing.token
                if isinstance(event, ev.EscalationRaised) and event.child_ref is not None:
                    escalations[event.escalation_id] = event.child_ref
                subject = sealing.anonymous if sealing is not None else event
                body = canonical_body(sealing.clear if sealing is not None else event)
                out.append((event, sealing, self.identity(subject), body, self.digest(body)))
            except InvalidEvent as exc:
                out.append(exc)
        return out

    def _streams_of(self, prepared: list[Any]) -> list[UUID]:
        streams = []
        for item in prepared:
            if isinstance(item, InvalidEvent):
                continue
            event, sealing = item[0], item[1]
            subject = sealing.anonymous if sealing is not None else event
            try:
                streams.append(self._stream(self.book.stream(subject), sealing))
            except (KeyError, InvalidEvent):
                continue
        return streams
