"""Hypothesis strategies: valid histories of several children (plans, reviews, actions, QA, escalations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    str.strip
)


@st.composite
def child_history(draw: st.DrawFn, index: int) -> list[dict[str, Any]]:
    """One child's events in a valid order; free text and ids marked with the child's index."""
    ref = f"C{index}-{draw(st.integers(0, 999))}"
    start = dt.date(2025, 1, 6) + dt.timedelta(days=draw(st.integers(0, 200)))
    day = start.isoformat
    plan = draw(st.sampled_from(["looked_after", "child_protection"]))
    events: list[dict[str, Any]] = []
    if plan == "looked_after":
        events.append({"type": "ChildBecameLookedAfter", "child_ref": ref, "on": day(), "iro_id": "IRO1"})
        kind = "looked_after_review"
    else:
        events.append({"type": "StrategyDiscussionHeld", "child_ref": ref, "held_on": day()})
        kind = "initial_cp_conference"
    for r in range(draw(st.integers(0, 3))):
        held = (start + dt.timedelta(days=20 + 30 * r)).isoformat()
        actions = [
            {
                "action_id": f"A{index}-{r}-{a}",
                "description": f"do {draw(TEXT)}",
                "owner_id": "W1",
                "due_on": held,
            }
            for a in range(draw(st.integers(0, 2)))
        ]
        review_id = f"R{index}-{r}"
        events.append(
            {
                "type": "ReviewHeld",
                "review_id": review_id,
                "child_ref": ref,
                "kind": kind,
                "held_on": held,
                "actions": actions,
            }
        )
        for action in actions:
            if draw(st.booleans()):
                events.append(
                    {
                        "type": "PlanActionCompleted",
                        "child_ref": ref,
                        "action_id": action["action_id"],
                        "completed_on": held,
                    }
                )
        if draw(st.booleans()):
            events.append(
                {
                    "type": "ReviewQualityAssured",
                    "review_id": review_id,
                    "assured_on": held,
                    "by": "IRO1",
                    "plan_reflects_needs": True,
                    "actions_in_child_timeframe": draw(st.booleans()),
                    "consistent_with_legal_duties": True,
                }
            )
        if plan == "child_protection":
            kind = "review_cp_conference"
    if draw(st.booleans()):
        events.append(
            {
                "type": "MidwayReviewCompleted",
                "child_ref": ref,
                "plan": plan,
                "completed_on": day(),
                "by": "IRO1",
            }
        )
    if draw(st.booleans()):
        eid = f"E{index}"
        events.append(
            {
                "type": "EscalationRaised",
                "escalation_id": eid,
                "raised_by": "IRO1",
                "raised_on": day(),
                "stage": "informal",
                "reason": "drift",
                "child_ref": ref,
                "details": f"worry {draw(TEXT)}",
            }
        )
        events.append(
            {
                "type": "EscalationResponded",
                "escalation_id": eid,
                "responded_on": day(),
                "by": "TM1",
                "response": f"reply {draw(TEXT)}",
            }
        )
        if draw(st.booleans()):
            events.append(
                {
                    "type": "EscalationResolved",
                    "escalation_id": eid,
                    "resolved_on": day(),
                    "outcome": f"fixed {draw(TEXT)}",
                }
            )
    if draw(st.booleans()):
        end = "ChildCeasedLookedAfter" if plan == "looked_after" else "ChildProtectionPlanEnded"
        events.append(
            {"type": end, "child_ref": ref, ("on" if plan == "looked_after" else "ended_on"): day()}
        )
    return events


@st.composite
def children(draw: st.DrawFn, min_size: int = 2, max_size: int = 4) -> list[list[dict[str, Any]]]:
    n = draw(st.integers(min_size, max_size))
    return [draw(child_history(i)) for i in range(n)]


ORGANISATION: list[dict[str, Any]] = [
    {
        "type": "TeamRegistered",
        "team_id": "T1",
        "name": "East 1",
        "service": "Children's Social Work",
        "area": "East",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "W1",
        "team_id": "T1",
        "role": "practitioner",
        "experience": "experienced",
        "registered_on": "2025-01-01",
    },
]
