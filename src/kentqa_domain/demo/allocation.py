"""Allocation in the synthetic council (SPEC 9.2): teams and social workers, IROs, CP Chairs.

Every choice here draws from a random stream of its own (``council.rng(child + ":allocation")``
and the like), never from the streams of a child's plan, so the rest of the council (its
reviews, QA, actions, escalations) is drawn the same with or without allocation. Only what an
allocation must change follows it: the reviews after a change of IRO are chaired by the new
IRO. Every assignment names a worker in post on its day (``Staff.active``), registered before
it, holding the role, so recording accepts it (decision 0985).
"""

from __future__ import annotations

import datetime as dt

from .. import events as ev
from ..values import Role
from .council import Council

#: Looked-after children whose IRO is named on becoming looked after; the others have one
#: appointed a few working days later (R-LAC-9), now and then late.
NAMED_AT_START = 0.75
ON_TIME = 0.8
#: Looked-after children whose IRO changes once during the simulated period.
IRO_CHANGE = 0.12


def _available(council: Council, worker_id: str | None, on: dt.date) -> bool:
    """In post on ``on`` and registered before it (their registration is recorded first)."""
    staff = council.staff.get(worker_id) if worker_id is not None else None
    return staff is not None and staff.registered_on < on and staff.active(on)


class Allocation:
    """A child's allocation: to its team and a social worker when its plan starts, and again
    to the worker holding the case at a review when that worker is new to it."""

    def __init__(self, council: Council, child_ref: str, team: str, on: dt.date) -> None:
        self.council, self.child_ref, self.team = council, child_ref, team
        rng = council.rng(child_ref + ":allocation")
        worker = council.practitioner(team, on, rng)
        self.worker = worker if _available(council, worker, on) else None
        self.on = on
        self._record(on)

    def _record(self, on: dt.date) -> None:
        self.council.record(
            on,
            ev.ChildAllocated(
                child_ref=self.child_ref, allocated_on=on, team_id=self.team, worker_id=self.worker
            ),
        )

    def holds(self, worker: str, on: dt.date) -> None:
        """``worker`` holds the case at a review on ``on``: allocated to them if it was not."""
        if worker != self.worker and on > self.on and _available(self.council, worker, on):
            self.worker, self.on = worker, on
            self._record(on)


def iro_named_at_start(
    council: Council, child_ref: str, iro: str, start: dt.date, end: dt.date, *, stock: bool
) -> bool:
    """Whether the IRO is named on becoming looked after; if not, the appointment is recorded
    (``IROAssigned``) 1-5 working days later, or 6-15 when late (R-LAC-9), while the child is
    still looked after. Children already looked after when the period starts have theirs."""
    rng = council.rng(child_ref + ":iro")
    if stock or rng.random() < NAMED_AT_START:
        return True
    days = rng.randint(1, 5) if rng.random() < ON_TIME else rng.randint(6, 15)
    assigned = council.add_working_days(start, days)
    if assigned <= end and _available(council, iro, assigned):
        council.record(assigned, ev.IROAssigned(child_ref=child_ref, assigned_on=assigned, iro_id=iro))
    return False


class IROChanges:
    """Who chairs a looked-after child's reviews: the first IRO, then the one assigned when
    the IRO changed (``IROAssigned``)."""

    def __init__(self, first: str, changed: tuple[dt.date, str] | None = None) -> None:
        self.first, self.changed = first, changed

    def iro_on(self, day: dt.date) -> str:
        if self.changed is not None and day >= self.changed[0]:
            return self.changed[1]
        return self.first


def iro_changes(council: Council, child_ref: str, iro: str, start: dt.date, end: dt.date) -> IROChanges:
    """Now and then the child's IRO changes (caseloads are rebalanced, an IRO is away) on a
    working day of the simulated period at least 30 days into the episode, before its end."""
    rng = council.rng(child_ref + ":iro-change")
    first = max(start, council.start) + dt.timedelta(days=30)
    last = min(end - dt.timedelta(days=1), council.until)
    if rng.random() >= IRO_CHANGE or first > last:
        return IROChanges(iro)
    day = council.working_day(first + dt.timedelta(days=rng.randint(0, (last - first).days)))
    others = [w for w in council.by_role[Role.IRO] if w != iro and _available(council, w, day)]
    if day > last or not others:
        return IROChanges(iro)
    new = rng.choice(others)
    council.record(day, ev.IROAssigned(child_ref=child_ref, assigned_on=day, iro_id=new))
    return IROChanges(iro, (day, new))


def assign_chair(council: Council, child_ref: str, chair: str, on: dt.date) -> None:
    """The CP Chair assigned to the enquiry on the day of the strategy discussion."""
    if _available(council, chair, on):
        council.record(on, ev.CPChairAssigned(child_ref=child_ref, assigned_on=on, chair_id=chair))
