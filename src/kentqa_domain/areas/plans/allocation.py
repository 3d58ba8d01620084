"""Allocation: a child's team and social worker, IRO and CP Chair (SPEC 9.2; decision 0985).

On the child's stream (``child:REF``), like every event that follows a child up:

- ``ChildAllocated``: the child is known (UnknownReference otherwise, naming the events that
  introduce one); the team is registered; the worker, when given, is registered and in post
  on ``allocated_on`` (not after a leaving date unless they rejoined by then; R-ACC-1, as
  the allocation decides who sees the child's rows).
- ``IROAssigned`` (R-LAC-9): the child is known and looked after on ``assigned_on`` (an IRO
  is appointed to a looked-after child, IRO Handbook); the IRO is a registered worker in
  post that day holding the role ``iro`` on that day.
- ``CPChairAssigned`` (R-CP-7, R-CP-5): the child is known and has a child protection
  process on ``assigned_on`` (from a strategy discussion or initial conference to the plan's
  end; R-CP-7 closes it); the chair is a registered worker in post that day holding the role
  ``cp_chair`` on that day (the CP Chair's QA, R-CP-5, is theirs).

The write model keeps nothing of them: who the child's team, worker, IRO and chair are on a
date is the read model's (:mod:`kentqa_domain.areas.plans.facts`). Actors elsewhere (a review's
``chair_id``, ``ChildBecameLookedAfter.iro_id``) stay recorded as given (SPEC section 2):
an assignment is the fact *about* the worker, so the worker must exist.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from ...event_base import Event
from ...values import Role
from ..aggregate import Handler, no_change, stream_by, violation
from ..organisation.model import StaffBook, check_team_exists, check_worker_exists
from . import events as ev
from .model import PlanBook, check_child_known, looked_after_on
from .timeline import walk_child_protection

if TYPE_CHECKING:
    from .model import Child


class AllocationBook(StaffBook, PlanBook, Protocol):
    """What these rules read and change in the write model: allocation (teams, workers and children) (the
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""


def _check_in_post(
    event: Event, book: AllocationBook, field: str, rule: str, role: Role | None = None
) -> None:
    """The worker named by ``field`` is registered (else UnknownReference), in post on the
    event's date and, when ``role`` is given, holds it that day (else RuleViolation)."""
    check_worker_exists(event, book, field)
    worker_id: str = getattr(event, field)
    worker = book.workers[worker_id]
    day = event.business_date
    away = worker.away_on(day)
    if away is not None:
        left, back = away
        returned = f" and rejoined on {back.isoformat()}" if back is not None else ""
        raise violation(
            event,
            field,
            rule,
            f"worker {worker_id!r} was not in post on {day.isoformat()}: they left on {left.isoformat()}{returned}",
        )
    if role is not None:
        held = worker.role_on(day)
        if held is not role:
            raise violation(
                event,
                field,
                rule,
                f"worker {worker_id!r} held the role {held.value} on {day.isoformat()}, not {role.value}",
            )


def _check_allocated(event: ev.ChildAllocated, book: AllocationBook) -> None:
    """SPEC 9.2, R-ACC-1: a known child, a registered team, a worker in post if named."""
    check_child_known(event, book)
    check_team_exists(event, book)
    if event.worker_id is not None:
        _check_in_post(event, book, "worker_id", "R-ACC-1")


def _check_iro(event: ev.IROAssigned, book: AllocationBook) -> None:
    """R-LAC-9: an IRO, in post, appointed to a child looked after that day."""
    check_child_known(event, book)
    child = book.children[event.child_ref]
    if not looked_after_on(child, event.assigned_on):
        raise violation(
            event,
            "assigned_on",
            "R-LAC-9",
            f"child {event.child_ref!r} was not looked after on {event.assigned_on} (an IRO is appointed to a looked-after child)",
        )
    _check_in_post(event, book, "iro_id", "R-LAC-9", Role.IRO)


def child_protection_on(child: Child, day: dt.date) -> bool:
    """Whether the child has a child protection process on ``day``: a plan in the making from
    a strategy discussion, or a plan from its initial conference, not ended before ``day``
    (the first and last days count; R-CP-1, R-CP-7)."""
    plans = walk_child_protection(child.cp_facts()).plans
    return any(p.opened_on <= day and (p.ended_on is None or day <= p.ended_on) for p in plans)


def _check_chair(event: ev.CPChairAssigned, book: AllocationBook) -> None:
    """R-CP-7, R-CP-5: a CP Chair, in post, assigned while the child has a CP process."""
    check_child_known(event, book)
    child = book.children[event.child_ref]
    if not child_protection_on(child, event.assigned_on):
        raise violation(
            event,
            "assigned_on",
            "R-CP-7",
            f"child {event.child_ref!r} had no child protection enquiry or plan open on {event.assigned_on}",
        )
    _check_in_post(event, book, "chair_id", "R-CP-5", Role.CP_CHAIR)


_child_stream = stream_by("child", "child_ref")

HANDLERS: dict[type[Event], Handler] = {
    ev.ChildAllocated: Handler(_child_stream, _check_allocated, no_change),
    ev.IROAssigned: Handler(_child_stream, _check_iro, no_change),
    ev.CPChairAssigned: Handler(_child_stream, _check_chair, no_change),
}
