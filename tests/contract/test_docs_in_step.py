"""Generated reference pages match the code; every SPEC rule id is documented somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from tests.contract import events_reference, policy_reference

ROOT = Path(__file__).resolve().parents[2]


def test_events_reference_matches_the_code() -> None:
    committed = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert committed == events_reference.build(), (
        "docs/events.md is out of step: run python -m tests.contract.events_reference > docs/events.md"
    )


def test_policy_reference_matches_the_code() -> None:
    committed = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    assert committed == policy_reference.build(), (
        "docs/policy.md is out of step: run python -m tests.contract.policy_reference > docs/policy.md"
    )


def test_every_event_type_has_an_example_that_records() -> None:
    import json

    import kentqa_domain as kq

    lines = [
        json.loads(line)
        for line in (ROOT / "examples" / "small-council.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {obj["type"] for obj in lines} == set(kq.events.EVENT_TYPES)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(lines)  # raises on the first refusal
        assert sum(qa.stats().values()) == len(lines)


def test_readme_gives_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    commands = [
        line for block in blocks[:2] for line in block.splitlines() if line and not line.startswith("#")
    ]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
