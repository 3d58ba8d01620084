"""Observation summaries by team, service and area, and the annual learning view (framework 4.5).

Pure functions over compliance rows and observations' grades; scoping (R-ACC-1) is done before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from ...values import Grade
from .facts import LEARNING_AREAS, TeamFacts
from .rows import (
    ComplianceStatus,
    Grouping,
    ObservationComplianceRow,
    ObservationLearningRow,
    ObservationSummaryRow,
)


class _Teams(Protocol):
    """Teams by id: a ``dict``, or the projection's map of documents (``DocMap``)."""

    def get(self, team_id: str, /) -> TeamFacts | None: ...


def group_key(team_id: str, by: Grouping, teams: _Teams) -> str:
    """The team id, or its service or area (a team never registered groups under "")."""
    if by is Grouping.TEAM:
        return team_id
    team = teams.get(team_id)
    if team is None:
        return ""
    return team.service if by is Grouping.SERVICE else team.area


def summarise(
    rows: Iterable[ObservationComplianceRow], by: Grouping, teams: _Teams
) -> list[ObservationSummaryRow]:
    """Per group: practitioners, how many are compliant, due soon, overdue (R-OBS-5) and have a
    reflection missed (R-OBS-4), and the share compliant. Sorted by key.
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in rows:
        c = counts[group_key(row.team_id, by, teams)]
        c[0] += 1
        c[1] += row.status is ComplianceStatus.COMPLIANT
        c[2] += row.status is ComplianceStatus.DUE_SOON
        c[3] += row.status is ComplianceStatus.OVERDUE
        c[4] += row.reflection_missed
    return [
        ObservationSummaryRow(
            by=by,
            key=key,
            workers=c[0],
            compliant=c[1],
            due_soon=c[2],
            overdue=c[3],
            reflection_missed=c[4],
            compliant_share=c[1] / c[0],
        )
        for key, c in sorted(counts.items())
    ]


def learning(observations: Iterable[Sequence[str | None]]) -> list[ObservationLearningRow]:
    """Framework 4.5 "Areas and Judgements": per area (then ``overall``), how many observations
    graded it outstanding, good, requires improvement and inadequate.

    Each observation is given as its grades in the order of ``LEARNING_AREAS`` (a grade's
    value, or None where the area was not judged).
    """
    tallies = [[0, 0, 0, 0] for _ in LEARNING_AREAS]
    score = {grade.value: grade.score - 1 for grade in Grade}
    for grades in observations:
        for tally, grade in zip(tallies, grades, strict=True):
            if grade is not None:
                tally[score[grade]] += 1
    rows = []
    for area, tally in zip(LEARNING_AREAS, tallies, strict=True):
        judged = sum(tally)
        good = tally[Grade.OUTSTANDING.score - 1] + tally[Grade.GOOD.score - 1]
        rows.append(
            ObservationLearningRow(
                area=area,
                outstanding=tally[0],
                good=tally[1],
                requires_improvement=tally[2],
                inadequate=tally[3],
                judged=judged,
                good_or_better_share=good / judged if judged else None,
            )
        )
    return rows
