"""Teams and workers: the subjects observations, moves and supervisions refer to (R-OBS-1..5).

Write-side rules of the staff lifecycle (the read side is
:mod:`kentqa_domain.projections.observation_compliance`):

- R-OBS-5 movers: a move cannot be dated before the worker's registration, nor after they left.
- R-OBS-5 leavers: nothing that needs the worker at work (a move, an observation, a
  supervision) may be dated after their leaving date, and a leaving date cannot be before the
  registration or before such an event already recorded. Activity *on* the leaving date is
  accepted (their last day); they drop out of compliance from that date.
- R-OBS-1: only an ASYE worker completes the ASYE, and not before it started.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from .. import events as ev
from ..values import ExperienceLevel, Role
from .base import Handler, by, nothing, unknown, violation

if TYPE_CHECKING:
    from .casebook import Casebook


@attrs.define
class Team:
    team_id: str
    name: str
    service: str
    area: str


@attrs.define
class Worker:
    """What the rules need of a worker. ``team_id`` is the team of the latest-dated move."""

    worker_id: str
    team_id: str
    role: Role
    experience: ExperienceLevel
    left_on: dt.date | None = None
    registered_on: dt.date = dt.date.min
    asye_started_on: dt.date | None = None
    #: the business date from which ``team_id`` holds (registration or the latest move)
    team_since: dt.date = dt.date.min
    #: the latest date of a move, observation or supervision recorded for the worker
    last_active_on: dt.date | None = None

    @property
    def asye_start(self) -> dt.date:
        """R-OBS-1: the ASYE year runs from ``asye_started_on``, else ``registered_on``."""
        return self.asye_started_on or self.registered_on

    def note_activity(self, day: dt.date) -> None:
        if self.last_active_on is None or day > self.last_active_on:
            self.last_active_on = day


def check_team_exists(event: ev.Event, book: Casebook, field: str = "team_id") -> None:
    if getattr(event, field) not in book.teams:
        raise unknown(event, field, "team")


def check_worker_exists(event: ev.Event, book: Casebook, field: str = "worker_id") -> None:
    if getattr(event, field) not in book.workers:
        raise unknown(event, field, "worker")


def check_worker_at_work(event: ev.Event, book: Casebook, field: str = "worker_id") -> None:
    """The worker exists and had not left by the event's business date (R-OBS-5)."""
    check_worker_exists(event, book, field)
    worker = book.workers[getattr(event, field)]
    day = event.business_date
    if worker.left_on is not None and day > worker.left_on:
        raise violation(
            event,
            event.date_field,
            "R-OBS-5",
            f"{day.isoformat()} is after worker {worker.worker_id!r} left on {worker.left_on.isoformat()}",
        )


def note_activity(event: ev.ObservationRecorded | ev.SupervisionHeld, book: Casebook) -> None:
    """Remember the latest activity date, so a leaving date before it is refused (R-OBS-5)."""
    book.workers[event.worker_id].note_activity(event.business_date)


def _register_team(event: ev.TeamRegistered, book: Casebook) -> None:
    book.teams[event.team_id] = Team(event.team_id, event.name, event.service, event.area)


def _register_worker(event: ev.WorkerRegistered, book: Casebook) -> None:
    book.workers[event.worker_id] = Worker(
        event.worker_id,
        event.team_id,
        event.role,
        event.experience,
        registered_on=event.registered_on,
        asye_started_on=event.asye_started_on,
        team_since=event.registered_on,
    )


def _check_move(event: ev.WorkerMoved, book: Casebook) -> None:
    """R-OBS-5: a mover counts under the new team from the move date, so the date must make sense."""
    check_worker_at_work(event, book)
    check_team_exists(event, book)
    worker = book.workers[event.worker_id]
    if event.moved_on < worker.registered_on:
        raise violation(
            event,
            "moved_on",
            "R-OBS-5",
            f"cannot be before worker {worker.worker_id!r} was registered on {worker.registered_on.isoformat()}",
        )


def _move(event: ev.WorkerMoved, book: Casebook) -> None:
    worker = book.workers[event.worker_id]
    if event.moved_on >= worker.team_since:  # a late-recorded earlier move does not win
        worker.team_id = event.team_id
        worker.team_since = event.moved_on
    worker.note_activity(event.moved_on)


def _check_leave(event: ev.WorkerLeft, book: Casebook) -> None:
    """R-OBS-5: a leaving date is not before registration nor before recorded activity."""
    check_worker_exists(event, book)
    worker = book.workers[event.worker_id]
    if event.left_on < worker.registered_on:
        raise violation(
            event,
            "left_on",
            "R-OBS-5",
            f"cannot be before worker {worker.worker_id!r} was registered on {worker.registered_on.isoformat()}",
        )
    if worker.last_active_on is not None and event.left_on < worker.last_active_on:
        raise violation(
            event,
            "left_on",
            "R-OBS-5",
            f"cannot be before a move, observation or supervision already recorded on "
            f"{worker.last_active_on.isoformat()}",
        )


def _leave(event: ev.WorkerLeft, book: Casebook) -> None:
    book.workers[event.worker_id].left_on = event.left_on


def _check_asye(event: ev.ASYECompleted, book: Casebook) -> None:
    """R-OBS-1: only an ASYE worker completes the ASYE, on or after the ASYE start."""
    check_worker_exists(event, book)
    worker = book.workers[event.worker_id]
    if worker.experience is not ExperienceLevel.ASYE:
        raise violation(event, "worker_id", "R-OBS-1", "only an ASYE worker can complete the ASYE")
    if event.completed_on < worker.asye_start:
        raise violation(
            event,
            "completed_on",
            "R-OBS-1",
            f"cannot be before the ASYE started on {worker.asye_start.isoformat()}",
        )


def _supervise(event: ev.SupervisionHeld, book: Casebook) -> None:
    note_activity(event, book)


def _worker_event() -> Handler:
    return Handler(by("worker", "worker_id"), check_worker_exists, nothing)


HANDLERS: dict[type[ev.Event], Handler] = {
    ev.TeamRegistered: Handler(by("team", "team_id"), nothing, _register_team),
    ev.WorkerRegistered: Handler(by("worker", "worker_id"), check_team_exists, _register_worker),
    ev.WorkerMoved: Handler(by("worker", "worker_id"), _check_move, _move),
    ev.WorkerLeft: Handler(by("worker", "worker_id"), _check_leave, _leave),
    ev.ASYECompleted: Handler(by("worker", "worker_id"), _check_asye, nothing),
    ev.SupportNeedFlagged: _worker_event(),
    ev.SupportNeedCleared: _worker_event(),
    ev.SupervisionHeld: Handler(by("worker", "worker_id"), check_worker_at_work, _supervise),
}
