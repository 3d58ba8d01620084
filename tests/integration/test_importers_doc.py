"""The worked example of docs/importers.md, run as written: the files, the command and its output."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli_run import ROOT, kentqa


def _blocks(kind: str) -> dict[str, str]:
    text = (ROOT / "docs" / "importers.md").read_text(encoding="utf-8")
    return dict(re.findall(rf"```{kind} (\S+)\n(.*?)```", text, flags=re.S))


def test_the_worked_example_prints_what_the_page_says(tmp_path: Path) -> None:
    """R-LAC-1, R-LAC-7: the example's periods of care, duplicate and problems, as documented."""
    for name, content in _blocks("csv").items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    expected = _blocks("text")
    # the page's store, made first (issue 17: kentqa init); every installed plugin loaded
    kentqa("init", "--no-encryption", db="sqlite:///qa.db", cwd=tmp_path, blocked="", code=0)
    done = kentqa(
        "import", "ssda903", "episodes.csv", "reviews.csv", "--as-of", "2024-11-30",
        db="sqlite:///qa.db", cwd=tmp_path, blocked="",
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == expected["stderr"]
    assert done.stdout == expected["stdout"]
