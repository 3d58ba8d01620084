"""The rows of the observation queries (SPEC section 5; R-OBS-1..5, R-ACC-1).

Enum fields are ``StrEnum``: each compares equal to its lower_snake value.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import attrs

from ...plain import Row


class Requirement(StrEnum):
    """Which rule sets a practitioner's next observation date."""

    ASYE = "asye"  #: R-OBS-1, until ASYECompleted
    ANNUAL = "annual"  #: R-OBS-2
    SUPPORT = "support"  #: R-OBS-3, while flagged as needing support


class ComplianceStatus(StrEnum):
    """R-OBS-5: ``overdue`` after the due date, ``due_soon`` within 28 days (policy), else ``compliant``."""

    COMPLIANT = "compliant"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class Grouping(StrEnum):
    """What an observation summary groups practitioners by."""

    TEAM = "team"
    SERVICE = "service"
    AREA = "area"


@attrs.frozen
class ObservationComplianceRow(Row):
    """One current practitioner as of a date (``qa.observation_compliance``).

    ``team_id`` is the team they are in on ``as_of`` (movers count under the new team from
    the move date); ``last_observed_on`` is their latest *practice* observation on or before
    ``as_of`` (None if none); ``reflection_missed`` is R-OBS-4 over all their observations.
    """

    worker_id: str
    team_id: str
    requirement: Requirement
    last_observed_on: dt.date | None
    next_due_on: dt.date
    status: ComplianceStatus
    reflection_missed: bool


@attrs.frozen
class ObservationSummaryRow(Row):
    """Compliance counted over the practitioners of one team, service or area.

    ``compliant_share`` is ``compliant / workers`` (0-1); groups without a current
    practitioner have no row.
    """

    by: Grouping
    key: str
    workers: int
    compliant: int
    due_soon: int
    overdue: int
    reflection_missed: int
    compliant_share: float


@attrs.frozen
class ObservationLearningRow(Row):
    """How one judgement area was graded across the observations of a period (framework 4.5).

    ``area`` is an :class:`~kentqa_domain.values.ObservationArea` value or ``"overall"``;
    ``judged`` counts the observations that graded it; ``good_or_better_share`` is
    (outstanding + good) / judged, None when nothing was judged.
    """

    area: str
    outstanding: int
    good: int
    requires_improvement: int
    inadequate: int
    judged: int
    good_or_better_share: float | None
