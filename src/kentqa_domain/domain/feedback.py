"""Compliments and feedback: standalone facts with their own ids (framework 4.3)."""

from __future__ import annotations

from .. import events as ev
from .base import Handler, by, nothing

HANDLERS: dict[type[ev.Event], Handler] = {
    ev.ComplimentReceived: Handler(by("compliment", "compliment_id"), nothing, nothing),
    ev.FeedbackReceived: Handler(by("feedback", "feedback_id"), nothing, nothing),
}
