"""Children's plans as facts: looked-after episodes, CP plans, reviews, midway reviews, QA and
plan actions, plus which team each worker was in (R-LAC-1..7, R-CP-1..7).

The projection only stores facts keyed by their identity, so its state is the same whatever
order the events arrive in. Plans, schedules and statuses are assembled at query time for an
``as_of`` date from the facts dated on or before it (:meth:`ChildPlans.open_plans`), so a
policy change needs no rebuild and a late event changes every answer it should.

Reviews are kept as compact facts (:class:`ReviewFact`: the fields the plan queries read,
actions without their text), not whole ``ReviewHeld`` events (decision 0810). Each child's
plans "after all its facts" are memoised (:class:`PlanMemo`): valid for any ``as_of`` on or
after the child's latest fact, dropped when a fact of the child is folded or the child is
forgotten, never pickled. The memo is a cache of a pure function of the facts, so it changes
no answer; an ``as_of`` before a child's latest fact takes the general walk.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from typing import Any, NamedTuple

import attrs

from .. import events as ev
from ..forgetting import Forgetting
from ..plan_timeline import Dated, Fact, Plan, until, walk_child_protection, walk_looked_after
from ..values import PlanKind, ReviewKind
from .base import Projection


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

    @classmethod
    def of(cls, event: ev.ReviewHeld) -> ReviewFact:
        return cls(
            event.review_id,
            event.child_ref,
            event.kind,
            event.held_on,
            event.chair_id,
            tuple(ActionFact(a.action_id, a.owner_id, a.due_on) for a in event.actions),
        )

    def forgotten(self, forgetting: Forgetting) -> ReviewFact:
        """The fact as the child's anonymous ``ReviewHeld`` gives it (token, pseudonymised ids)."""
        return ReviewFact(
            forgetting.alias("review_id", self.review_id),
            forgetting.ref(self.child_ref) or self.child_ref,
            self.kind,
            self.held_on,
            self.chair_id,
            tuple(a._replace(action_id=forgetting.alias("action_id", a.action_id)) for a in self.actions),
        )


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
    reviews: dict[str, ReviewFact] = attrs.Factory(dict)
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
    reviews: tuple[ReviewFact, ...]
    midways: tuple[dt.date, ...]


@attrs.define
class Built:
    """A plan's :class:`OpenPlan` for any date on or after ``last`` (its latest fact), and
    what queries derived from it (``derived``, e.g. its drift schedule under a policy)."""

    last: dt.date
    plan: OpenPlan
    derived: dict[str, object] = attrs.Factory(dict)


@attrs.define
class Timeline:
    """A child's plans as the walk over all its facts finds them (looked after, then CP).

    The walk takes the facts day by day, so the plans open at ``as_of`` are those of the
    whole walk cut at ``as_of``: the last plan opened on or before it, unless it ended on or
    before it, with only its facts dated on or before it (:func:`_cut`). ``built`` keeps the
    :class:`Built` plan once asked at a date after all of its facts.
    """

    plans: dict[PlanKind, tuple[Plan, ...]]
    starts: dict[PlanKind, list[dt.date]]
    built: dict[tuple[PlanKind, int], Built] = attrs.Factory(dict)


class PlanMemo:
    """Per child, its :class:`Timeline`; every plan of every child by its end date.

    ``index`` lists each plan as ``(ended_on or date.max, child_ref, kind, i)`` sorted, and
    ``ends`` its first items, so the plans that may be open at ``as_of`` (those ending after
    it) are one binary search away. A child whose facts changed since the index was built is
    ``dirty``: its entries in the index are ignored and its timeline is cut directly; when
    many are, the index is rebuilt. ``review_child`` names the child of each review of a
    built plan, so that its QA arriving drops what was derived from it.

    A cache of a pure function of the facts: it is emptied rather than pickled (a checkpoint
    does not grow; a loaded one rebuilds it on the first query) and any two memos compare
    equal, so state comparisons see the facts only.
    """

    __slots__ = ("dirty", "ends", "index", "review_child", "timelines")

    def __init__(self) -> None:
        self.timelines: dict[str, Timeline] = {}
        self.review_child: dict[str, str] = {}
        self.index: list[tuple[dt.date, str, PlanKind, int]] | None = None
        self.ends: list[dt.date] = []
        self.dirty: set[str] = set()

    def drop(self, child_ref: str) -> None:
        """A fact of the child was folded (or it was forgotten): its timeline must be walked again."""
        self.timelines.pop(child_ref, None)
        if self.index is not None:
            self.dirty.add(child_ref)

    def timeline(self, child: ChildRecord) -> Timeline:
        found = self.timelines.get(child.child_ref)
        if found is None:
            found = self.timelines[child.child_ref] = _timeline(child)
        return found

    def reindex(self, children: dict[str, ChildRecord]) -> list[tuple[dt.date, str, PlanKind, int]]:
        index = [
            (plan.ended_on or dt.date.max, ref, kind, i)
            for ref, child in children.items()
            for kind, plans in self.timeline(child).plans.items()
            for i, plan in enumerate(plans)
            if not _no_enquiry(kind, plan)
        ]
        index.sort()
        self.index, self.ends, self.dirty = index, [e[0] for e in index], set()
        return index

    def __reduce__(self) -> tuple[Any, ...]:
        return (PlanMemo, ())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlanMemo)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "PlanMemo()"


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


def _by_date(review: ReviewFact) -> tuple[dt.date, int, str]:
    return review.held_on, review.kind is ReviewKind.REVIEW_CP_CONFERENCE, review.review_id


class ChildPlans(Projection):
    """Facts of every child's plans (``qa.drift_register``, ``qa.review_qa_summary``)."""

    name = "child_plans"
    version = 2

    def __init__(self) -> None:
        self.children: dict[str, ChildRecord] = {}
        #: review id -> its QA
        self.quality: dict[str, ev.ReviewQualityAssured] = {}
        self.workers = WorkerTeams()
        self.memo = PlanMemo()

    def forget_child(self, forgetting: Forgetting) -> None:
        """Erasure: the child's record under its token, its reviews and QA as they read anonymously."""
        child = self.children.pop(forgetting.child_ref, None)
        self.memo.drop(forgetting.child_ref)
        if child is not None:
            self.memo.drop(forgetting.token)
            child.child_ref = forgetting.token
            child.reviews = {
                forgetting.alias("review_id", r): review.forgotten(forgetting)
                for r, review in child.reviews.items()
            }
            child.completions = {forgetting.alias("action_id", a): d for a, d in child.completions.items()}
            self.children[forgetting.token] = child
        for review_id in [r for r in self.quality if forgetting.owns("review_id", r)]:
            assured = self.quality.pop(review_id)
            self.quality[forgetting.alias("review_id", review_id)] = forgetting.anonymous(assured)  # type: ignore[assignment]

    def _child(self, ref: str) -> ChildRecord:
        """The child's record, its memoised plans dropped: a fact of it is being folded."""
        child = self.children.get(ref)
        if child is None:
            child = self.children[ref] = ChildRecord(ref)
        self.memo.drop(ref)
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
            self._child(event.child_ref).reviews[event.review_id] = ReviewFact.of(event)
        elif isinstance(event, ev.MidwayReviewCompleted):
            self._child(event.child_ref).midways.setdefault(event.plan, set()).add(event.completed_on)
        elif isinstance(event, ev.PlanActionCompleted):
            self._child(event.child_ref).completions[event.action_id] = event.completed_on
        elif isinstance(event, ev.ReviewQualityAssured):
            self.quality[event.review_id] = event
            child_ref = self.memo.review_child.pop(event.review_id, None)
            if child_ref is not None:
                self.memo.drop(child_ref)
        elif isinstance(event, ev.WorkerRegistered):
            self.workers.registered[event.worker_id] = (event.registered_on, event.team_id)
        elif isinstance(event, ev.WorkerMoved):
            self.workers.moves.setdefault(event.worker_id, {})[event.moved_on] = event.team_id

    # --- assembling plans at a date -------------------------------------------------------

    def open_plans(self, as_of: dt.date) -> Iterator[OpenPlan]:
        """Every plan open at ``as_of`` (R-LAC-7, R-CP-7: a closed plan has nothing due)."""
        for plan, _ in self.open_plans_built(as_of):
            yield plan

    def open_plans_built(self, as_of: dt.date) -> Iterator[tuple[OpenPlan, Built | None]]:
        """Every plan open at ``as_of``, with its :class:`Built` memo when ``as_of`` is on or
        after all of the plan's facts (else None: the plan was cut at ``as_of``).

        Each child's plans come from its memoised :class:`Timeline` cut at ``as_of``
        (decision 0810); only the plans ending after ``as_of`` are visited (the memo's
        index), and a plan whose facts are all dated on or before ``as_of`` is built once.
        The answer is :meth:`open_plans_walked`'s, in the same order (by child, looked after
        first).
        """
        memo, children = self.memo, self.children
        index = memo.index
        if index is None or len(memo.dirty) > 64 + len(index) // 16:
            index = memo.reindex(children)
        dirty, timelines = memo.dirty, memo.timelines
        found: list[tuple[str, int, tuple[OpenPlan, Built | None]]] = []
        for n in range(bisect.bisect_right(memo.ends, as_of), len(index)):
            _, ref, kind, i = index[n]
            if ref in dirty:
                continue
            timeline = timelines[ref]
            plan = timeline.plans[kind][i]
            if plan.opened_on <= as_of:
                entry = self._open_at(children[ref], timeline, (kind, i), plan, as_of)
                if _is_a_plan(entry[0]):
                    found.append((ref, _RANK[kind], entry))
        for ref in dirty:
            child = children.get(ref)
            if child is None:
                continue
            timeline = memo.timeline(child)
            for kind, starts in timeline.starts.items():
                i = bisect.bisect_right(starts, as_of) - 1
                if i < 0:
                    continue
                plan = timeline.plans[kind][i]
                if plan.ended_on is None or plan.ended_on > as_of:
                    entry = self._open_at(child, timeline, (kind, i), plan, as_of)
                    if _is_a_plan(entry[0]):
                        found.append((ref, _RANK[kind], entry))
        found.sort(key=lambda f: (f[0], f[1]))
        for _, _, entry in found:
            yield entry

    def _open_at(
        self, child: ChildRecord, timeline: Timeline, key: tuple[PlanKind, int], plan: Plan, as_of: dt.date
    ) -> tuple[OpenPlan, Built | None]:
        """``plan`` (open at ``as_of``) as an :class:`OpenPlan`, built once for dates after all its facts."""
        built = timeline.built.get(key)
        if built is not None and as_of >= built.last:
            return built.plan, built
        last = _last_fact(plan)
        make = _lac_plan if key[0] is PlanKind.LOOKED_AFTER else _cp_plan
        if as_of < last:
            return make(child, _cut(plan, as_of)), None
        built = timeline.built[key] = Built(last, make(child, plan))
        for review in built.plan.reviews:
            self.memo.review_child[review.review_id] = child.child_ref
        return built.plan, built

    def open_plans_walked(self, as_of: dt.date) -> Iterator[OpenPlan]:
        """:meth:`open_plans` by walking every child's facts up to ``as_of`` (no memo)."""
        for ref in sorted(self.children):
            yield from _walked(self.children[ref], as_of)

    def reviews(self) -> Iterator[ReviewFact]:
        """Every review of every child, by child and date."""
        for ref in sorted(self.children):
            yield from sorted(self.children[ref].reviews.values(), key=_by_date)


def _walked(child: ChildRecord, as_of: dt.date) -> Iterator[OpenPlan]:
    lac = _open_lac(child, as_of)
    if lac is not None:
        yield lac
    cp = _open_cp(child, as_of)
    if cp is not None and _is_a_plan(cp):
        yield cp


def _is_a_plan(plan: OpenPlan) -> bool:
    """Whether an open plan counts for the queries (decision 0811): a CP "plan in the making"
    opened only by strategy discussions that started no section 47 enquiry has nothing due
    (R-CP-1 counts from a section 47 discussion) and is not a plan; it becomes one from the
    day of a section 47 discussion or an initial conference."""
    return plan.plan is not PlanKind.CHILD_PROTECTION or bool(plan.reviews or plan.section_47_on)


def _no_enquiry(kind: PlanKind, plan: Plan) -> bool:
    """A CP segment that is never a plan for the queries at any date (see :func:`_is_a_plan`)."""
    return (
        kind is PlanKind.CHILD_PROTECTION
        and plan.initial is None
        and not plan.reviews
        and not any(s47 for _, s47 in plan.strategy)
    )


def _latest(child: ChildRecord) -> dt.date:
    """The date of the child's latest plan fact (completions do not move plans)."""
    days: list[dt.date] = [*child.lac_starts, *child.lac_ends, *child.strategy_discussions, *child.cp_ends]
    days += [r.held_on for r in child.reviews.values()]
    for midways in child.midways.values():
        days += midways
    return max(days, default=dt.date.min)


#: Looked after first, as the walk gives them.
_RANK = {PlanKind.LOOKED_AFTER: 0, PlanKind.CHILD_PROTECTION: 1}


def _timeline(child: ChildRecord) -> Timeline:
    latest = _latest(child)
    plans = {
        PlanKind.LOOKED_AFTER: walk_looked_after(_lac_facts(child, latest)).plans,
        PlanKind.CHILD_PROTECTION: walk_child_protection(_cp_facts(child, latest)).plans,
    }
    return Timeline(plans, {kind: [p.opened_on for p in found] for kind, found in plans.items()})


def _last_fact(plan: Plan) -> dt.date:
    """The date of the plan's latest fact (its end aside)."""
    days = [plan.opened_on, *(d for d, _ in plan.opens), *(d for d, _ in plan.strategy)]
    days += plan.review_days() + plan.midways
    return max(days)


def _cut(plan: Plan, as_of: dt.date) -> Plan:
    """The plan as the walk up to ``as_of`` leaves it (it is open then)."""
    return Plan(
        plan.opened_on,
        None,
        [o for o in plan.opens if o[0] <= as_of],
        [s for s in plan.strategy if s[0] <= as_of],
        plan.initial if plan.initial is not None and plan.initial[0] <= as_of else None,
        [r for r in plan.reviews if r[0] <= as_of],
        [d for d in plan.midways if d <= as_of],
    )


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


def _reviews(child: ChildRecord, found: list[tuple[dt.date, object]]) -> tuple[ReviewFact, ...]:
    return tuple(sorted((child.reviews[str(i)] for _, i in found), key=_by_date))


def _open_lac(child: ChildRecord, as_of: dt.date) -> OpenPlan | None:
    plan = walk_looked_after(_lac_facts(child, as_of)).open_plan
    return None if plan is None else _lac_plan(child, plan)


def _lac_plan(child: ChildRecord, plan: Plan) -> OpenPlan:
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
    return None if plan is None else _cp_plan(child, plan)


def _cp_plan(child: ChildRecord, plan: Plan) -> OpenPlan:
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
