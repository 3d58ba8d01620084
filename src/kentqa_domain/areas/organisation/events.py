"""Teams and practitioners: registration, moves, leaving, roles, ASYE, support and supervision (SPEC section 3).

Constructing an event checks its shape (:mod:`kentqa_domain.event_base`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ...errors import InvalidEvent
from ...event_base import Event, check_order
from ...fields import (
    choice,
    day,
    flag,
    ident,
    opt_choice,
    opt_day,
    opt_int,
    text,
)
from ...values import (
    ExperienceLevel,
    Role,
)


@attrs.frozen
class TeamRegistered(Event):
    """A team in a service and an area (breakdowns by team, service and area use these)."""

    date_field: ClassVar[str] = "registered_on"
    team_id: str = ident()
    name: str = text(default=None)
    service: str = text(default=None)
    area: str = text(default=None)
    registered_on: dt.date | None = opt_day()

    @property
    def business_date(self) -> dt.date:
        return self.registered_on or dt.date.min


@attrs.frozen
class WorkerRegistered(Event):
    """A worker joins a team (R-OBS-1, R-OBS-2 start from ``asye_started_on`` or ``registered_on``)."""

    date_field: ClassVar[str] = "registered_on"
    worker_id: str = ident()
    team_id: str = ident()
    role: Role = choice(Role)
    experience: ExperienceLevel = choice(ExperienceLevel)
    registered_on: dt.date = day()
    asye_started_on: dt.date | None = opt_day()

    def __attrs_post_init__(self) -> None:
        if self.asye_started_on is not None and self.experience is not ExperienceLevel.ASYE:
            raise InvalidEvent(
                "WorkerRegistered", "asye_started_on", "R-OBS-1", "only an asye worker has an ASYE start date"
            )


@attrs.frozen
class WorkerMoved(Event):
    """A worker moves team; from ``moved_on`` they count under the new team (R-OBS-5)."""

    date_field: ClassVar[str] = "moved_on"
    worker_id: str = ident()
    team_id: str = ident()
    moved_on: dt.date = day()


@attrs.frozen
class WorkerLeft(Event):
    """A worker leaves; they drop out of compliance from ``left_on`` (R-OBS-5)."""

    date_field: ClassVar[str] = "left_on"
    worker_id: str = ident()
    left_on: dt.date = day()


@attrs.frozen
class WorkerRejoined(Event):
    """A leaver returns (SPEC 9.3): in post again from ``rejoined_on``, in ``team_id``, with
    ``role`` if given (else the role they left with). R-OBS-1..3 restart as for a new joiner
    (decision 0990)."""

    date_field: ClassVar[str] = "rejoined_on"
    worker_id: str = ident()
    team_id: str = ident()
    rejoined_on: dt.date = day()
    role: Role | None = opt_choice(Role)


@attrs.frozen
class WorkerRoleChanged(Event):
    """A worker takes another role from ``changed_on`` (SPEC 9.3): a practitioner promoted to
    team manager leaves R-OBS-1..3 from that date (R-OBS-5)."""

    date_field: ClassVar[str] = "changed_on"
    worker_id: str = ident()
    role: Role = choice(Role)
    changed_on: dt.date = day()


@attrs.frozen
class ASYEExtended(Event):
    """The ASYE year is extended to ``extended_to`` for absence or part-time work (SPEC 9.3;
    Skills for Care): R-OBS-1's review points stretch to the new end (decision 0991).

    ``extended_to`` is the new end, a deadline that may be after today (R-INP-1).
    ``extended_on`` (optional) is the day the extension was agreed: when given it is the
    business date, and queries ``as_of`` an earlier day keep the year's earlier end; without
    it the extension holds on every day (and its business date is ``extended_to``).
    """

    date_field: ClassVar[str] = "extended_to"
    worker_id: str = ident()
    extended_to: dt.date = day()
    reason: str = text(default=None)
    extended_on: dt.date | None = opt_day()

    def __attrs_post_init__(self) -> None:
        if self.extended_on is not None:
            check_order(self, "extended_on", "extended_to")

    @property
    def business_date(self) -> dt.date:
        return self.extended_on or self.extended_to


@attrs.frozen
class ASYECompleted(Event):
    """The end of the ASYE year; from then the worker follows R-OBS-2 (R-OBS-1). Not passed
    (``passed=False``, SPEC 9.3): the worker is flagged for support (R-OBS-3) from that date."""

    date_field: ClassVar[str] = "completed_on"
    worker_id: str = ident()
    completed_on: dt.date = day()
    passed: bool = flag(default=True)


@attrs.frozen
class SupportNeedFlagged(Event):
    """A practitioner needs support with improving performance (R-OBS-3, framework 4.5)."""

    date_field: ClassVar[str] = "flagged_on"
    worker_id: str = ident()
    flagged_on: dt.date = day()
    interval_months: int | None = opt_int(1, 12)


@attrs.frozen
class SupportNeedCleared(Event):
    """The support need ends (R-OBS-3)."""

    date_field: ClassVar[str] = "cleared_on"
    worker_id: str = ident()
    cleared_on: dt.date = day()


@attrs.frozen
class SupervisionHeld(Event):
    """A supervision; the next one after an observation must hold its reflective review (R-OBS-4)."""

    date_field: ClassVar[str] = "held_on"
    worker_id: str = ident()
    supervisor_id: str = ident()
    held_on: dt.date = day()
