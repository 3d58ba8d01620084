"""Where the sample returns are: ``tests/data`` in the repository (MIT, Social Finance; see
tests/data/README.md). Nothing the tests read lies outside the repository (issue 17;
tests/contract/test_self_contained.py checks it)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
#: The synthetic SSDA903 return, its four tables in this order.
SAMPLE_903_DIR = DATA / "ssda903-synthetic"
SAMPLE_903_TABLES = ("episodes.csv", "header.csv", "reviews.csv", "uasc.csv")
SAMPLE_903 = tuple(SAMPLE_903_DIR / name for name in SAMPLE_903_TABLES)
#: One CIN census message.
SAMPLE_CIN = DATA / "cin-census-sample" / "cin-2022.xml"
