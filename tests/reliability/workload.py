"""A deterministic, valid workload of every kind of subject, for the crash tests.

``events(n)``: an organisation, then ``n`` rounds each adding feedback, a supervision, an
observation and, every third round, a child with a review, its actions, their completion,
a QA and an escalation: about six events a round, a third of them a child's (sealed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

START = dt.date(2025, 4, 1)


def events(n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "type": "TeamRegistered",
            "team_id": f"T{t}",
            "name": f"Team {t}",
            "service": "Children's Social Work",
            "area": "East" if t % 2 else "West",
        }
        for t in range(4)
    ]
    out += [
        {
            "type": "WorkerRegistered",
            "worker_id": f"W{w}",
            "team_id": f"T{w % 4}",
            "role": "practitioner",
            "experience": "experienced",
            "registered_on": "2025-01-06",
        }
        for w in range(20)
    ]
    for i in range(n):
        day = (START + dt.timedelta(days=i % 300)).isoformat()
        w = f"W{i % 20}"
        out.append(
            {
                "type": "FeedbackReceived",
                "feedback_id": f"F{i}",
                "received_on": day,
                "source": "parent_carer",
                "channel": "survey",
                "rating": 1 + i % 5,
            }
        )
        out.append(
            {
                "type": "SupervisionHeld",
                "worker_id": w,
                "supervisor_id": "M1",
                "held_on": (START + dt.timedelta(days=i)).isoformat(),
            }
        )
        out.append(
            {
                "type": "ObservationRecorded",
                "observation_id": f"O{i}",
                "worker_id": w,
                "observer_id": "M1",
                "observed_on": day,
                "setting": "practice",
                "judgements": {"planning_and_purpose": "good"},
                "overall": "good",
                "summary": f"observed {i}",
            }
        )
        if i % 3 == 0:
            ref = f"C{i}"
            out.append({"type": "ChildBecameLookedAfter", "child_ref": ref, "on": day, "iro_id": "IRO1"})
            out.append(
                {
                    "type": "ReviewHeld",
                    "review_id": f"R{i}",
                    "child_ref": ref,
                    "kind": "looked_after_review",
                    "held_on": day,
                    "actions": [
                        {"action_id": "A1", "description": f"plan for {ref}", "owner_id": w, "due_on": day}
                    ],
                }
            )
            out.append(
                {"type": "PlanActionCompleted", "child_ref": ref, "action_id": "A1", "completed_on": day}
            )
            out.append(
                {
                    "type": "ReviewQualityAssured",
                    "review_id": f"R{i}",
                    "assured_on": day,
                    "by": "IRO1",
                    "plan_reflects_needs": True,
                    "actions_in_child_timeframe": True,
                    "consistent_with_legal_duties": True,
                }
            )
            out.append(
                {
                    "type": "EscalationRaised",
                    "escalation_id": f"E{i}",
                    "raised_by": "IRO1",
                    "raised_on": day,
                    "stage": "informal",
                    "reason": "drift",
                    "child_ref": ref,
                    "details": f"drift for {ref}",
                }
            )
    return out
