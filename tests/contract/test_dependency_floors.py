"""The lowest versions pyproject.toml allows carry no published advisory (issue 17, "Low"):
a resolver may pick the floor, so the floor is what a council might run."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
#: package -> (first version without the advisories, the advisories fixed there and before).
FLOORS = {
    "jinja2": ("3.1.6", "CVE-2024-22195, CVE-2024-34064, CVE-2024-56201, CVE-2024-56326, CVE-2025-27516"),
    "cryptography": (
        "44.0.1",
        "GHSA-h4gh-qq45-vh27, CVE-2024-12797: OpenSSL in the wheels of 43.0.0 and 44.0.0",
    ),
}


def _lowest_allowed(requirement: Requirement) -> Version | None:
    lows = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==", "~=")]
    return max(lows) if lows else None


def test_dependency_floors_have_no_published_advisory() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}
    for name, (safe, advisories) in FLOORS.items():
        lowest = _lowest_allowed(requirements[name])
        assert lowest is not None and lowest >= Version(safe), (
            f"{name}: pyproject.toml allows {requirements[name].specifier}; versions before {safe} "
            f"have published advisories ({advisories})"
        )
