"""docs/audit-cycle.md: its Python examples run as written and its figures hold (R-AUD-1..6)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "audit-cycle.md"


def test_the_audit_cycle_page_examples_run_r_aud_1_to_r_aud_6() -> None:
    """Every ```python block of the page, run in order in one namespace; their asserts are
    the worked example's hand-computed figures (phase, counts, shares, triad pairs, the
    overdue action and the report)."""
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 4
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{PAGE.name}[python block {number}]", "exec"), namespace)
    assert "<svg" in str(namespace["html"]) and "## 2. How do we know it?" in str(namespace["markdown"])
    # the IRO and CP Chair report's example (SPEC 9.2, R-TML-1)
    assert "<svg" in str(namespace["chairs_html"]) and "## 4. Drift open" in str(namespace["chairs_markdown"])


def test_the_page_links_its_decisions_and_every_audit_rule() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for link in re.findall(r"\((decisions/[^)]+)\)", text):
        assert (ROOT / "docs" / link).is_file(), link
    for rule in range(1, 7):
        assert f"R-AUD-{rule}" in text
