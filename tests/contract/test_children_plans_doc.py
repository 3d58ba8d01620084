"""docs/children-plans.md: its worked example records and gives the rows the page shows
(R-LAC-1..6, R-CP-1, R-ESC-2, R-ESC-3)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import kentqa_domain as kq
from kentqa_domain.cli.output import to_plain

PAGE = Path(__file__).resolve().parents[2] / "docs" / "children-plans.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_worked_example_gives_the_rows_shown() -> None:
    (jsonl,) = _blocks("jsonl")
    drift_shown, escalations_shown = (json.loads(b) for b in _blocks("json"))
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(json.loads(line) for line in jsonl.splitlines() if line.strip())
        as_of = dt.date(2027, 4, 9)
        drift = [to_plain(r) for r in qa.drift_register(as_of=as_of)]
        assert [{k: row[k] for k in drift_shown[0]} for row in drift] == drift_shown
        escalations = [to_plain(r) for r in qa.escalations(as_of=as_of)]
        assert [{k: row[k] for k in escalations_shown[0]} for row in escalations] == escalations_shown
        # "Then the late typing-up arrives"
        qa.record_many(
            [
                {
                    "type": "ReviewHeld",
                    "review_id": "IC1",
                    "child_ref": "P1",
                    "kind": "initial_cp_conference",
                    "held_on": "2027-04-08",
                },
                {
                    "type": "ReviewQualityAssured",
                    "review_id": "LR2",
                    "assured_on": "2027-04-08",
                    "by": "IRO1",
                    "plan_reflects_needs": True,
                    "actions_in_child_timeframe": True,
                    "consistent_with_legal_duties": True,
                },
                {
                    "type": "EscalationResolved",
                    "escalation_id": "E1",
                    "resolved_on": "2027-04-09",
                    "outcome": "Worker allocated",
                },
            ]
        )
        assert [(r.kind.value, r.escalation_id) for r in qa.drift_register(as_of=as_of)] == [
            ("action_overdue", None)
        ]
        # "as of 6 April the register still shows what was overdue then"
        assert [r.kind.value for r in qa.drift_register(as_of=dt.date(2027, 4, 6))] == [
            "action_overdue",
            "qa_overdue",
            "initial_conference_overdue",
        ]


def test_every_rule_of_the_area_is_on_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    rules = (
        [f"R-LAC-{i}" for i in range(1, 8)]
        + [f"R-CP-{i}" for i in range(1, 8)]
        + [f"R-ESC-{i}" for i in range(1, 6)]
    )
    assert [r for r in rules if r not in text] == []
    for source in (
        "Care Planning, Placement and Case Review (England) Regulations 2010, reg 33",
        "Working Together to Safeguard Children",
        "IRO Handbook 6.2",
    ):
        assert source in text
