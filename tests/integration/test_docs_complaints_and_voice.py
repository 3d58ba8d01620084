"""The worked example of docs/complaints-and-voice.md runs as written (R-CMP-1, R-CMP-2,
R-CMP-5, the voice summary), and the page cites every complaint rule and its source."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).parents[2] / "docs" / "complaints-and-voice.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_worked_example_runs_and_its_assertions_hold() -> None:
    blocks = python_blocks(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) == 1
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(PAGE), "exec"), namespace)
    assert "voice" in namespace and "quarter" in namespace


def test_the_page_names_the_statutory_source_and_every_rule() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "Children Act 1989 Representations Procedure (England) Regulations 2006" in text
    for n in range(1, 7):
        assert f"R-CMP-{n}" in text
