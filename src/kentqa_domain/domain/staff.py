"""Teams and workers: the subjects observations, moves and supervisions refer to (R-OBS-1..5)."""

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
    worker_id: str
    team_id: str
    role: Role
    experience: ExperienceLevel
    left_on: dt.date | None = None


def check_team_exists(event: ev.Event, book: Casebook, field: str = "team_id") -> None:
    if getattr(event, field) not in book.teams:
        raise unknown(event, field, "team")


def check_worker_exists(event: ev.Event, book: Casebook, field: str = "worker_id") -> None:
    if getattr(event, field) not in book.workers:
        raise unknown(event, field, "worker")


def _register_team(event: ev.TeamRegistered, book: Casebook) -> None:
    book.teams[event.team_id] = Team(event.team_id, event.name, event.service, event.area)


def _register_worker(event: ev.WorkerRegistered, book: Casebook) -> None:
    book.workers[event.worker_id] = Worker(event.worker_id, event.team_id, event.role, event.experience)


def _check_move(event: ev.WorkerMoved, book: Casebook) -> None:
    check_worker_exists(event, book)
    check_team_exists(event, book)


def _move(event: ev.WorkerMoved, book: Casebook) -> None:
    book.workers[event.worker_id].team_id = event.team_id


def _leave(event: ev.WorkerLeft, book: Casebook) -> None:
    book.workers[event.worker_id].left_on = event.left_on


def _check_asye(event: ev.ASYECompleted, book: Casebook) -> None:
    check_worker_exists(event, book)
    if book.workers[event.worker_id].experience is not ExperienceLevel.ASYE:
        raise violation(event, "worker_id", "R-OBS-1", "only an ASYE worker can complete the ASYE")


def _worker_event() -> Handler:
    return Handler(by("worker", "worker_id"), check_worker_exists, nothing)


HANDLERS: dict[type[ev.Event], Handler] = {
    ev.TeamRegistered: Handler(by("team", "team_id"), nothing, _register_team),
    ev.WorkerRegistered: Handler(by("worker", "worker_id"), check_team_exists, _register_worker),
    ev.WorkerMoved: Handler(by("worker", "worker_id"), _check_move, _move),
    ev.WorkerLeft: Handler(by("worker", "worker_id"), check_worker_exists, _leave),
    ev.ASYECompleted: Handler(by("worker", "worker_id"), _check_asye, nothing),
    ev.SupportNeedFlagged: _worker_event(),
    ev.SupportNeedCleared: _worker_event(),
    ev.SupervisionHeld: _worker_event(),
}
