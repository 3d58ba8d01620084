"""The worked example of docs/security.md runs as written (erasure), and the page states what
stays readable and what erasure does not reach."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).parents[2] / "docs" / "security.md"


def test_the_worked_example_runs_and_its_assertions_hold() -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 1
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(PAGE), "exec"), namespace)
    assert str(namespace["erasure"].token).startswith("anon-")  # type: ignore[attr-defined]


def test_the_page_says_what_stays_readable_and_what_erasure_does_not_reach() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for phrase in ("topics", "write-ahead log", "Re-sent events", "R-ACC-1", "kentqa keygen", "forget-child"):
        assert phrase in text
