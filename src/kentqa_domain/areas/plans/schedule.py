"""The statutory schedule of a child's plan: when each review, midway review and QA is due.

Looked after (Care Planning, Placement and Case Review (England) Regulations 2010, reg 33):
R-LAC-1 first review within 20 working days of becoming looked after; R-LAC-2 the second
within 3 months of the first; R-LAC-3 later ones within 6 months of the previous.
Child protection (Working Together to Safeguard Children): R-CP-1 initial conference within
15 working days of the strategy discussion that started section 47 enquiries; R-CP-2 the
first review conference within 3 months of the initial one; R-CP-3 then within 6 months.
R-LAC-4/R-CP-4 the midway review at the midpoint (rounded down) between each review and the
next review's due date; R-LAC-5/R-CP-5 the QA of each review within 5 working days of it.
R-LAC-9 (SPEC 9.2, IRO Handbook): an IRO appointed within 5 working days of becoming looked
after.

"Within N working days of D" is the Nth working day after D; months are calendar months
clamped to month end. Every number comes from the :class:`~kentqa_domain.policy.Policy`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ...calendar import add_months
from ...policy import Policy
from ...values import PlanKind


def iro_appointment_due(became_looked_after_on: dt.date, policy: Policy) -> dt.date:
    """R-LAC-9 (SPEC 9.2, IRO Handbook): the 5th working day after becoming looked after."""
    return policy.calendar.add_working_days(became_looked_after_on, policy.iro_appointment_working_days)


def initial_conference_due(strategy_discussion_on: dt.date, policy: Policy) -> dt.date:
    """R-CP-1: the 15th working day after the strategy discussion."""
    return policy.calendar.add_working_days(strategy_discussion_on, policy.cp_initial_conference_working_days)


def next_review_due(
    plan: PlanKind,
    opened_on: dt.date,
    held: Sequence[dt.date],
    policy: Policy,
    *,
    short_breaks: bool = False,
    placed_on: dt.date | None = None,
) -> dt.date:
    """When the plan's next review is due, given the reviews ``held`` so far (in date order).

    Looked after: none held -> R-LAC-1 (working days after ``opened_on``); one -> R-LAC-2;
    more -> R-LAC-3. A series of short breaks (``short_breaks``, legal status V3/V4, SPEC 9.2
    R-LAC-8): the first review within 3 months of the first break (``opened_on``), then 6
    months after the previous. Placed for adoption (``placed_on``, R-ADO-1): counting only the
    reviews held after the placement, the first within 4 weeks of it, the second 3 months
    after the first, then 6 months after the previous. Child protection: ``held`` starts
    with the initial conference (R-CP-1 is :func:`initial_conference_due`); one -> R-CP-2;
    more -> R-CP-3.
    """
    if plan is PlanKind.LOOKED_AFTER:
        if placed_on is not None:
            since = [d for d in held if d > placed_on]
            if not since:
                return placed_on + dt.timedelta(days=policy.adoption_first_review_days)
            months = (
                policy.adoption_second_review_months
                if len(since) == 1
                else policy.adoption_later_review_months
            )
            return add_months(since[-1], months)
        if short_breaks:
            if not held:
                return add_months(opened_on, policy.short_break_first_review_months)
            return add_months(held[-1], policy.short_break_later_review_months)
        if not held:
            return policy.calendar.add_working_days(opened_on, policy.lac_first_review_working_days)
        months = policy.lac_second_review_months if len(held) == 1 else policy.lac_later_review_months
        return add_months(held[-1], months)
    if not held:
        raise ValueError("a CP plan's reviews start with its initial conference")
    months = policy.cp_first_review_months if len(held) == 1 else policy.cp_later_review_months
    return add_months(held[-1], months)


def midway_due(held_on: dt.date, next_due: dt.date) -> dt.date:
    """R-LAC-4/R-CP-4: the midpoint between a review and the next review's due date, rounded down."""
    return held_on + dt.timedelta(days=(next_due - held_on).days // 2)


def qa_due(plan: PlanKind, held_on: dt.date, policy: Policy) -> dt.date:
    """R-LAC-5 (IRO) / R-CP-5 (CP Chair): the QA is due on the 5th working day after the review."""
    days = policy.iro_qa_working_days if plan is PlanKind.LOOKED_AFTER else policy.cp_chair_qa_working_days
    return policy.calendar.add_working_days(held_on, days)


def schedule(
    plan: PlanKind, opened_on: dt.date, held: Sequence[dt.date], policy: Policy, count: int = 6
) -> list[dt.date]:
    """The next ``count`` review due dates if each review is held exactly on its due date.

    A planning aid (and the basis of the worked examples in docs/children-plans.md).
    """
    days = list(held)
    out = []
    for _ in range(count):
        due = next_review_due(plan, opened_on, days, policy)
        out.append(due)
        days.append(due)
    return out
