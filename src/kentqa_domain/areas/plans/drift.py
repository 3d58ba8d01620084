"""The drift register: what is overdue in every open plan at a date (R-LAC-1..7, R-CP-1..7).

For each plan open at ``as_of`` (decision 0202), built from the facts dated on or before it:

- ``initial_conference_overdue`` (R-CP-1): no initial conference by the 15th working day
  after the first strategy discussion of the plan that started section 47 enquiries;
- ``review_overdue`` (R-LAC-1..3, R-CP-2..3): the next review is past its due date;
- ``midway_overdue`` (R-LAC-4, R-CP-4): no midway review after the latest review, and its
  midpoint has passed;
- ``qa_overdue`` (R-LAC-5, R-CP-5): a review of the plan without QA past the 5th working day;
- ``action_overdue`` (R-LAC-6, R-CP-6): a plan action not completed by its due date;
- ``iro_not_assigned`` (R-LAC-9, SPEC 9.2): a looked-after episode with no IRO named (on
  becoming looked after or by ``IROAssigned``) by the 5th working day after it started, until
  one is (the episode's end closes it, R-LAC-7).

A row is overdue when ``as_of`` is after ``due_on``; ``working_days_overdue`` counts the
working days after ``due_on`` up to and including ``as_of`` (0 when only a weekend or bank
holiday has passed since a due date set in months). Each row links the child's open
escalation, if any. A closed plan has no rows (R-LAC-7, R-CP-7). Each row carries the
child's allocated team and social worker on ``as_of``, the IRO or CP Chair (SPEC 9.2;
decision 0985).

Rows are computed over :class:`~.facts.PlanFacts` (the children a query visits, by
their anonymous tokens); the query puts the children's references back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum

import attrs

from ...plain import Row
from ...policy import Policy
from ...values import PlanKind, ReviewKind
from .facts import PlanFacts
from .plans_at import OpenPlan, open_plans
from .schedule import initial_conference_due, iro_appointment_due, midway_due, next_review_due, qa_due
from .teams import PlanTeams

_ONE_DAY = dt.timedelta(days=1)


class DriftKind(StrEnum):
    REVIEW_OVERDUE = "review_overdue"
    INITIAL_CONFERENCE_OVERDUE = "initial_conference_overdue"
    MIDWAY_OVERDUE = "midway_overdue"
    QA_OVERDUE = "qa_overdue"
    ACTION_OVERDUE = "action_overdue"
    IRO_NOT_ASSIGNED = "iro_not_assigned"


@attrs.frozen
class DriftRow(Row):
    """One overdue item of a child's open plan (SPEC section 5, SPEC 9.2).

    ``team_id`` is the team the child is allocated to on ``as_of`` (``ChildAllocated``);
    for a child not allocated, the plan's team (decision 0201; for an action, its owner's
    team). ``worker_id`` the worker the row is about: the action's owner, else the child's
    allocated social worker, else the chair. ``chair_id`` the plan's chair: for a CP plan
    the CP Chair assigned on ``as_of`` (``CPChairAssigned``), else the chair of the plan's
    latest review; for a looked-after episode the chair of its latest review, else the IRO.
    ``iro_id`` (looked after) the child's IRO on ``as_of``: the latest named on becoming
    looked after or assigned (``IROAssigned``) in the episode. ``review_id`` the review the
    row follows (the one whose QA, midway review or action is overdue, or the latest before
    an overdue review); ``action_id`` for overdue actions.
    """

    child_ref: str
    plan: PlanKind
    kind: DriftKind
    due_on: dt.date
    working_days_overdue: int
    escalation_id: str | None
    team_id: str | None
    worker_id: str | None
    review_id: str | None
    action_id: str | None
    chair_id: str | None
    iro_id: str | None = None


@attrs.frozen
class DriftItem:
    kind: DriftKind
    due_on: dt.date
    review_id: str | None = None
    action_id: str | None = None
    owner_id: str | None = None


def _overdue(plan: OpenPlan, plans: PlanFacts, policy: Policy, as_of: dt.date) -> Iterator[DriftItem]:
    """What is overdue in one open plan at ``as_of``."""
    no_iro = _no_iro(plan, policy)
    if no_iro is not None and plan.iro_since is None and as_of > no_iro.due_on:
        yield no_iro
    if plan.plan is PlanKind.CHILD_PROTECTION and not any(
        r.kind is ReviewKind.INITIAL_CP_CONFERENCE for r in plan.reviews
    ):
        if plan.section_47_on:
            due = initial_conference_due(plan.section_47_on[-1], policy)
            if as_of > due:
                yield DriftItem(DriftKind.INITIAL_CONFERENCE_OVERDUE, due)
        return
    held = [r.held_on for r in plan.reviews]
    due = next_review_due(
        plan.plan, plan.opened_on, held, policy, short_breaks=plan.short_breaks, placed_on=plan.placed_on
    )
    latest = plan.reviews[-1] if plan.reviews else None
    if as_of > due:
        yield DriftItem(DriftKind.REVIEW_OVERDUE, due, latest.review_id if latest else None)
    if latest is not None:
        midway = midway_due(latest.held_on, due)
        if as_of > midway and not any(d > latest.held_on for d in plan.midways):
            yield DriftItem(DriftKind.MIDWAY_OVERDUE, midway, latest.review_id)
    for review in plan.reviews:
        qa = plans.quality.get(review.review_id)
        if qa is None or qa.assured_on > as_of:  # the due date only matters while QA is missing
            qa_on = qa_due(plan.plan, review.held_on, policy)
            if as_of > qa_on:
                yield DriftItem(DriftKind.QA_OVERDUE, qa_on, review.review_id)
    completions = plans.children[plan.child_ref].completions
    for item in _action_items(plan):
        done = completions.get(str(item.action_id))
        if as_of > item.due_on and (done is None or done > as_of):
            yield item


def _no_iro(plan: OpenPlan, policy: Policy) -> DriftItem | None:
    """R-LAC-9 (SPEC 9.2): a looked-after episode's IRO is due on the 5th working day after it
    started; the item is overdue while none is named (``plan.iro_since``). None for CP."""
    if plan.plan is not PlanKind.LOOKED_AFTER:
        return None
    return DriftItem(DriftKind.IRO_NOT_ASSIGNED, iro_appointment_due(plan.opened_on, policy))


def _action_items(plan: OpenPlan) -> Iterator[DriftItem]:
    """R-LAC-6/R-CP-6: every action of the plan, as the drift item it is once overdue: those
    set at its reviews, then those agreed between reviews (``PlanActionAgreed``, SPEC 9.5)."""
    for review in plan.reviews:
        for action in review.actions:
            yield DriftItem(
                DriftKind.ACTION_OVERDUE, action.due_on, review.review_id, action.action_id, action.owner_id
            )
    for agreed in plan.agreed:
        yield DriftItem(
            DriftKind.ACTION_OVERDUE, agreed.due_on, agreed.review_id, agreed.action_id, agreed.owner_id
        )


#: Never resolved (a review or midway review due: holding it changes the plan's facts).
_NEVER = None


def schedule(plan: OpenPlan, plans: PlanFacts, policy: Policy) -> list[tuple[dt.date | None, DriftItem]]:
    """Everything that may be overdue in a plan whose facts are all in, each with the date it
    stops being overdue (its QA or completion; None: never, for the rest).

    At a date ``as_of`` on or after the plan's latest fact, what is overdue is exactly the
    items due before ``as_of`` and not resolved by it: :func:`_overdue` with the QA and
    completion tests (``done is None or done > as_of``) read as ``resolved > as_of``
    (the rows of ``kentqa_drift_items``).
    """
    found: list[tuple[dt.date | None, DriftItem]] = []
    no_iro = _no_iro(plan, policy)
    if no_iro is not None and (plan.iro_since is None or plan.iro_since > no_iro.due_on):
        found.append((plan.iro_since, no_iro))  # an IRO named by the due date: never overdue
    if plan.plan is PlanKind.CHILD_PROTECTION and not any(
        r.kind is ReviewKind.INITIAL_CP_CONFERENCE for r in plan.reviews
    ):
        if plan.section_47_on:
            found.append(
                (
                    _NEVER,
                    DriftItem(
                        DriftKind.INITIAL_CONFERENCE_OVERDUE,
                        initial_conference_due(plan.section_47_on[-1], policy),
                    ),
                )
            )
    else:
        due = next_review_due(
            plan.plan,
            plan.opened_on,
            [r.held_on for r in plan.reviews],
            policy,
            short_breaks=plan.short_breaks,
            placed_on=plan.placed_on,
        )
        latest = plan.reviews[-1] if plan.reviews else None
        found.append((_NEVER, DriftItem(DriftKind.REVIEW_OVERDUE, due, latest.review_id if latest else None)))
        if latest is not None and not any(d > latest.held_on for d in plan.midways):
            found.append(
                (
                    _NEVER,
                    DriftItem(DriftKind.MIDWAY_OVERDUE, midway_due(latest.held_on, due), latest.review_id),
                )
            )
        completions = plans.children[plan.child_ref].completions
        for review in plan.reviews:
            qa = plans.quality.get(review.review_id)
            qa_on = qa_due(plan.plan, review.held_on, policy)
            found.append(
                (qa.assured_on if qa else _NEVER, DriftItem(DriftKind.QA_OVERDUE, qa_on, review.review_id))
            )
        found += [(completions.get(str(item.action_id), _NEVER), item) for item in _action_items(plan)]
    return found


def working_days_overdue(dues: set[dt.date], as_of: dt.date, policy: Policy) -> dict[dt.date, int]:
    """Working days after each due date up to and including ``as_of``, in one backward walk
    over the calendar (a register spans years of due dates; counting each separately does not
    scale)."""
    out: dict[dt.date, int] = {}
    count, day = 0, as_of
    for due in sorted(dues, reverse=True):
        while day > due:
            count += policy.calendar.is_working_day(day)
            day -= _ONE_DAY
        out[due] = count
    return out


def drift_rows(
    plans: PlanFacts, open_escalations: dict[str, str], policy: Policy, as_of: dt.date
) -> list[DriftRow]:
    """The drift register at ``as_of`` over the children of ``plans`` (by token), oldest due
    date first; ``open_escalations``: each child's open escalation at ``as_of`` (by token)."""
    teams = PlanTeams(plans, as_of)
    found = [
        (plan, item)
        for token in sorted(plans.children)
        for plan in open_plans(plans.children[token], as_of)
        for item in _overdue(plan, plans, policy, as_of)
    ]
    overdue = working_days_overdue({item.due_on for _, item in found}, as_of, policy)
    rows = []
    for plan, item in found:
        who = row_parties(plan, item, teams, plans, as_of)
        rows.append(
            DriftRow(
                child_ref=plan.child_ref,
                plan=plan.plan,
                kind=item.kind,
                due_on=item.due_on,
                working_days_overdue=overdue[item.due_on],
                escalation_id=open_escalations.get(plan.child_ref),
                team_id=who.team_id,
                worker_id=who.worker_id,
                review_id=item.review_id,
                action_id=item.action_id,
                chair_id=who.chair_id,
                iro_id=who.iro_id,
            )
        )
    rows.sort(key=row_order)
    return rows


@attrs.frozen
class Parties:
    """Whom a drift row concerns (decisions 0201, 0985)."""

    team_id: str | None
    worker_id: str | None
    chair_id: str | None
    iro_id: str | None


def row_parties(
    plan: OpenPlan, item: DriftItem, teams: PlanTeams, plans: PlanFacts, as_of: dt.date
) -> Parties:
    """The team, worker, chair and IRO of one row of ``plan`` at ``as_of``: the team and
    social worker the child is allocated to on ``as_of`` (SPEC 9.2), else the owner's team for
    an action and the plan's team (decision 0201) for the rest; the worker is the action's
    owner, else the allocated social worker, else the chair."""
    chair = teams.plan_chair(plan)
    allocated = teams.allocation(plan.child_ref, as_of)
    if allocated is not None:
        team: str | None = allocated[0]
    elif item.owner_id is not None and plans.workers.known(item.owner_id):
        team = plans.workers.team_on(item.owner_id, as_of)
    else:
        team = teams.plan_team(plan)
    worker: str | None
    if item.owner_id is not None:
        worker = item.owner_id
    elif allocated is not None and allocated[1] is not None:
        worker = allocated[1]
    else:
        worker = chair
    iro = plan.iro_id if plan.plan is PlanKind.LOOKED_AFTER else None
    return Parties(team, worker, chair, iro)


def row_order(r: DriftRow) -> tuple[dt.date, str, PlanKind, DriftKind, str, str]:
    """The register's order (applied again once the children's references are back)."""
    return (r.due_on, r.child_ref, r.plan, r.kind, r.review_id or "", r.action_id or "")
