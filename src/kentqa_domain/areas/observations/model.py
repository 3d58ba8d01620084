"""Observations of practice and their sharing and reflective review (R-OBS-4).

Recording refuses an observation of a worker never registered (``UnknownReference``) or dated
after the worker left (R-OBS-5), and a share or reflective review of an unknown observation or
dated before it (R-OBS-4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Protocol

import attrs

from ...event_base import Event
from ..aggregate import Handler, no_change, stream_by, unknown, violation
from ..organisation.model import StaffBook, check_worker_at_work, note_activity
from . import events as ev

if TYPE_CHECKING:
    from collections.abc import Callable


@attrs.define
class Observation:
    observation_id: str
    worker_id: str
    observed_on: dt.date


class ObservationBook(StaffBook, Protocol):
    """What these rules read and change in the write model: observations, and the workers they are of (the
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""

    observations: MutableMapping[str, Observation]


def _record(event: ev.ObservationRecorded, book: ObservationBook) -> None:
    note_activity(event, book)
    book.observations[event.observation_id] = Observation(
        event.observation_id, event.worker_id, event.observed_on
    )


def _check_follow_up(
    date_field: str,
) -> Callable[[ev.ObservationShared | ev.ReflectiveReviewHeld, ObservationBook], None]:
    def check(event: ev.ObservationShared | ev.ReflectiveReviewHeld, book: ObservationBook) -> None:
        observation = book.observations.get(event.observation_id)
        if observation is None:
            raise unknown(event, "observation_id", "observation")
        if getattr(event, date_field) < observation.observed_on:
            raise violation(event, date_field, "R-OBS-4", "cannot be before the observation itself")

    return check


HANDLERS: dict[type[Event], Handler] = {
    ev.ObservationRecorded: Handler(
        stream_by("observation", "observation_id"), check_worker_at_work, _record
    ),
    ev.ObservationShared: Handler(
        stream_by("observation", "observation_id"), _check_follow_up("shared_on"), no_change
    ),
    ev.ReflectiveReviewHeld: Handler(
        stream_by("observation", "observation_id"), _check_follow_up("held_on"), no_change
    ),
}
