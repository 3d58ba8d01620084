"""The plans a child's facts make at a date (R-LAC-1, R-LAC-7..9, R-ADO-1, R-CP-1, R-CP-7, R-CP-9).

Plans are assembled at query time for an ``as_of`` date from the facts dated on or before it
(:func:`open_plans`): a policy change needs no rebuild and a late event changes every answer
it should. :func:`timeline` walks all of a child's facts: the plans it finds, cut at a date,
are the plans open then (their periods are the rows that select the children a query visits).

The facts are a :class:`~kentqa_domain.areas.plans.facts.ChildRecord`; the walk over them is
:mod:`kentqa_domain.areas.plans.timeline`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from ...values import LegalStatus, PlanKind, ReviewKind
from .facts import AgreedFact, ChildRecord, ReviewFact, by_date
from .timeline import Dated, Fact, Plan, until, walk_child_protection, walk_looked_after


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
