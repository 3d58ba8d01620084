"""docs/architecture.md's area map is the code's (issue 19): every module of each area folder
is named in it, and every module it names exists."""

from __future__ import annotations

import re
from pathlib import Path

import kentqa_domain

ROOT = Path(__file__).resolve().parents[2]
AREAS = Path(kentqa_domain.__file__).parent / "areas"
#: The modules every area may have, described once in the map's first table.
COMMON = {"events.py", "model.py", "projection.py", "queries.py", "notify.py"}


def area_rows() -> dict[str, set[str]]:
    """Area -> the modules its row of the map names beyond the common ones."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows: dict[str, set[str]] = {}
    for line in text.splitlines():
        found = re.match(r"\| `(\w+)` \| [^|]+ \| ([^|]+) \|$", line)
        if found and (AREAS / found[1]).is_dir():
            rows[found[1]] = set(re.findall(r"`(\w+\.py)`", found[2]))
    return rows


def test_the_area_map_names_every_area_and_module() -> None:
    rows = area_rows()
    folders = {p.name for p in AREAS.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert set(rows) == folders
    for area, named in rows.items():
        present = {p.name for p in (AREAS / area).glob("*.py")} - {"__init__.py"}
        assert present - COMMON == named, area
        assert {"events.py", "model.py"} <= present, area


def test_every_module_named_in_the_architecture_exists() -> None:
    """Every ``path.py`` or ``folder/`` in backticks in the document is in the package."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = AREAS.parent

    def exists(name: str) -> bool:
        if name.startswith(("src/", "tests/")):
            return (ROOT / name).exists()
        return any(list(package.glob(f"{prefix}{name}")) for prefix in ("", "*/", "*/*/"))

    names = set(re.findall(r"`((?:[a-z_]+/)*[a-z_<>]+(?:[.]pyi?|/))`", text))
    missing = sorted(n for n in names if "<" not in n and not exists(n))
    assert not missing, missing
