"""An event about a child the store does not know is refused with an error that says how a
child is introduced (SPEC 9.5; R-LAC-*, R-CP-*: a plan's events follow its start), and
nothing is stored."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.values import ReviewKind
from tests.plan_strategies import organisation_events
from tests.strategies import event_of

FOLLOWERS = (
    ev.ChildCeasedLookedAfter,
    ev.ChildProtectionPlanEnded,
    ev.MidwayReviewCompleted,
    ev.PlanActionCompleted,
)


def _unknown_child_events() -> st.SearchStrategy[ev.Event]:
    reviews = event_of(ev.ReviewHeld).filter(lambda e: e.kind is not ReviewKind.INITIAL_CP_CONFERENCE)
    return st.one_of(reviews, *(event_of(cls) for cls in FOLLOWERS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_unknown_child_events())
def test_an_unknown_child_names_the_events_that_introduce_one(event: ev.Event) -> None:
    event = attrs.evolve(event, child_ref="C-NEVER-SEEN")
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(organisation_events(), allow_future=True)
        before = qa.stats()
        with pytest.raises(kq.UnknownReference) as refused:
            qa.record(event, allow_future=True)
        assert refused.value.field == "child_ref"
        for introducer in ("ChildBecameLookedAfter", "StrategyDiscussionHeld", "initial_cp_conference"):
            assert introducer in str(refused.value)
        assert qa.stats() == before
