"""Observations of practice, their sharing and reflective review (SPEC section 3; R-OBS-1..5).

Constructing an event checks its shape (:mod:`kentqa_domain.event_base`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ...event_base import Event, texts
from ...fields import (
    choice,
    day,
    grade_map,
    ident,
    text,
)
from ...values import (
    Grade,
    ObservationArea,
    ObservationSetting,
)


@attrs.frozen
class ObservationRecorded(Event):
    """An observation of practice (framework 4.4-4.5; R-OBS-1..5). Only ``practice`` counts."""

    date_field: ClassVar[str] = "observed_on"
    observation_id: str = ident()
    worker_id: str = ident()
    observer_id: str = ident()
    observed_on: dt.date = day()
    setting: ObservationSetting = choice(ObservationSetting)
    judgements: dict[str, Grade] = grade_map(ObservationArea, Grade, required=True)
    overall: Grade = choice(Grade)
    summary: str = text()
    appraisal_priorities: tuple[str, ...] = texts()


@attrs.frozen
class ObservationShared(Event):
    """The observation was shared with the practitioner (R-OBS-4)."""

    date_field: ClassVar[str] = "shared_on"
    observation_id: str = ident()
    shared_on: dt.date = day()


@attrs.frozen
class ReflectiveReviewHeld(Event):
    """The shared reflective review of an observation (R-OBS-4)."""

    date_field: ClassVar[str] = "held_on"
    observation_id: str = ident()
    held_on: dt.date = day()
    actions: tuple[str, ...] = texts()
