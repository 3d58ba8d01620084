"""Static checks run by CI (issue 19): ``mypy --strict`` is clean on the library, the adapters
and the plugins.

mypy runs as a developer runs it: ``mypy`` with no arguments from the repository root, where
``[tool.mypy]`` in pyproject.toml names the trees and the strictness. Its cache is the
repository's ``.mypy_cache`` (ignored by git), so a second run on a developer's machine takes
seconds; a fresh clone in CI starts cold.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

from tests.cli_run import ROOT, python

TREES = ["src", "adapters/*/src", "plugins/*/src"]


def modules_in_trees() -> set[Path]:
    """Every module of the checked trees (a ``.pyi`` stub and its ``.py`` are one module)."""
    found: set[Path] = set()
    for tree in TREES:
        for base in ROOT.glob(tree):
            for path in [*base.rglob("*.py"), *base.rglob("*.pyi")]:
                if "__pycache__" not in path.parts:
                    found.add(path.with_suffix(""))
    return found


def test_mypy_is_configured_strict_over_the_library_adapters_and_plugins() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == TREES
    assert "ignore_errors" not in config
    # Per-module settings only to let a third-party library without types be imported.
    for override in config.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        assert set(override) == {"module", "ignore_missing_imports"}, override
        assert not any(m.startswith("kentqa") for m in modules), override


def test_mypy_strict_is_clean() -> None:
    started = time.perf_counter()
    result = python(
        "-m",
        "mypy",
        "--config-file",
        ROOT / "pyproject.toml",
        "--cache-dir",
        ROOT / ".mypy_cache",
        env={"MYPYPATH": None},
        timeout=900,
    )
    elapsed = time.perf_counter() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mypy --strict failed ({elapsed:.0f}s):\n{output}"
    # Every module of the three trees was checked (none left out by the configuration).
    assert f"Success: no issues found in {len(modules_in_trees())} source files" in result.stdout, output
