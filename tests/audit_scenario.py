"""Audit-cycle scenarios shared by the tests: a small worked example whose figures are worked
out by hand (docs/audit-cycle.md uses the same one), and a busy, realistic council."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

Event = dict[str, Any]


def worked_example() -> list[Event]:
    """Cycle 2026-T2 (1 Aug - 30 Nov 2026) in two teams; see the figures in the tests."""

    def audit(audit_id: str, kind: str, auditor: str, team: str, on: str, **more: Any) -> Event:
        return {
            "type": "AuditCompleted",
            "audit_id": audit_id,
            "kind": kind,
            "auditor_id": auditor,
            "team_id": team,
            "completed_on": on,
            **more,
        }

    return [
        {
            "type": "TeamRegistered",
            "team_id": "T-EAST",
            "name": "East CSW",
            "service": "Children's Social Work",
            "area": "East",
        },
        {
            "type": "TeamRegistered",
            "team_id": "T-WEST",
            "name": "West CSW",
            "service": "Children's Social Work",
            "area": "West",
        },
        {
            "type": "WorkerRegistered",
            "worker_id": "QA1",
            "team_id": "T-EAST",
            "role": "qa_unit",
            "experience": "experienced",
            "registered_on": "2025-01-06",
        },
        {
            "type": "WorkerRegistered",
            "worker_id": "QA2",
            "team_id": "T-WEST",
            "role": "qa_unit",
            "experience": "experienced",
            "registered_on": "2025-01-06",
        },
        # Month 1 (August): practitioner audits within own service.
        audit(
            "P1",
            "practitioner",
            "TM-A",
            "T-EAST",
            "2026-08-10",
            case_ref="C1",
            overall="good",
            strengths=["The child's voice is clear throughout"],
            themes=["voice_of_child"],
        ),
        audit(
            "P2",
            "practitioner",
            "TM-A",
            "T-EAST",
            "2026-08-12",
            case_ref="C2",
            overall="requires_improvement",
            learning=["Chronology not kept up to date"],
            themes=["chronology"],
            actions=[
                {
                    "action_id": "1",
                    "description": "Bring the chronology up to date",
                    "owner_id": "W1",
                    "due_on": "2026-09-30",
                }
            ],
        ),
        audit("P3", "practitioner", "TM-B", "T-WEST", "2026-08-14", case_ref="C3", overall="outstanding"),
        audit(
            "P4",
            "practitioner",
            "TM-B",
            "T-WEST",
            "2026-08-20",
            case_ref="C4",
            overall="inadequate",
            themes=["chronology"],
            actions=[
                {
                    "action_id": "1",
                    "description": "Review the plan with the family",
                    "owner_id": "W2",
                    "due_on": "2026-12-15",
                }
            ],
        ),
        # Month 2 (September): appreciative inquiry.
        audit(
            "AI1",
            "appreciative_inquiry",
            "PSW",
            "T-EAST",
            "2026-09-15",
            strengths=["Creative direct work with siblings"],
        ),
        # Month 3 (October): peer audits across areas, of the same cases.
        audit("R1", "peer", "PM-X", "T-EAST", "2026-10-05", case_ref="C1", overall="inadequate"),
        audit("R2", "peer", "PM-X", "T-EAST", "2026-10-06", case_ref="C2", overall="requires_improvement"),
        audit("R3", "peer", "PM-Y", "T-WEST", "2026-10-07", case_ref="C3", overall="good"),
        audit("R4", "peer", "PM-Y", "T-WEST", "2026-10-08", case_ref="C4", overall="requires_improvement"),
        # Month 4 (November): a triad audit.
        audit("TR1", "triad", "QA1", "T-EAST", "2026-11-09", case_ref="C1"),
        {
            "type": "ThematicAuditAgreed",
            "theme_id": "neglect",
            "title": "Neglect in Early Help",
            "hypothesis": "Chronic neglect is recognised late",
            "agreed_on": "2026-08-03",
            "due_on": "2026-10-30",
        },
    ]


GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
THEMES = [
    "voice_of_child",
    "chronology",
    "neglect",
    "contextual_safeguarding",
    "management_oversight",
    "family_time",
]
STRENGTHS = [
    "The child's voice and lived experience are clear",
    "Creative direct work with siblings",
    "Strong multi-agency planning at the core group",
    "Timely, analytical assessment",
]
LEARNING = [
    "Chronology not kept up to date",
    "Management oversight not recorded at key decision points",
    "Plans are not SMART",
    "Fathers are not routinely engaged",
]

ACTIONS = [
    "Bring the chronology up to date",
    "Record management oversight of the plan",
    "Make the child's plan SMART with the family",
    "Engage the child's father in the assessment",
]


def busy_council(seed: int = 7) -> list[Event]:
    """Six teams in three areas, qa_unit workers, and four cycles of audits (2025-T3 .. 2026-T2)
    with actions, completions, a thematic audit, complaints, compliments and feedback."""
    rng = random.Random(seed)
    teams = [
        ("T-EAST-1", "East CSW 1", "Children's Social Work", "East"),
        ("T-EAST-2", "East Early Help", "Early Help", "East"),
        ("T-WEST-1", "West CSW 1", "Children's Social Work", "West"),
        ("T-WEST-2", "West Youth Justice", "Youth Justice", "West"),
        ("T-NORTH-1", "North Disabled Children", "Disabled Children 0-25", "North"),
        ("T-NORTH-2", "North Fostering", "Fostering", "North"),
    ]
    events: list[Event] = [
        {"type": "TeamRegistered", "team_id": t, "name": n, "service": s, "area": a} for t, n, s, a in teams
    ]
    for qa in ("QA-3", "QA-1", "QA-2"):
        events.append(
            {
                "type": "WorkerRegistered",
                "worker_id": qa,
                "team_id": "T-EAST-1",
                "role": "qa_unit",
                "experience": "experienced",
                "registered_on": "2024-04-01",
            }
        )
    for n in range(1, 41):
        team = teams[n % len(teams)][0]
        events.append(
            {
                "type": "WorkerRegistered",
                "worker_id": f"W-{n:02d}",
                "team_id": team,
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": "2024-09-02",
            }
        )
        if n % 4:  # three in four observed in the last year; the rest are overdue
            day = dt.date(2025, 12, 1) + dt.timedelta(days=rng.randint(0, 300))
            events.append(
                {
                    "type": "ObservationRecorded",
                    "observation_id": f"OB-{n:02d}",
                    "worker_id": f"W-{n:02d}",
                    "observer_id": "TM-01",
                    "observed_on": day.isoformat(),
                    "setting": "practice",
                    "judgements": {},
                    "overall": rng.choice(GRADES[:3]),
                }
            )
    managers = ["TM-01", "TM-02", "TM-03", "TM-04", "TM-05", "TM-06"]
    peers = ["SM-01", "SM-02", "SM-03"]
    weights = {
        "2025-12-01": [2, 4, 4, 2],
        "2026-04-01": [2, 5, 3, 1],
        "2026-08-01": [3, 5, 3, 1],
        "2025-08-01": [1, 4, 4, 2],
    }
    number = 0
    for start_text, weight in sorted(weights.items()):
        start = dt.date.fromisoformat(start_text)
        for case in range(18):
            team = rng.choice(teams)[0]
            case_ref = f"CASE-{start:%y%m}-{case:02d}"
            number += 1
            grade = rng.choices(GRADES, weight)[0]
            actions = []
            if grade in ("requires_improvement", "inadequate"):
                due = start + dt.timedelta(days=rng.randint(30, 90))
                actions.append(
                    {
                        "action_id": "1",
                        "description": rng.choice(ACTIONS),
                        "owner_id": f"W-{rng.randint(1, 40):02d}",
                        "due_on": due.isoformat(),
                    }
                )
            events.append(
                {
                    "type": "AuditCompleted",
                    "audit_id": f"A-{number:04d}",
                    "kind": "practitioner",
                    "auditor_id": managers[case % len(managers)],
                    "team_id": team,
                    "completed_on": (start + dt.timedelta(days=rng.randint(0, 27))).isoformat(),
                    "case_ref": case_ref,
                    "worker_id": f"W-{rng.randint(1, 40):02d}",
                    "overall": grade,
                    "strengths": rng.sample(STRENGTHS, rng.randint(0, 1)),
                    "learning": rng.sample(LEARNING, rng.randint(0, 1)),
                    "themes": rng.sample(THEMES, rng.randint(1, 2)),
                    "actions": actions,
                }
            )
            if rng.random() < 0.8:
                number += 1
                drift = rng.choice([-1, 0, 0, 0, 1, 1, 2])
                peer_grade = GRADES[min(3, max(0, GRADES.index(grade) + drift))]
                events.append(
                    {
                        "type": "AuditCompleted",
                        "audit_id": f"A-{number:04d}",
                        "kind": "peer",
                        "auditor_id": peers[case % len(peers)],
                        "team_id": team,
                        "completed_on": (start + dt.timedelta(days=61 + rng.randint(0, 25))).isoformat(),
                        "case_ref": case_ref,
                        "overall": peer_grade,
                        "themes": rng.sample(THEMES, 1),
                    }
                )
        for ai in range(3):
            number += 1
            events.append(
                {
                    "type": "AuditCompleted",
                    "audit_id": f"A-{number:04d}",
                    "kind": "appreciative_inquiry",
                    "auditor_id": "PSW-1",
                    "team_id": rng.choice(teams)[0],
                    "completed_on": (start + dt.timedelta(days=31 + ai * 7)).isoformat(),
                    "strengths": [rng.choice(STRENGTHS)],
                }
            )
        number += 1
        events.append(
            {
                "type": "AuditCompleted",
                "audit_id": f"A-{number:04d}",
                "kind": "multi_agency",
                "auditor_id": "KSCB-1",
                "team_id": rng.choice(teams)[0],
                "completed_on": (start + dt.timedelta(days=50)).isoformat(),
                "overall": rng.choice(GRADES[:3]),
                "themes": ["neglect"],
            }
        )
    # Some actions completed (on time or late).
    for event in list(events):
        if event["type"] == "AuditCompleted" and event.get("actions"):
            action = event["actions"][0]
            if rng.random() < 0.5:
                done = dt.date.fromisoformat(action["due_on"]) + dt.timedelta(days=rng.randint(-20, 15))
                if done <= dt.date(2026, 11, 20):
                    events.append(
                        {
                            "type": "AuditActionCompleted",
                            "audit_id": event["audit_id"],
                            "action_id": "1",
                            "completed_on": done.isoformat(),
                        }
                    )
    events += [
        {
            "type": "ThematicAuditAgreed",
            "theme_id": "neglect",
            "title": "Neglect",
            "hypothesis": "Chronic neglect is recognised late in Early Help",
            "agreed_on": "2026-08-05",
            "due_on": "2026-10-30",
        },
        {
            "type": "ThematicAuditAgreed",
            "theme_id": "family_time",
            "title": "Family time for children in care",
            "hypothesis": "Family time plans are not reviewed after placement moves",
            "agreed_on": "2026-09-01",
            "due_on": "2027-01-29",
        },
        {
            "type": "AuditCompleted",
            "audit_id": "TH-1",
            "kind": "thematic",
            "auditor_id": "QA-1",
            "team_id": "T-EAST-2",
            "completed_on": "2026-10-20",
            "overall": "requires_improvement",
            "themes": ["neglect"],
            "learning": ["Neglect toolkit not used before step-down"],
        },
    ]
    for n in range(9):
        day = dt.date(2026, 8, 3) + dt.timedelta(days=11 * n)
        events.append(
            {
                "type": "ComplaintReceived",
                "complaint_id": f"K-{n}",
                "received_on": day.isoformat(),
                "complainant": "parent_carer",
                "service": "Children's Social Work",
                "themes": [rng.choice(["communication", "chronology", "family_time"])],
            }
        )
        if n % 3:
            events.append(
                {
                    "type": "ComplaintResponded",
                    "complaint_id": f"K-{n}",
                    "stage": "stage_1",
                    "responded_on": (day + dt.timedelta(days=rng.randint(5, 16))).isoformat(),
                    "outcome": rng.choice(["upheld", "partially_upheld", "not_upheld"]),
                }
            )
        events.append(
            {
                "type": "FeedbackReceived",
                "feedback_id": f"F-{n}",
                "received_on": day.isoformat(),
                "source": "young_person",
                "channel": "momo",
                "rating": rng.randint(2, 5),
                "themes": [rng.choice(["voice_of_child", "family_time"])],
            }
        )
    for n in range(5):
        day = dt.date(2026, 8, 10) + dt.timedelta(days=17 * n)
        events.append(
            {
                "type": "ComplimentReceived",
                "compliment_id": f"CP-{n}",
                "received_on": day.isoformat(),
                "from_role": "parent_carer",
                "themes": ["voice_of_child"],
            }
        )
    return events
