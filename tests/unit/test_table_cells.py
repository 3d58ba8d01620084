"""Table cells a person can read: ``kentqa status`` tables round floats and join lists
(``--json`` keeps the values whole)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.cli.output import cell


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_a_float_is_shown_to_two_decimals_and_reads_back_within_half_a_hundredth(value: float) -> None:
    text = cell(value)
    _, _, decimals = text.partition(".")
    assert len(decimals) == 2
    assert math.isclose(float(text), value, abs_tol=0.005 + 1e-9 * abs(value))


@given(st.lists(st.text(alphabet="ABCW0123456789", min_size=1, max_size=8), max_size=6))
def test_a_list_is_its_items_separated_by_commas(items: list[str]) -> None:
    text = cell(items)
    assert text.split(", ") == items if items else text == ""


def test_none_is_blank_booleans_and_counts_stay_as_they_are() -> None:
    assert cell(None) == ""
    assert cell(True) == "True"
    assert cell(7) == "7"
    assert cell({"good": 2, "share": 0.5}) == "good: 2, share: 0.50"
