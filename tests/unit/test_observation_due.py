"""R-OBS-1 review points as a pure function: ``asye_due`` from the number of observations counted.

Expected dates are worked by hand from 1 Mar 2024 (Skills for Care's 3, 6 and 11 months,
calendar months clamped to month end).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kentqa_domain.areas.observations.due import asye_due
from kentqa_domain.policy import Policy

D = dt.date
POLICY = Policy()
START = D(2024, 3, 1)


def test_R_OBS_1_review_points_by_count() -> None:
    assert asye_due(START, 0, None, POLICY) == D(2024, 6, 1)  # +3 months
    assert asye_due(START, 1, D(2024, 4, 1), POLICY) == D(2024, 9, 1)  # +6 months
    assert asye_due(START, 2, D(2024, 8, 1), POLICY) == D(2025, 2, 1)  # +11 months
    # Decision 0101: all three done, 12 months after the latest (29 Feb 2024 + 12 = 28 Feb 2025).
    assert asye_due(START, 3, D(2024, 2, 29), POLICY) == D(2025, 2, 28)


@pytest.mark.parametrize("count", [-1, -2, -3])
def test_R_OBS_1_a_negative_count_is_refused_not_read_from_the_end(count: int) -> None:
    """A negative count once picked a review point from the end of the tuple (-1 -> 11 months);
    it is a caller's error and must fail loudly.
    """
    with pytest.raises(ValueError, match="observed"):
        asye_due(START, count, None, POLICY)
