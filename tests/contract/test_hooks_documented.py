"""Every hook has a heading in docs/plugins.md and a test that names it (as datasette does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kentqa_domain import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("kentqa_"))


def _test_sources() -> str:
    here = Path(__file__).resolve()
    paths = [p for base in ("tests", "adapters", "plugins") for p in (ROOT / base).rglob("test_*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths if p != here)


def test_there_are_hooks() -> None:
    assert "kentqa_register_storage" in HOOKS and "kentqa_policy_overrides" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_heading(hook: str) -> None:
    headings = re.findall(
        r"^## (kentqa_\w+)", (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8"), re.M
    )
    assert hook in headings, f"docs/plugins.md needs a '## {hook}' heading"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook: str) -> None:
    assert hook in _test_sources(), f"no test names {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring(hook: str) -> None:
    assert (getattr(hookspecs, hook).__doc__ or "").strip()
