"""Compliments and feedback: the voice of children, families, partners and staff (SPEC section 3).

Constructing an event checks its shape (:mod:`kentqa_domain.event_base`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ...event_base import Event, themes
from ...fields import (
    choice,
    day,
    ident,
    opt_ident,
    opt_int,
)
from ...values import (
    FeedbackChannel,
    FeedbackSource,
)


@attrs.frozen
class ComplimentReceived(Event):
    """A compliment (framework 4.3 "Learning from Compliments and Complaints")."""

    date_field: ClassVar[str] = "received_on"
    compliment_id: str = ident()
    received_on: dt.date = day()
    from_role: FeedbackSource = choice(FeedbackSource)
    team_id: str | None = opt_ident()
    themes: tuple[str, ...] = themes()


@attrs.frozen
class FeedbackReceived(Event):
    """Feedback from children, families, partners or staff (framework 4.3 "Service User and Partner Feedback")."""

    date_field: ClassVar[str] = "received_on"
    feedback_id: str = ident()
    received_on: dt.date = day()
    source: FeedbackSource = choice(FeedbackSource)
    channel: FeedbackChannel = choice(FeedbackChannel)
    team_id: str | None = opt_ident()
    rating: int | None = opt_int(1, 5)
    themes: tuple[str, ...] = themes()
