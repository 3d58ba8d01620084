"""Records the histories of many children while another process forgets some of them.

``python -m tests.reliability.child_writer URL CHILDREN``: for each child C0, C1, ... records
its plan, reviews with actions, completions, QA and an escalation in small batches, printing
``done K`` after child K, then late follow-ups of child K-1 (which may be being forgotten). At the end it prints ``recorded``, waits for a line on standard input (the other process is
done), checks that its in-memory state equals a replay of the log (``consistent``), closes.
"""

from __future__ import annotations

import sys

import kentqa_domain as kq
from tests.reliability.state import difference, replayed, store_state


def history(k: int) -> list[dict[str, object]]:
    ref = f"C{k}"
    out: list[dict[str, object]] = [
        {"type": "ChildBecameLookedAfter", "child_ref": ref, "on": "2026-01-05", "iro_id": "IRO1"}
    ]
    for r in range(3):
        day = f"2026-0{2 + r}-02"
        out.append(
            {
                "type": "ReviewHeld",
                "review_id": f"R{k}-{r}",
                "child_ref": ref,
                "kind": "looked_after_review",
                "held_on": day,
                "actions": [
                    {
                        "action_id": f"A{k}-{r}",
                        "description": f"secret plan {k}-{r}",
                        "owner_id": "W1",
                        "due_on": day,
                    }
                ],
            }
        )
        out.append(
            {"type": "PlanActionCompleted", "child_ref": ref, "action_id": f"A{k}-{r}", "completed_on": day}
        )
        out.append(
            {
                "type": "ReviewQualityAssured",
                "review_id": f"R{k}-{r}",
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
            "escalation_id": f"E{k}",
            "raised_by": "IRO1",
            "raised_on": "2026-05-01",
            "stage": "informal",
            "reason": "drift",
            "child_ref": ref,
            "details": f"secret worry {k}",
        }
    )
    return out


def main(url: str, children: int) -> None:
    with kq.connect(url, policy=kq.Policy()) as qa:
        for k in range(children):
            events = history(k)
            for i in range(0, len(events), 3):
                qa.record_many(events[i : i + 3])
            print("done", k, flush=True)
            if k:  # late follow-ups of the previous child, which the other process may be forgetting now
                late = [
                    {
                        "type": "EscalationResponded",
                        "escalation_id": f"E{k - 1}",
                        "responded_on": "2026-05-04",
                        "by": "TM1",
                        "response": f"secret reply {k - 1}",
                    },
                    {
                        "type": "MidwayReviewCompleted",
                        "child_ref": f"C{k - 1}",
                        "plan": "looked_after",
                        "completed_on": "2026-03-20",
                        "by": "IRO1",
                    },
                ]
                qa.record_many(late, on_invalid=lambda _i, _e: None)  # refused once the child is forgotten
        print("recorded", flush=True)
        sys.stdin.readline()  # the other process has finished forgetting
        qa.catch_up()
        mine, replay = store_state(qa), replayed(qa)
        assert mine == replay, f"in memory != replay: {difference(mine, replay)}"
        print("consistent", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
