"""A child's plan facts as the ``child_plans`` projection keeps them (R-LAC-1..7, R-CP-1..9).

The ``child_plans`` projection keeps one :class:`ChildRecord` per child (its looked-after
episodes, strategy discussions, CP plan ends, reviews, midway reviews, plan action
completions and the teams its escalations named), keyed by the child's anonymous token as
the events give it. The facts are stored keyed by their identity, so a record is the same
whatever order the events arrive in.

:class:`PlanFacts` is what one query (or one fold's rows) reads: the children asked about,
the QA of their reviews and the team histories of the workers they name
(:class:`WorkerTeams`). The plans the facts make at a date are built in
:mod:`kentqa_domain.areas.plans.plans_at`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

import attrs

from ...event_base import Event
from ...values import LegalStatus, PlanKind, ReviewKind
from ..escalations.events import EscalationRaised
from . import events as ev


class ActionFact(NamedTuple):
    """A plan action as the drift register needs it (R-LAC-6, R-CP-6): no description."""

    action_id: str
    owner_id: str
    due_on: dt.date


class ReviewFact(NamedTuple):
    """A ``ReviewHeld`` as the plan queries need it: no participation, no action text."""

    review_id: str
    child_ref: str
    kind: ReviewKind
    held_on: dt.date
    chair_id: str | None
    actions: tuple[ActionFact, ...]
    #: False: an initial conference that made no plan (R-CP-9, SPEC 9.2)
    plan_made: bool = True

    @classmethod
    def of(cls, event: ev.ReviewHeld) -> ReviewFact:
        return cls(
            event.review_id,
            event.child_ref,
            event.kind,
            event.held_on,
            event.chair_id,
            tuple(ActionFact(a.action_id, a.owner_id, a.due_on) for a in event.actions),
            event.plan_made,
        )


class AgreedFact(NamedTuple):
    """A ``PlanActionAgreed`` as the drift register needs it (SPEC 9.5): no description."""

    action_id: str
    owner_id: str
    due_on: dt.date
    plan: PlanKind
    agreed_on: dt.date
    review_id: str | None

    @classmethod
    def of(cls, event: ev.PlanActionAgreed) -> AgreedFact:
        a = event.action
        return cls(a.action_id, a.owner_id, a.due_on, event.plan, event.agreed_on, event.review_id)


class NamedTeam(NamedTuple):
    """An escalation about the child that names a team (decision 0201)."""

    raised_on: dt.date
    team_id: str


_EPISODE_EVENTS = (
    ev.ChildBecameLookedAfter,
    ev.LegalStatusChanged,
    ev.PlacedForAdoption,
    ev.ChildCeasedLookedAfter,
)

_ALLOCATION_EVENTS = (ev.ChildAllocated, ev.IROAssigned, ev.CPChairAssigned)


@attrs.define
class ChildRecord:
    """Everything recorded about one child's plans, under its anonymous token."""

    child_ref: str
    #: became looked after on -> the IRO named then
    lac_starts: dict[dt.date, str | None] = attrs.Factory(dict)
    lac_ends: set[dt.date] = attrs.Factory(set)
    #: the legal status given when becoming looked after, by that date (SPEC 9.2)
    start_statuses: dict[dt.date, LegalStatus] = attrs.Factory(dict)
    #: legal status changes, by date (a change on a start date overrides the start's status)
    legal_statuses: dict[dt.date, LegalStatus] = attrs.Factory(dict)
    #: placed for adoption on (R-ADO-1)
    placements: set[dt.date] = attrs.Factory(set)
    #: held on -> section 47 enquiries started
    strategy_discussions: dict[dt.date, bool] = attrs.Factory(dict)
    #: section 47 enquiries concluded with no conference needed (R-CP-8, SPEC 9.2)
    s47_concluded: set[dt.date] = attrs.Factory(set)
    cp_ends: set[dt.date] = attrs.Factory(set)
    reviews: dict[str, ReviewFact] = attrs.Factory(dict)
    midways: dict[PlanKind, set[dt.date]] = attrs.Factory(dict)
    #: action id -> completed on
    completions: dict[str, dt.date] = attrs.Factory(dict)
    #: action id -> an action agreed between reviews
    agreed: dict[str, AgreedFact] = attrs.Factory(dict)
    #: escalation id -> the team it named (escalations naming no team are not kept)
    escalations: dict[str, NamedTeam] = attrs.Factory(dict)
    #: allocated on -> (team, social worker or None) (SPEC 9.2, ``ChildAllocated``)
    allocations: dict[dt.date, tuple[str, str | None]] = attrs.Factory(dict)
    #: assigned on -> the IRO (SPEC 9.2, ``IROAssigned``; R-LAC-9)
    iros: dict[dt.date, str] = attrs.Factory(dict)
    #: assigned on -> the CP Chair (SPEC 9.2, ``CPChairAssigned``)
    chairs: dict[dt.date, str] = attrs.Factory(dict)

    def add(self, event: Event) -> None:
        """Fold one of the child's events (one the projection routes here)."""
        if isinstance(event, _EPISODE_EVENTS):
            self._add_to_episode(event)
        elif isinstance(event, ev.StrategyDiscussionHeld):
            self.strategy_discussions[event.held_on] = event.section_47
        elif isinstance(event, ev.ChildProtectionPlanEnded):
            self.cp_ends.add(event.ended_on)
        elif isinstance(event, ev.Section47Completed):
            if not event.conference_required:
                self.s47_concluded.add(event.completed_on)
        elif isinstance(event, ev.ReviewHeld):
            self.reviews[event.review_id] = ReviewFact.of(event)
        elif isinstance(event, ev.MidwayReviewCompleted):
            self.midways.setdefault(event.plan, set()).add(event.completed_on)
        elif isinstance(event, ev.PlanActionCompleted):
            self.completions[event.action_id] = event.completed_on
        elif isinstance(event, ev.PlanActionAgreed):
            self.agreed[event.action.action_id] = AgreedFact.of(event)
        elif isinstance(event, EscalationRaised) and event.team_id is not None:
            self.escalations[event.escalation_id] = NamedTeam(event.raised_on, event.team_id)
        elif isinstance(event, _ALLOCATION_EVENTS):
            self._add_allocation(event)

    def _add_allocation(self, event: Event) -> None:
        """The child's allocation to a team and worker, its IRO and its CP Chair (SPEC 9.2)."""
        if isinstance(event, ev.ChildAllocated):
            self.allocations[event.allocated_on] = (event.team_id, event.worker_id)
        elif isinstance(event, ev.IROAssigned):
            self.iros[event.assigned_on] = event.iro_id
        elif isinstance(event, ev.CPChairAssigned):
            self.chairs[event.assigned_on] = event.chair_id

    def _add_to_episode(self, event: Event) -> None:
        """A looked-after episode's facts: its start and end, legal status, adoption placement."""
        if isinstance(event, ev.ChildBecameLookedAfter):
            self.lac_starts[event.on] = event.iro_id
            if event.legal_status is not None:
                self.start_statuses[event.on] = event.legal_status
        elif isinstance(event, ev.LegalStatusChanged):
            self.legal_statuses[event.changed_on] = event.legal_status
        elif isinstance(event, ev.PlacedForAdoption):
            self.placements.add(event.placed_on)
        elif isinstance(event, ev.ChildCeasedLookedAfter):
            self.lac_ends.add(event.on)

    def named_teams(self) -> list[tuple[dt.date, str, str]]:
        """(raised on, escalation id, team id) of the child's escalations naming a team, sorted."""
        return sorted((n.raised_on, e, n.team_id) for e, n in self.escalations.items())

    def allocation_on(self, day: dt.date) -> tuple[str, str | None] | None:
        """(team, social worker or None) of the child's latest allocation dated on or before
        ``day`` (SPEC 9.2), or None: the child was not allocated by then."""
        dated = [d for d in self.allocations if d <= day]
        return self.allocations[max(dated)] if dated else None

    def iro_on(self, day: dt.date) -> str | None:
        """The child's IRO on ``day`` (a review's chair when it names none, decision 0201):
        the IRO named when the child last became looked after on or before ``day``, unless an
        IRO was assigned from then to ``day`` (the latest assignment; SPEC 9.2)."""
        started = [d for d in self.lac_starts if d <= day]
        if not started:
            return None
        since = max(started)
        assigned = [d for d in self.iros if since <= d <= day]
        return self.iros[max(assigned)] if assigned else self.lac_starts[since]

    def workers(self) -> set[str]:
        """Every worker the child's facts name (IROs, chairs, action owners)."""
        found = {iro for iro in self.lac_starts.values() if iro is not None}
        found.update(self.iros.values())
        found.update(self.chairs.values())
        for review in self.reviews.values():
            if review.chair_id is not None:
                found.add(review.chair_id)
            found.update(a.owner_id for a in review.actions)
        found.update(a.owner_id for a in self.agreed.values())
        return found


#: The child events the projection folds into a :class:`ChildRecord`.
CHILD_EVENTS = (
    ev.ChildBecameLookedAfter,
    ev.ChildCeasedLookedAfter,
    ev.LegalStatusChanged,
    ev.PlacedForAdoption,
    ev.StrategyDiscussionHeld,
    ev.ChildProtectionPlanEnded,
    ev.Section47Completed,
    ev.ReviewHeld,
    ev.MidwayReviewCompleted,
    ev.PlanActionCompleted,
    ev.PlanActionAgreed,
    ev.ChildAllocated,
    ev.IROAssigned,
    ev.CPChairAssigned,
)


@attrs.define
class WorkerHistory:
    """Which team a worker was in: their registration, then their moves."""

    registered: tuple[dt.date, str] | None = None
    moves: dict[dt.date, str] = attrs.Factory(dict)


class WorkerTeams:
    """Which team each of some workers was in on a date (from their :class:`WorkerHistory`)."""

    def __init__(self, histories: Mapping[str, WorkerHistory]) -> None:
        self.histories = histories

    def team_on(self, worker_id: str | None, day: dt.date) -> str | None:
        """The worker's team on ``day``; before their registration, the team they joined."""
        found = self.histories.get(worker_id) if worker_id is not None else None
        if found is None or found.registered is None:
            return None
        moved = [d for d in found.moves if d <= day]
        if moved:
            return found.moves[max(moved)]
        return found.registered[1]

    def known(self, worker_id: str | None) -> bool:
        found = self.histories.get(worker_id) if worker_id is not None else None
        return found is not None and found.registered is not None


@attrs.define
class PlanFacts:
    """What a query reads of children's plans: the children asked about (by token), the QA
    of their reviews (by review pseudonym) and the workers they name."""

    children: dict[str, ChildRecord]
    quality: dict[str, ev.ReviewQualityAssured]
    workers: WorkerTeams


def by_date(review: ReviewFact) -> tuple[dt.date, int, str]:
    return review.held_on, review.kind is ReviewKind.REVIEW_CP_CONFERENCE, review.review_id
