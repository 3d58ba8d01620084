"""The domain core imports no adapter, CLI or I/O library (import-linter contract)."""

from __future__ import annotations

import tomllib

from tests.cli_run import ROOT, python


def test_import_linter_contracts_hold() -> None:
    result = python(
        "-c",
        "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
        "--no-cache",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert f"Contracts: {len(contracts['contracts'])} kept, 0 broken." in result.stdout, result.stdout


def test_core_modules_import_without_eventsourcing() -> None:
    """Importing the domain layers loads no storage or I/O library."""
    code = (
        "import sys; import kentqa_domain.events, kentqa_domain.domain, kentqa_domain.projections, "
        "kentqa_domain.calendar, kentqa_domain.policy; "
        "bad = [m for m in ('eventsourcing', 'sqlite3', 'psycopg', 'click', 'orjson') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = python("-c", code, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    """Style is checked like behaviour: ruff with the project's rules over code and tests."""
    result = python("-m", "ruff", "check", "src", "tests", "adapters", "plugins")
    assert result.returncode == 0, result.stdout + result.stderr
