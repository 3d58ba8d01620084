"""docs/notifications.md's worked example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_worked_example_runs() -> None:
    text = (ROOT / "docs" / "notifications.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "docs/notifications.md has no python example"
    namespace: dict[str, object] = {}
    exec(compile(blocks[-1], "docs/notifications.md", "exec"), namespace)
    assert "inbox" in namespace
