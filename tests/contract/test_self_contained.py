"""The test suite needs nothing beside the repository (issue 17): a user's clone has no
shared folder next to it. No file reads a folder outside the checkout, and the sample returns the tests
read are in the repository with their licence notices."""

from __future__ import annotations

import os
from pathlib import Path

from tests.sample_data import DATA, SAMPLE_903, SAMPLE_CIN

ROOT = Path(__file__).resolve().parents[2]
#: Spelled in parts so that this file does not find itself.
FORBIDDEN = ("../" + "shared", "KENTQA_" + "SHARED_DIR", "/work/" + "shared", "parents[3] / " + '".."')
SKIP_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    "node_modules",
}
TEXT = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".sh", ".yml", ".yaml", ".json", ".jsonl"}


def _files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in TEXT or path.parent.name == ".ci":
                found.append(path)
    return found


def test_no_file_reads_a_folder_beside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _files()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if any(word in line for word in FORBIDDEN)
    ]
    assert offenders == [], "\n".join(offenders)


def test_the_sample_returns_are_in_the_repository_with_their_licences() -> None:
    for path in (*SAMPLE_903, SAMPLE_CIN):
        assert path.is_file(), path
        assert ROOT in path.resolve().parents
        licence = (path.parent / "LICENSE").read_text(encoding="utf-8")
        assert licence.startswith("MIT License") and "Social Finance Digital Labs" in licence
    assert (DATA / "README.md").is_file()


def test_ci_runs_the_suite_from_a_clone_with_nothing_beside_it() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "git" in script and "clone" in script and "mktemp -d" in script
