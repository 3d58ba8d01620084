"""The package is typed for its users (SPEC 9.5; decision 0953).

``mypy --strict`` accepts a small client (tests/typing_check/client_ok.py: events built with
ISO date strings and enum values, queries, rows, errors) and refuses one that leaves out
required event fields (client_missing_field.py); the package ships ``py.typed`` and the
events' stub, which is in step with the event classes.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

import kentqa_domain
from tests.cli_run import python
from tests.typing_check import stubgen

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def mypy(script: str, cache_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over one client script, run from outside the repository (as a user's
    project would: the package is found installed, through its ``py.typed``)."""
    return python(
        "-m", "mypy", "--strict", "--cache-dir", cache_dir, HERE / script,
        cwd=tmp_path, env={"MYPYPATH": ""}, timeout=600,
    )  # fmt: skip


def test_a_client_script_type_checks(cache_dir: Path, tmp_path: Path) -> None:
    """SPEC 9.5: no ``Any`` leaks, no false alarms for the strings the runtime accepts."""
    result = mypy("client_ok.py", cache_dir, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_a_missing_required_event_field_fails_type_checking(cache_dir: Path, tmp_path: Path) -> None:
    """Issue 18: ``ReviewHeld(review_id="R1")`` is refused by mypy as by the runtime, and so is
    a ``kind`` that is not one of ``ReviewKind``'s values."""
    result = mypy("client_missing_field.py", cache_dir, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        'Missing positional arguments "child_ref", "kind", "held_on" in call to "ReviewHeld"' in result.stdout
    )
    assert 'client_missing_field.py:11: error: Argument "kind" to "ReviewHeld"' in result.stdout
    assert "Found 2 errors in 1 file" in result.stdout


def test_the_client_script_runs() -> None:
    """The typed client is real code: it records, asks and is refused as its comments say."""
    result = python(HERE / "client_ok.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "refused: escalations.as_of",
        "position 5: 4 rows, first qa_overdue",
    ]


def test_the_events_stub_is_in_step_with_the_event_classes() -> None:
    """Every events stub (``events.pyi`` and each area's) is what ``python -m
    tests.typing_check.stubgen`` writes from the event classes now."""
    stubs = stubgen.render_all()
    assert len(stubs) == 9, sorted(map(str, stubs))  # the catalogue, seven areas, the converters
    for path, text in stubs.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path} is out of step: run python -m tests.typing_check.stubgen"
        )


def test_the_package_ships_its_typing_marker() -> None:
    """PEP 561: ``py.typed`` beside the package, and named in the wheel's build configuration."""
    package = Path(kentqa_domain.__file__).parent
    assert (package / "py.typed").is_file() and (package / "events.pyi").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert "src/kentqa_domain/py.typed" in wheel["artifacts"]
    assert "src/kentqa_domain/*.pyi" in wheel["artifacts"]
    assert "src/kentqa_domain/areas/*/*.pyi" in wheel["artifacts"]
    assert "src/kentqa_domain/areas/*.pyi" in wheel["artifacts"]
    assert len(list((package / "areas").glob("*/events.pyi"))) == 7
