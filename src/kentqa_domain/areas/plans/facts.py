"""A child's plan facts and the plans they make at a date (R-LAC-1..7, R-CP-1..7).

The ``child_plans`` projection keeps one :class:`ChildRecord` per child (its looked-after
episodes, strategy discussions, CP plan ends, reviews, midway reviews, plan action
completions and the teams its escalations named), keyed by the child's anonymous token as
the events give it. The facts are stored keyed by their identity, so a record is the same
whatever order the events arrive in.

Plans are assembled at query time for an ``as_of`` date from the facts dated on or before it
(:func:`open_plans`): a policy change needs no rebuild and a late event changes every answer
it should. :func:`timeline` walks all of a child's facts: the plans it finds, cut at a date,
are the plans open then (their periods are the rows that select the children a query visits).

:class:`PlanFacts` is what one query (or one fold's rows) reads: the children asked about,
the QA of their reviews and the team histories of the workers they name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import attrs

from ...event_base import Event
from ...values import LegalStatus, PlanKind, ReviewKind
from ..escalations.events import EscalationRaised
from . import events as ev
from .timeline import Dated, Fact, Plan, until, walk_child_protection, walk_looked_after


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


@attrs.frozen
class OpenPlan:
    """A plan open at ``as_of``, built from the facts dated on or before it.

    ``reviews`` are the plan's reviews in date order: looked-after reviews of the episode, or
    the CP plan's initial conference followed by its review conferences.
    """

    child_ref: str
    plan: PlanKind
    opened_on: dt.date
    iro_id: str | None
    #: CP only: the segment's strategy discussions that started section 47 enquiries, by
    #: date (R-CP-1 revised: the initial conference is due from the latest)
    section_47_on: tuple[dt.date, ...]
    reviews: tuple[ReviewFact, ...]
    midways: tuple[dt.date, ...]
    #: actions agreed between reviews while the plan was open (by ``as_of``), by agreed date
    agreed: tuple[AgreedFact, ...] = ()
    #: looked after: a series of short breaks (legal status V3/V4 when it opened; R-LAC-8)
    short_breaks: bool = False
    #: looked after: the latest placement for adoption in the episode (by ``as_of``; R-ADO-1)
    placed_on: dt.date | None = None
    #: looked after: the first day of the episode an IRO was named (on becoming looked after
    #: or by ``IROAssigned``), by ``as_of``; None: none yet (R-LAC-9, SPEC 9.2)
    iro_since: dt.date | None = None
    #: child protection: the CP Chair assigned to the plan on ``as_of`` (``CPChairAssigned``)
    chair_id: str | None = None


def by_date(review: ReviewFact) -> tuple[dt.date, int, str]:
    return review.held_on, review.kind is ReviewKind.REVIEW_CP_CONFERENCE, review.review_id


def open_plans(child: ChildRecord, as_of: dt.date) -> Iterator[OpenPlan]:
    """The child's plans open at ``as_of`` (looked after first), by walking its facts dated
    on or before it (R-LAC-7, R-CP-7: a closed plan has nothing due)."""
    lac = walk_looked_after(_lac_facts(child, as_of)).open_plan
    if lac is not None:
        yield lac_plan(child, lac, as_of)
    cp = walk_child_protection(_cp_facts(child, as_of)).open_plan
    if cp is not None:
        found = cp_plan(child, cp, as_of)
        if is_a_plan(found):
            yield found


def is_a_plan(plan: OpenPlan) -> bool:
    """Whether an open plan counts for the queries (decision 0811): a CP "plan in the making"
    opened only by strategy discussions that started no section 47 enquiry has nothing due
    (R-CP-1 counts from a section 47 discussion) and is not a plan; it becomes one from the
    day of a section 47 discussion or an initial conference."""
    return plan.plan is not PlanKind.CHILD_PROTECTION or bool(plan.reviews or plan.section_47_on)


def no_enquiry(kind: PlanKind, plan: Plan) -> bool:
    """A CP segment that is never a plan for the queries at any date (see :func:`is_a_plan`)."""
    return (
        kind is PlanKind.CHILD_PROTECTION
        and plan.initial is None
        and not plan.reviews
        and not any(s47 for _, s47 in plan.strategy)
    )


def timeline(child: ChildRecord) -> dict[PlanKind, tuple[Plan, ...]]:
    """The child's plans as the walk over all its facts finds them.

    The plans open at a date ``as_of`` are those of this walk that opened on or before it
    and had not ended by then (``ended_on`` after it), each with only its facts dated on or
    before ``as_of`` (what :func:`open_plans` builds): so the walk's periods say which
    children a query at ``as_of`` must visit.
    """
    return {
        PlanKind.LOOKED_AFTER: walk_looked_after(_lac_facts(child, dt.date.max)).plans,
        PlanKind.CHILD_PROTECTION: walk_child_protection(_cp_facts(child, dt.date.max)).plans,
    }


def last_fact(plan: Plan) -> dt.date:
    """The date of the plan's latest fact (its end aside)."""
    days = [plan.opened_on, *(d for d, _ in plan.opens), *(d for d, _ in plan.strategy)]
    days += plan.review_days() + plan.midways + plan.placed
    return max(days)


def built(child: ChildRecord, kind: PlanKind, plan: Plan) -> OpenPlan:
    """The plan with all its facts, as :func:`open_plans` gives it at any date on or after
    its latest fact while it is open."""
    return lac_plan(child, plan) if kind is PlanKind.LOOKED_AFTER else cp_plan(child, plan)


def _lac_facts(child: ChildRecord, as_of: dt.date) -> list[Dated]:
    facts: list[Dated] = [(d, Fact.OPEN, iro) for d, iro in child.lac_starts.items()]
    facts += [(d, Fact.CLOSE, None) for d in child.lac_ends]
    facts += [
        (r.held_on, Fact.REVIEW, r.review_id)
        for r in child.reviews.values()
        if r.kind is ReviewKind.LOOKED_AFTER_REVIEW
    ]
    facts += [(d, Fact.MIDWAY, None) for d in child.midways.get(PlanKind.LOOKED_AFTER, ())]
    facts += [(d, Fact.PLACED, None) for d in child.placements]
    return until(facts, as_of)


def _cp_facts(child: ChildRecord, as_of: dt.date) -> list[Dated]:
    facts: list[Dated] = [(d, Fact.STRATEGY, s47) for d, s47 in child.strategy_discussions.items()]
    facts += [(d, Fact.CLOSE, None) for d in child.cp_ends]
    facts += [(d, Fact.CONCLUDED, None) for d in child.s47_concluded]
    for r in child.reviews.values():
        if r.kind is ReviewKind.INITIAL_CP_CONFERENCE:
            facts.append((r.held_on, Fact.OPEN if r.plan_made else Fact.NO_PLAN, r.review_id))
        elif r.kind is ReviewKind.REVIEW_CP_CONFERENCE:
            facts.append((r.held_on, Fact.REVIEW, r.review_id))
    facts += [(d, Fact.MIDWAY, None) for d in child.midways.get(PlanKind.CHILD_PROTECTION, ())]
    return until(facts, as_of)


def _reviews(child: ChildRecord, found: list[tuple[dt.date, object]]) -> tuple[ReviewFact, ...]:
    return tuple(sorted((child.reviews[str(i)] for _, i in found), key=by_date))


def _agreed(
    child: ChildRecord, kind: PlanKind, since: dt.date, plan: Plan, as_of: dt.date
) -> tuple[AgreedFact, ...]:
    """The child's actions agreed for ``kind`` from ``since`` to the plan's end (or ``as_of``)."""
    if not child.agreed:
        return ()
    until_day = min(plan.ended_on or dt.date.max, as_of)
    found = [a for a in child.agreed.values() if a.plan is kind and since <= a.agreed_on <= until_day]
    return tuple(sorted(found, key=lambda a: (a.agreed_on, a.action_id)))


def _assigned(found: dict[dt.date, str], plan: Plan, as_of: dt.date) -> list[tuple[dt.date, str]]:
    """The assignments dated in the plan (from its first day to its end or ``as_of``), by date."""
    last = min(plan.ended_on or dt.date.max, as_of)
    return sorted((d, who) for d, who in found.items() if plan.opened_on <= d <= last)


def lac_plan(child: ChildRecord, plan: Plan, as_of: dt.date = dt.date.max) -> OpenPlan:
    """The looked-after episode ``plan``; its IRO is the latest named in it by ``as_of``: on
    becoming looked after or by ``IROAssigned`` (which wins on the same day; decision 0985)."""
    named = sorted((d, 0, str(iro)) for d, iro in plan.opens if iro is not None)
    named += [(d, 1, iro) for d, iro in _assigned(child.iros, plan, as_of)]
    named.sort()
    return OpenPlan(
        child.child_ref,
        PlanKind.LOOKED_AFTER,
        plan.opened_on,
        named[-1][2] if named else None,
        (),
        _reviews(child, plan.reviews),
        tuple(plan.midways),
        _agreed(child, PlanKind.LOOKED_AFTER, plan.opened_on, plan, as_of),
        short_breaks=_status_at(child, plan.opened_on) in (LegalStatus.V3, LegalStatus.V4),
        placed_on=max(plan.placed, default=None),
        iro_since=named[0][0] if named else None,
    )


def _status_at(child: ChildRecord, opened_on: dt.date) -> LegalStatus | None:
    """The legal status an episode opened with (R-LAC-8 decides by it: decision 0978)."""
    return child.legal_statuses.get(opened_on) or child.start_statuses.get(opened_on)


def cp_plan(child: ChildRecord, plan: Plan, as_of: dt.date = dt.date.max) -> OpenPlan:
    """The CP plan ``plan``; its chair is the latest assigned in it by ``as_of`` (SPEC 9.2)."""
    found = ([plan.initial] if plan.initial else []) + plan.reviews
    chairs = _assigned(child.chairs, plan, as_of)
    return OpenPlan(
        child.child_ref,
        PlanKind.CHILD_PROTECTION,
        plan.opened_on,
        None,
        tuple(d for d, s47 in plan.strategy if s47),
        _reviews(child, found),
        tuple(plan.midways),
        _agreed(child, PlanKind.CHILD_PROTECTION, plan.initial[0], plan, as_of) if plan.initial else (),
        chair_id=chairs[-1][1] if chairs else None,
    )
