"""Timeliness of reviews and conferences: held, and held in time, by kind (R-TML-1, SPEC 9.2).

The headline of every IRO and CP Chair report (and of the DfE's ChAT): of the reviews held
in a period, how many were held on or before the date they were due. A review held late
counts as held, not in time.

A review's due date is the one the drift register showed for it before it was held: the
plan (as the walk over all of the child's facts finds it, :func:`~.plans_at.timeline`) cut
to the reviews held before it, given to the drift register's own :func:`~.drift.schedule`,
whose ``review_overdue`` (or, for a CP plan in the making, ``initial_conference_overdue``)
item is the due date. Nothing of the schedule is computed here: when the schedules change
(legal status, short breaks, adoption), timeliness follows.

Kinds (decision 0965): in a looked-after episode the 1st review is
``first_looked_after_review`` (R-LAC-1), the 2nd ``second_looked_after_review`` (R-LAC-2),
the others ``later_looked_after_review`` (R-LAC-3); in a CP plan the initial conference is
``initial_cp_conference`` (R-CP-1 revised: due from the latest section 47 strategy
discussion of the enquiry, on or before the conference), the next ``first_review_cp_conference``
(R-CP-2), the others ``later_review_cp_conference`` (R-CP-3). A series of short breaks
(R-LAC-8) and a placement for adoption (R-ADO-1, the latest placement on or before the
review) change the due dates, not the kinds. An initial conference with no
section 47 strategy discussion recorded has no due date (decision 0966): it counts as held
and ``without_due_date``, not in time.

A review's team is the drift register's (decision 0201, :class:`~.plan_teams.PlanTeams`); its
chair the review's ``chair_id``, else as the review QA summary finds it (decision 0967).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from enum import StrEnum

import attrs

from ...plain import Row
from ...policy import Policy
from ...values import PlanKind
from .drift import DriftKind, schedule
from .facts import ChildRecord, PlanFacts
from .plans_at import OpenPlan, built, timeline
from .teams import PlanTeams
from .timeline import Plan


class TimelinessKind(StrEnum):
    """The six kinds of review R-TML-1 reports on, in the order reports show them."""

    FIRST_LOOKED_AFTER_REVIEW = "first_looked_after_review"
    SECOND_LOOKED_AFTER_REVIEW = "second_looked_after_review"
    LATER_LOOKED_AFTER_REVIEW = "later_looked_after_review"
    INITIAL_CP_CONFERENCE = "initial_cp_conference"
    FIRST_REVIEW_CP_CONFERENCE = "first_review_cp_conference"
    LATER_REVIEW_CP_CONFERENCE = "later_review_cp_conference"

    @property
    def plan(self) -> PlanKind:
        return PlanKind.LOOKED_AFTER if "looked_after" in self.value else PlanKind.CHILD_PROTECTION

    @classmethod
    def of(cls, plan: PlanKind, index: int) -> TimelinessKind:
        """The kind of the plan's ``index``-th review (0: the first, or the initial conference)."""
        kinds = list(cls)[:3] if plan is PlanKind.LOOKED_AFTER else list(cls)[3:]
        return kinds[min(index, 2)]


#: How reports name each kind.
LABELS: dict[str, str] = {
    TimelinessKind.FIRST_LOOKED_AFTER_REVIEW.value: "First looked-after review",
    TimelinessKind.SECOND_LOOKED_AFTER_REVIEW.value: "Second looked-after review",
    TimelinessKind.LATER_LOOKED_AFTER_REVIEW.value: "Later looked-after reviews",
    TimelinessKind.INITIAL_CP_CONFERENCE.value: "Initial CP conference",
    TimelinessKind.FIRST_REVIEW_CP_CONFERENCE.value: "First CP review conference",
    TimelinessKind.LATER_REVIEW_CP_CONFERENCE.value: "Later CP review conferences",
}

#: The groupings of :class:`TimelinessRow`, in the order rows come.
GROUPINGS = ("overall", "team", "chair")
#: The drift items whose due date is the next review's.
_NEXT_REVIEW = (DriftKind.REVIEW_OVERDUE, DriftKind.INITIAL_CONFERENCE_OVERDUE)


@attrs.frozen
class ReviewTimeliness:
    """One review, its kind, when it was due (None: no due date, decision 0966), its team and chair."""

    review_id: str
    held_on: dt.date
    kind: TimelinessKind
    due_on: dt.date | None
    team_id: str | None
    chair_id: str | None

    @property
    def in_time(self) -> bool:
        """Held on or before its due date (R-TML-1)."""
        return self.due_on is not None and self.held_on <= self.due_on


@attrs.frozen
class TimelinessRow(Row):
    """Reviews of one kind held in the period, for one group (R-TML-1).

    ``by`` is ``overall``, ``team`` or ``chair``; ``key`` the team or chair id (None: the
    reviews with no team or chair known; always None for ``overall``). ``share_in_time`` is
    ``held_in_time / held`` (None when none was held); ``without_due_date`` counts the reviews
    held whose due date cannot be known (decision 0966), which are not in time.
    """

    by: str
    key: str | None
    kind: TimelinessKind
    held: int
    held_in_time: int
    share_in_time: float | None
    without_due_date: int = 0


def _due(
    plan: OpenPlan, walked: Plan, before: int, held_on: dt.date, *, facts: PlanFacts, policy: Policy
) -> dt.date | None:
    """When the plan's review after its first ``before`` reviews was due: the drift register's
    schedule of the plan as it stood then (its reviews before the review; the strategy
    discussions, placements for adoption and midway reviews dated by then)."""
    earlier = attrs.evolve(
        plan,
        reviews=plan.reviews[:before],
        section_47_on=tuple(d for d in plan.section_47_on if d <= held_on),
        midways=tuple(d for d in plan.midways if d < held_on),
        agreed=(),
        placed_on=max((d for d in walked.placed if d <= held_on), default=None),
    )
    for _resolved, item in schedule(earlier, facts, policy):
        if item.kind in _NEXT_REVIEW:
            return item.due_on
    return None


def child_timeliness(
    token: str,
    facts: PlanFacts,
    teams: PlanTeams,
    policy: Policy,
    plans: BuiltPlans | None = None,
) -> Iterator[ReviewTimeliness]:
    """Every review of the child ``facts.children[token]`` with its kind, due date, team and
    chair, plan by plan in date order. ``plans``: the child's :func:`built_plans`, when the
    caller has them already."""
    child = facts.children[token]
    for plan_kind, plan, whole in built_plans(child) if plans is None else plans:
        for index, review in enumerate(whole.reviews):
            yield ReviewTimeliness(
                review_id=review.review_id,
                held_on=review.held_on,
                kind=TimelinessKind.of(plan_kind, index),
                due_on=_due(whole, plan, index, review.held_on, facts=facts, policy=policy),
                team_id=teams.review_team(review),
                chair_id=teams.chair_of(review),
            )


#: A child's plans: (kind, the walk's plan, the plan with all its facts).
BuiltPlans = list[tuple[PlanKind, Plan, OpenPlan]]


def built_plans(child: ChildRecord) -> BuiltPlans:
    """The child's plans as the walk over all its facts finds them (:func:`timeline`), each
    with all its facts (:func:`built`), looked after first, in date order."""
    return [
        (kind, plan, built(child, kind, plan)) for kind, plans in timeline(child).items() for plan in plans
    ]


def reviews_held(
    facts: PlanFacts, teams: PlanTeams, policy: Policy, start: dt.date, end: dt.date
) -> list[ReviewTimeliness]:
    """The reviews of the children of ``facts`` held in ``[start, end]``, by child and date."""
    return [
        found
        for token in sorted(facts.children)
        for found in child_timeliness(token, facts, teams, policy)
        if start <= found.held_on <= end
    ]


def _row(by: str, key: str | None, kind: TimelinessKind, members: list[ReviewTimeliness]) -> TimelinessRow:
    held = len(members)
    in_time = sum(1 for m in members if m.in_time)
    return TimelinessRow(
        by=by,
        key=key,
        kind=kind,
        held=held,
        held_in_time=in_time,
        share_in_time=in_time / held if held else None,
        without_due_date=sum(1 for m in members if m.due_on is None),
    )


def summarise(found: Iterable[ReviewTimeliness]) -> list[TimelinessRow]:
    """Rows overall (every kind, held or not), then by team, then by chair (groups with a
    review held; by key, the None group last; kinds in order)."""
    reviews = list(found)
    rows = []
    for kind in TimelinessKind:
        rows.append(_row("overall", None, kind, [r for r in reviews if r.kind is kind]))
    order = list(TimelinessKind)
    for by in GROUPINGS[1:]:
        groups: dict[tuple[str | None, TimelinessKind], list[ReviewTimeliness]] = defaultdict(list)
        for r in reviews:
            groups[(r.team_id if by == "team" else r.chair_id, r.kind)].append(r)
        keys = sorted(groups, key=lambda k: (k[0] is None, k[0] or "", order.index(k[1])))
        rows += [_row(by, key, kind, groups[(key, kind)]) for key, kind in keys]
    return rows


@attrs.frozen
class QuarterTimeliness(Row):
    """Reviews held in one quarter of the council's year and the share in time (R-TML-1):
    all kinds together, then looked-after reviews and CP conferences apart."""

    quarter_id: str
    starts_on: dt.date
    ends_on: dt.date
    held: int
    held_in_time: int
    share_in_time: float | None
    looked_after_held: int
    looked_after_share: float | None
    child_protection_held: int
    child_protection_share: float | None


def _share(members: list[ReviewTimeliness]) -> float | None:
    return sum(1 for m in members if m.in_time) / len(members) if members else None


def tally_quarter(
    quarter_id: str, starts_on: dt.date, ends_on: dt.date, found: Iterable[ReviewTimeliness]
) -> QuarterTimeliness:
    """The reviews of ``found`` held in ``[starts_on, ends_on]``, counted."""
    members = [r for r in found if starts_on <= r.held_on <= ends_on]
    lac = [r for r in members if r.kind.plan is PlanKind.LOOKED_AFTER]
    cp = [r for r in members if r.kind.plan is PlanKind.CHILD_PROTECTION]
    return QuarterTimeliness(
        quarter_id=quarter_id,
        starts_on=starts_on,
        ends_on=ends_on,
        held=len(members),
        held_in_time=sum(1 for r in members if r.in_time),
        share_in_time=_share(members),
        looked_after_held=len(lac),
        looked_after_share=_share(lac),
        child_protection_held=len(cp),
        child_protection_share=_share(cp),
    )
