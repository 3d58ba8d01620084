"""Teams and workers: the subjects observations, moves and supervisions refer to (R-OBS-1..5).

Write-side rules of the staff lifecycle (the read side is
:mod:`kentqa_domain.areas.observations.projection`):

- R-OBS-5 movers: a move cannot be dated before the worker's registration, nor after they left.
- R-OBS-5 leavers: nothing that needs the worker at work (a move, an observation, a
  supervision) may be dated after their leaving date, and a leaving date cannot be before the
  registration or before such an event already recorded. Activity *on* the leaving date is
  accepted (their last day); they drop out of compliance from that date.
- R-OBS-1: only an ASYE worker completes the ASYE, and not before it started.

Staff over a career (SPEC 9.3, decisions 0990-0992):

- R-OBS-5 rejoiners: only a leaver rejoins (``WorkerRejoined`` after ``WorkerLeft``), into a
  registered team, after their leaving date; a worker who has not left cannot rejoin. Nothing
  that needs the worker at work may be dated between a leaving and the rejoining after it,
  and a worker who has left cannot leave again before rejoining.
- R-OBS-5 role changes: ``WorkerRoleChanged`` needs a registered worker in post on the day
  (not before registration, not while away).
- R-OBS-1 extensions: ``ASYEExtended`` only for an ASYE worker, to a day after the end in
  force (12 months from the ASYE start, or a rejoiner's rejoining; or a longer extension).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Protocol

import attrs

from ...calendar import add_months
from ...event_base import Event
from ...values import ASYE_YEAR_MONTHS, ExperienceLevel, Role
from ..aggregate import Handler, no_change, stream_by, unknown, violation
from ..observations.events import ObservationRecorded
from . import events as ev


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
    #: closed absences ``(left_on, rejoined_on)``, oldest first (SPEC 9.3: a leaver may return)
    absences: list[tuple[dt.date, dt.date]] = attrs.Factory(list)
    #: the business date from which ``role`` holds (registration, a rejoining or a role change)
    role_since: dt.date = dt.date.min
    #: the latest new end of the ASYE recorded (``ASYEExtended``), if any
    asye_extended_to: dt.date | None = None
    #: every role by the day it was taken: registration, a rejoining with a role, a role
    #: change (SPEC 9.3); what an assignment checks the role on its day by (decision 0985).
    #: Empty in a document written before it was kept: then ``role`` stands for every day.
    roles: dict[dt.date, Role] = attrs.Factory(dict)

    @property
    def asye_start(self) -> dt.date:
        """R-OBS-1: the ASYE year runs from ``asye_started_on``, else ``registered_on``."""
        return self.asye_started_on or self.registered_on

    @property
    def current_asye_start(self) -> dt.date:
        """R-OBS-1 for a rejoiner restarts on the latest rejoining (decision 0990)."""
        return self.absences[-1][1] if self.absences else self.asye_start

    @property
    def asye_end(self) -> dt.date:
        """The end of the ASYE year in force: 12 months from its start, or a later extension."""
        natural = add_months(self.current_asye_start, ASYE_YEAR_MONTHS)
        extended = self.asye_extended_to
        return extended if extended is not None and extended > natural else natural

    def role_on(self, day: dt.date) -> Role:
        """The role held on ``day`` by the roles recorded (before the first: the first)."""
        if not self.roles:
            return self.role
        taken = [d for d in self.roles if d <= day]
        return self.roles[max(taken) if taken else min(self.roles)]

    def away_on(self, day: dt.date) -> tuple[dt.date, dt.date | None] | None:
        """The absence ``(left_on, rejoined_on or None)`` the worker is in on ``day``, if any:
        after a leaving date and before the rejoining after it (R-OBS-5)."""
        if self.left_on is not None and day > self.left_on:
            return self.left_on, None
        for left, back in self.absences:
            if left < day < back:
                return left, back
        return None

    def note_activity(self, day: dt.date) -> None:
        if self.last_active_on is None or day > self.last_active_on:
            self.last_active_on = day


class StaffBook(Protocol):
    """What these rules read and change in the write model: teams and workers (the
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""

    teams: MutableMapping[str, Team]
    workers: MutableMapping[str, Worker]


def check_team_exists(event: Event, book: StaffBook, field: str = "team_id") -> None:
    if getattr(event, field) not in book.teams:
        raise unknown(event, field, "team")


def check_worker_exists(event: Event, book: StaffBook, field: str = "worker_id") -> None:
    if getattr(event, field) not in book.workers:
        raise unknown(event, field, "worker")


def check_worker_at_work(event: Event, book: StaffBook, field: str = "worker_id") -> None:
    """The worker exists and was in post on the event's business date: not after a leaving
    date, unless they rejoined by then (R-OBS-5, SPEC 9.3)."""
    check_worker_exists(event, book, field)
    worker = book.workers[getattr(event, field)]
    day = event.business_date
    away = worker.away_on(day)
    if away is not None:
        left, back = away
        returned = f" and rejoined on {back.isoformat()}" if back is not None else ""
        raise violation(
            event,
            event.date_field,
            "R-OBS-5",
            f"{day.isoformat()} is after worker {worker.worker_id!r} left on {left.isoformat()}{returned}",
        )


def note_activity(event: ObservationRecorded | ev.SupervisionHeld, book: StaffBook) -> None:
    """Remember the latest activity date, so a leaving date before it is refused (R-OBS-5)."""
    book.workers[event.worker_id].note_activity(event.business_date)


def _register_team(event: ev.TeamRegistered, book: StaffBook) -> None:
    book.teams[event.team_id] = Team(event.team_id, event.name, event.service, event.area)


def _register_worker(event: ev.WorkerRegistered, book: StaffBook) -> None:
    book.workers[event.worker_id] = Worker(
        event.worker_id,
        event.team_id,
        event.role,
        event.experience,
        registered_on=event.registered_on,
        asye_started_on=event.asye_started_on,
        team_since=event.registered_on,
        role_since=event.registered_on,
        roles={event.registered_on: event.role},
    )


def _check_move(event: ev.WorkerMoved, book: StaffBook) -> None:
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


def _move(event: ev.WorkerMoved, book: StaffBook) -> None:
    worker = book.workers[event.worker_id]
    if event.moved_on >= worker.team_since:  # a late-recorded earlier move does not win
        worker.team_id = event.team_id
        worker.team_since = event.moved_on
    worker.note_activity(event.moved_on)


def _check_leave(event: ev.WorkerLeft, book: StaffBook) -> None:
    """R-OBS-5: a leaving date is not before registration nor before recorded activity; a
    worker who has left leaves again only after rejoining (SPEC 9.3)."""
    check_worker_exists(event, book)
    worker = book.workers[event.worker_id]
    if worker.left_on is not None:
        raise violation(
            event,
            "worker_id",
            "R-OBS-5",
            f"worker {worker.worker_id!r} already left on {worker.left_on.isoformat()} "
            "(a WorkerRejoined comes before another leaving)",
        )
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
            f"cannot be before a move, rejoining, role change, observation or supervision already recorded on "
            f"{worker.last_active_on.isoformat()}",
        )


def _leave(event: ev.WorkerLeft, book: StaffBook) -> None:
    book.workers[event.worker_id].left_on = event.left_on


def _check_rejoin(event: ev.WorkerRejoined, book: StaffBook) -> None:
    """R-OBS-5 (SPEC 9.3): only a leaver rejoins, into a registered team, after leaving."""
    check_worker_exists(event, book)
    check_team_exists(event, book)
    worker = book.workers[event.worker_id]
    if worker.left_on is None:
        raise violation(
            event,
            "worker_id",
            "R-OBS-5",
            f"worker {worker.worker_id!r} has not left, so cannot rejoin (record WorkerLeft first)",
        )
    if event.rejoined_on <= worker.left_on:
        raise violation(
            event,
            "rejoined_on",
            "R-OBS-5",
            f"must be after worker {worker.worker_id!r} left on {worker.left_on.isoformat()}",
        )


def _rejoin(event: ev.WorkerRejoined, book: StaffBook) -> None:
    worker = book.workers[event.worker_id]
    assert worker.left_on is not None  # checked
    worker.absences = [*worker.absences, (worker.left_on, event.rejoined_on)]
    worker.left_on = None
    worker.team_id = event.team_id
    worker.team_since = event.rejoined_on
    if event.role is not None:
        worker.roles = _with_role(worker, event.rejoined_on, event.role)
        worker.role = event.role
        worker.role_since = event.rejoined_on
    worker.note_activity(event.rejoined_on)


def _check_role_change(event: ev.WorkerRoleChanged, book: StaffBook) -> None:
    """R-OBS-5 (SPEC 9.3): a role changes for a registered worker in post on the day."""
    check_worker_at_work(event, book)
    worker = book.workers[event.worker_id]
    if event.changed_on < worker.registered_on:
        raise violation(
            event,
            "changed_on",
            "R-OBS-5",
            f"cannot be before worker {worker.worker_id!r} was registered on {worker.registered_on.isoformat()}",
        )


def _with_role(worker: Worker, day: dt.date, role: Role) -> dict[dt.date, Role]:
    """The worker's roles with ``role`` taken on ``day`` (a new dict: the document changes)."""
    known = worker.roles or {worker.registered_on: worker.role}
    return {**known, day: role}


def _change_role(event: ev.WorkerRoleChanged, book: StaffBook) -> None:
    worker = book.workers[event.worker_id]
    worker.roles = _with_role(worker, event.changed_on, event.role)
    if event.changed_on >= worker.role_since:  # a late-recorded earlier change does not win
        worker.role = event.role
        worker.role_since = event.changed_on
    worker.note_activity(event.changed_on)


def _check_extension(event: ev.ASYEExtended, book: StaffBook) -> None:
    """R-OBS-1 (SPEC 9.3): only an ASYE worker's ASYE is extended, to after the end in force."""
    check_worker_exists(event, book)
    worker = book.workers[event.worker_id]
    if worker.experience is not ExperienceLevel.ASYE:
        raise violation(event, "worker_id", "R-OBS-1", "only an ASYE worker's ASYE can be extended")
    end = worker.asye_end
    if event.extended_to <= end:
        raise violation(
            event,
            "extended_to",
            "R-OBS-1",
            f"must be after the end of the ASYE year in force, {end.isoformat()}",
        )


def _extend(event: ev.ASYEExtended, book: StaffBook) -> None:
    book.workers[event.worker_id].asye_extended_to = event.extended_to


def _check_asye(event: ev.ASYECompleted, book: StaffBook) -> None:
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


def _supervise(event: ev.SupervisionHeld, book: StaffBook) -> None:
    note_activity(event, book)


def _worker_event() -> Handler:
    return Handler(stream_by("worker", "worker_id"), check_worker_exists, no_change)


HANDLERS: dict[type[Event], Handler] = {
    ev.TeamRegistered: Handler(stream_by("team", "team_id"), no_change, _register_team),
    ev.WorkerRegistered: Handler(stream_by("worker", "worker_id"), check_team_exists, _register_worker),
    ev.WorkerMoved: Handler(stream_by("worker", "worker_id"), _check_move, _move),
    ev.WorkerLeft: Handler(stream_by("worker", "worker_id"), _check_leave, _leave),
    ev.WorkerRejoined: Handler(stream_by("worker", "worker_id"), _check_rejoin, _rejoin),
    ev.WorkerRoleChanged: Handler(stream_by("worker", "worker_id"), _check_role_change, _change_role),
    ev.ASYECompleted: Handler(stream_by("worker", "worker_id"), _check_asye, no_change),
    ev.ASYEExtended: Handler(stream_by("worker", "worker_id"), _check_extension, _extend),
    ev.SupportNeedFlagged: _worker_event(),
    ev.SupportNeedCleared: _worker_event(),
    ev.SupervisionHeld: Handler(stream_by("worker", "worker_id"), check_worker_at_work, _supervise),
}
