"""The domain core imports no adapter, CLI or I/O library when it runs (the import-linter
contracts themselves: tests/contract/test_import_graph.py)."""

from __future__ import annotations

from tests.cli_run import python


def test_core_modules_import_without_eventsourcing() -> None:
    """Importing the domain core (the events, every area, the read model, the shared kernel)
    loads no storage or I/O library."""
    code = (
        "import sys, pkgutil, importlib; import kentqa_domain.areas as a, kentqa_domain.readmodel as r; "
        "[importlib.import_module(m.name) for p in (a, r) for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]; "
        "import kentqa_domain.events, kentqa_domain.calendar, kentqa_domain.policy, kentqa_domain.access; "
        "assert len([m for m in sys.modules if m.startswith('kentqa_domain.areas.')]) > 50; "
        "bad = [m for m in ('eventsourcing', 'sqlite3', 'psycopg', 'click', 'orjson') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = python("-c", code, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    """Style is checked like behaviour: ruff with the project's rules over code and tests."""
    result = python("-m", "ruff", "check", "src", "tests", "adapters", "plugins")
    assert result.returncode == 0, result.stdout + result.stderr
