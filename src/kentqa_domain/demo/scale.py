"""How big a synthetic data set is: one council, a region, or all of England (SPEC section 7).

One council is the size SPEC section 7 describes (about 1,500 practitioners, 2,000
looked-after children, 1,200 children on CP plans, about 100,000 events a year). Councils
differ in size: England's 153 councils hold about 83,000 looked-after children and 50,000
CP plans, so the others are drawn around a quarter of that council's size, summing to
SPEC's national figures. ``small`` is a tenth of a council, for trying things quickly.
"""

from __future__ import annotations

import random

import attrs

#: One council's children in plans (SPEC section 7).
COUNCIL_LAC = 2_000
COUNCIL_CP = 1_200
ENGLAND_LAC = 83_000
#: A council's voice, per year.
COMPLAINTS = 450
COMPLIMENTS = 700
FEEDBACK = 26_000


@attrs.frozen
class Scale:
    """A named size: the number of councils and each council's size (1.0 = SPEC's council)."""

    name: str
    sizes: tuple[float, ...]
    description: str

    @property
    def councils(self) -> int:
        return len(self.sizes)

    def estimated_events(self, years: int) -> int:
        """About how many events the generator makes (for progress bars)."""
        per_size_year = 115_000
        backfill = 22_000
        return int(sum(size * (per_size_year * years + backfill) for size in self.sizes))


def _sizes(councils: int, seed: int = 153) -> tuple[float, ...]:
    """The first council at full size, the others drawn around the national average."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    others = [rng.lognormvariate(0.0, 0.55) for _ in range(councils - 1)]
    target = (ENGLAND_LAC / COUNCIL_LAC - 1) * (councils - 1) / 152
    total = sum(others) or 1.0
    return (1.0, *(round(max(0.08, o * target / total), 3) for o in others))


SCALES: dict[str, Scale] = {
    "small": Scale("small", (0.1,), "a tenth of one council (quick tries and tests)"),
    "council": Scale("council", (1.0,), "one large county council (SPEC section 7)"),
    "region": Scale("region", _sizes(19), "a region of 19 councils"),
    "england": Scale("england", _sizes(153), "all 153 councils of England"),
}
