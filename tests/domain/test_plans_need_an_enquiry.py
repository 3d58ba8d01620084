"""Decision 0811: a strategy discussion that started no section 47 enquiry opens no plan for
the queries (R-CP-1 counts from the discussion that started section 47 enquiries); the
"plan in the making" becomes a plan from the first section 47 discussion."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.areas.plans.facts import ChildRecord
from kentqa_domain.areas.plans.plans_at import no_enquiry, open_plans, timeline
from kentqa_domain.values import PlanKind

START = dt.date(2025, 1, 1)

discussions = st.lists(
    st.tuples(st.integers(0, 400), st.booleans()), min_size=1, max_size=6, unique_by=lambda d: d[0]
)


@given(discussions, st.integers(-5, 420), st.permutations(range(6)))
def test_a_cp_plan_is_open_from_the_first_section_47_discussion_only(
    held: list[tuple[int, bool]], offset: int, order: list[int]
) -> None:
    """R-CP-1: with only strategy discussions recorded (in any order), a CP plan is open at a
    date exactly when a section 47 discussion was held on or before it; the plan periods that
    select the children a query visits (``kentqa_plan_periods``) have one then, and none at all
    without a section 47 discussion."""
    events = [
        ev.StrategyDiscussionHeld(child_ref="C-1", held_on=START + dt.timedelta(days=d), section_47=s47)
        for d, s47 in held
    ]
    child = ChildRecord("C-1")
    for i in order:
        if i < len(events):
            child.add(events[i])
    as_of = START + dt.timedelta(days=offset)
    expected = any(s47 and START + dt.timedelta(days=d) <= as_of for d, s47 in held)
    walked = [p for p in open_plans(child, as_of) if p.plan is PlanKind.CHILD_PROTECTION]
    periods = [
        p for p in timeline(child)[PlanKind.CHILD_PROTECTION] if not no_enquiry(PlanKind.CHILD_PROTECTION, p)
    ]
    assert bool(walked) == expected
    assert bool(periods) == any(s47 for _, s47 in held)
    if expected:
        first_s47 = min(START + dt.timedelta(days=d) for d, s47 in held if s47)
        assert walked[0].section_47_on[0] == first_s47
        assert [(p.opened_on, p.ended_on) for p in periods] == [(walked[0].opened_on, None)]
