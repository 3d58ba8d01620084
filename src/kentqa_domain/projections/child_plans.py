"""Children's plans as facts: looked-after episodes, CP plans, reviews, midway reviews, QA and
plan actions, plus which team each worker was in (R-LAC-1..7, R-CP-1..7).

The projection only stores facts keyed by their identity, so its state is the same whatever
order the events arrive in. Plans, schedules and statuses are assembled at query time for an
``as_of`` date from the facts dated on or before it (:meth:`ChildPlans.open_plans`), so a
policy change needs no rebuild and a late event changes every answer it should.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import cast

import attrs

from .. import events as ev
from ..forgetting import Forgetting
from ..plan_timeline import Dated, Fact, until, walk_child_protection, walk_looked_after
from ..values import PlanKind, ReviewKind
from .base import Projection


@attrs.define
class ChildRecord:
    """Everything recorded about one child's plans (a pseudonymous reference, no name)."""

    child_ref: str
    #: became looked after on -> the IRO named then
    lac_starts: dict[dt.date, str | None] = attrs.Factory(dict)
    lac_ends: set[dt.date] = attrs.Factory(set)
    #: held on -> section 47 enquiries started
    strategy_discussions: dict[dt.date, bool] = attrs.Factory(dict)
    cp_ends: set[dt.date] = attrs.Factory(set)
    reviews: dict[str, ev.ReviewHeld] = attrs.Factory(dict)
    midways: dict[PlanKind, set[dt.date]] = attrs.Factory(dict)
    #: action id -> completed on
    completions: dict[str, dt.date] = attrs.Factory(dict)


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
    #: CP only: the segment's strategy discussions that started section 47 enquiries
    section_47_on: tuple[dt.date, ...]
    reviews: tuple[ev.ReviewHeld, ...]
    midways: tuple[dt.date, ...]


@attrs.define
class WorkerTeams:
    """Which team each worker was in on a date (registration, then moves)."""

    registered: dict[str, tuple[dt.date, str]] = attrs.Factory(dict)
    moves: dict[str, dict[dt.date, str]] = attrs.Factory(dict)

    def team_on(self, worker_id: str | None, day: dt.date) -> str | None:
        """The worker's team on ``day``; before their registration, the team they joined."""
        if worker_id is None or worker_id not in self.registered:
            return None
        moved = [d for d in self.moves.get(worker_id, {}) if d <= day]
        if moved:
            return self.moves[worker_id][max(moved)]
        return self.registered[worker_id][1]

    def known(self, worker_id: str | None) -> bool:
        return worker_id is not None and worker_id in self.registered


def _by_date(review: ev.ReviewHeld) -> tuple[dt.date, int, str]:
    return review.held_on, review.kind is ReviewKind.REVIEW_CP_CONFERENCE, review.review_id


class ChildPlans(Projection):
    """Facts of every child's plans (``qa.drift_register``, ``qa.review_qa_summary``)."""

    name = "child_plans"
    version = 1

    def __init__(self) -> None:
        self.children: dict[str, ChildRecord] = {}
        #: review id -> its QA
        self.quality: dict[str, ev.ReviewQualityAssured] = {}
        self.workers = WorkerTeams()

    def forget_child(self, forgetting: Forgetting) -> None:
        """Erasure: the child's record under its token, its reviews and QA as they read anonymously."""
        child = self.children.pop(forgetting.child_ref, None)
        if child is not None:
            child.child_ref = forgetting.token
            child.reviews = {
                forgetting.alias("review_id", r): cast("ev.ReviewHeld", forgetting.anonymous(review))
                for r, review in child.reviews.items()
            }
            child.completions = {forgetting.alias("action_id", a): d for a, d in child.completions.items()}
            self.children[forgetting.token] = child
        for review_id in [r for r in self.quality if forgetting.owns("review_id", r)]:
            assured = self.quality.pop(review_id)
            self.quality[forgetting.alias("review_id", review_id)] = cast(
                "ev.ReviewQualityAssured", forgetting.anonymous(assured)
            )

    def _child(self, ref: str) -> ChildRecord:
        child = self.children.get(ref)
        if child is None:
            child = self.children[ref] = ChildRecord(ref)
        return child

    def apply(self, event: ev.Event, position: int) -> None:
        if isinstance(event, ev.ChildBecameLookedAfter):
            self._child(event.child_ref).lac_starts[event.on] = event.iro_id
        elif isinstance(event, ev.ChildCeasedLookedAfter):
            self._child(event.child_ref).lac_ends.add(event.on)
        elif isinstance(event, ev.StrategyDiscussionHeld):
            self._child(event.child_ref).strategy_discussions[event.held_on] = event.section_47
        elif isinstance(event, ev.ChildProtectionPlanEnded):
            self._child(event.child_ref).cp_ends.add(event.ended_on)
        elif isinstance(event, ev.ReviewHeld):
            self._child(event.child_ref).reviews[event.review_id] = event
        elif isinstance(event, ev.MidwayReviewCompleted):
            self._child(event.child_ref).midways.setdefault(event.plan, set()).add(event.completed_on)
        elif isinstance(event, ev.PlanActionCompleted):
            self._child(event.child_ref).completions[event.action_id] = event.completed_on
        elif isinstance(event, ev.ReviewQualityAssured):
            self.quality[event.review_id] = event
        elif isinstance(event, ev.WorkerRegistered):
            self.workers.registered[event.worker_id] = (event.registered_on, event.team_id)
        elif isinstance(event, ev.WorkerMoved):
            self.workers.moves.setdefault(event.worker_id, {})[event.moved_on] = event.team_id

    # --- assembling plans at a date -------------------------------------------------------

    def open_plans(self, as_of: dt.date) -> Iterator[OpenPlan]:
        """Every plan open at ``as_of`` (R-LAC-7, R-CP-7: a closed plan has nothing due)."""
        for ref in sorted(self.children):
            child = self.children[ref]
            lac = _open_lac(child, as_of)
            if lac is not None:
                yield lac
            cp = _open_cp(child, as_of)
            if cp is not None:
                yield cp

    def reviews(self) -> Iterator[ev.ReviewHeld]:
        """Every review of every child, by child and date."""
        for ref in sorted(self.children):
            yield from sorted(self.children[ref].reviews.values(), key=_by_date)


def _lac_facts(child: ChildRecord, as_of: dt.date) -> list[Dated]:
    facts: list[Dated] = [(d, Fact.OPEN, iro) for d, iro in child.lac_starts.items()]
    facts += [(d, Fact.CLOSE, None) for d in child.lac_ends]
    facts += [
        (r.held_on, Fact.REVIEW, r.review_id)
        for r in child.reviews.values()
        if r.kind is ReviewKind.LOOKED_AFTER_REVIEW
    ]
    facts += [(d, Fact.MIDWAY, None) for d in child.midways.get(PlanKind.LOOKED_AFTER, ())]
    return until(facts, as_of)


def _cp_facts(child: ChildRecord, as_of: dt.date) -> list[Dated]:
    facts: list[Dated] = [(d, Fact.STRATEGY, s47) for d, s47 in child.strategy_discussions.items()]
    facts += [(d, Fact.CLOSE, None) for d in child.cp_ends]
    for r in child.reviews.values():
        if r.kind is ReviewKind.INITIAL_CP_CONFERENCE:
            facts.append((r.held_on, Fact.OPEN, r.review_id))
        elif r.kind is ReviewKind.REVIEW_CP_CONFERENCE:
            facts.append((r.held_on, Fact.REVIEW, r.review_id))
    facts += [(d, Fact.MIDWAY, None) for d in child.midways.get(PlanKind.CHILD_PROTECTION, ())]
    return until(facts, as_of)


def _reviews(child: ChildRecord, found: list[tuple[dt.date, object]]) -> tuple[ev.ReviewHeld, ...]:
    return tuple(sorted((child.reviews[str(i)] for _, i in found), key=_by_date))


def _open_lac(child: ChildRecord, as_of: dt.date) -> OpenPlan | None:
    plan = walk_looked_after(_lac_facts(child, as_of)).open_plan
    if plan is None:
        return None
    iros = [iro for _, iro in sorted(plan.opens, key=lambda o: o[0]) if iro is not None]
    return OpenPlan(
        child.child_ref,
        PlanKind.LOOKED_AFTER,
        plan.opened_on,
        str(iros[-1]) if iros else None,
        (),
        _reviews(child, plan.reviews),
        tuple(plan.midways),
    )


def _open_cp(child: ChildRecord, as_of: dt.date) -> OpenPlan | None:
    plan = walk_child_protection(_cp_facts(child, as_of)).open_plan
    if plan is None:
        return None
    found = ([plan.initial] if plan.initial else []) + plan.reviews
    return OpenPlan(
        child.child_ref,
        PlanKind.CHILD_PROTECTION,
        plan.opened_on,
        None,
        tuple(d for d, s47 in plan.strategy if s47),
        _reviews(child, found),
        tuple(plan.midways),
    )
