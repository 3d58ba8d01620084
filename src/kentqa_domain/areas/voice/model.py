"""Compliments and feedback: standalone facts with their own ids (framework 4.1, 4.3).

Each is its own stream. The only check is the team they are about, when given: an unknown
team would make the item invisible to every team, service and area view (R-ACC-1) and to
the voice summary's team breakdown (decision 0403).
"""

from __future__ import annotations

from typing import Protocol

from ...event_base import Event
from ..aggregate import Handler, no_change, stream_by
from ..organisation.model import StaffBook, check_team_exists
from . import events as ev


class VoiceBook(StaffBook, Protocol):
    """What these rules read and change in the write model: compliments and feedback (the teams they name) (the
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""


def check_team_if_given(event: ev.ComplimentReceived | ev.FeedbackReceived, book: VoiceBook) -> None:
    """The team a compliment or feedback is about, when given, is registered."""
    if event.team_id is not None:
        check_team_exists(event, book)


HANDLERS: dict[type[Event], Handler] = {
    ev.ComplimentReceived: Handler(stream_by("compliment", "compliment_id"), check_team_if_given, no_change),
    ev.FeedbackReceived: Handler(stream_by("feedback", "feedback_id"), check_team_if_given, no_change),
}
