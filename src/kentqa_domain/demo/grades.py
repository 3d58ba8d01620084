"""The grades of practice the demo gives (audits, observations, reviews' quality assurance),
around each worker's latent quality, and the areas an observation judges."""

from __future__ import annotations

import random

from ..values import Grade, ObservationArea

GRADES = (Grade.INADEQUATE, Grade.REQUIRES_IMPROVEMENT, Grade.GOOD, Grade.OUTSTANDING)
AREAS = tuple(ObservationArea)


def grade_for(quality: float, rng: random.Random, spread: float = 0.6) -> Grade:
    """A grade around a latent quality (0 inadequate .. 3 outstanding)."""
    return GRADES[min(3, max(0, round(rng.gauss(quality, spread))))]
