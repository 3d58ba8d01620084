"""What the reports ask of the queries: protocols that :class:`~kentqa_domain.queries.Queries`
meets (R-AUD-6, SPEC 9.2).

A report is built from query answers only. It is given something with these methods (the
queries, at one position), never the application, and it does not import the queries
module: the queries build the reports, so the reports must not depend on them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..access import Scope
    from ..areas.audits.events import AuditCompleted
    from ..areas.audits.rows import (
        AuditActionRow,
        AuditCycle,
        CycleShare,
        ThematicAuditRow,
        TriadRecommendation,
    )
    from ..areas.escalations.projection import EscalationRow
    from ..areas.plans.drift import DriftRow
    from ..areas.plans.review_qa import ReviewQARow
    from ..areas.plans.timeliness import QuarterTimeliness, TimelinessRow
    from ..plain import Counts, Rows
    from ..policy import Policy


class ReportQueries(Protocol):
    """What every report asks: the policy, a principal's scope, timeliness and the renderers."""

    @property
    def policy(self) -> Policy: ...

    def scope(self, as_worker: str | None = None, *, on: dt.date) -> Scope: ...

    def renderers(self) -> dict[str, Any]: ...

    def review_timeliness(
        self, start: dt.date, end: dt.date, *, as_of: dt.date, as_worker: str | None = None
    ) -> Rows[TimelinessRow]: ...

    def timeliness_by_quarter(
        self, start: dt.date, end: dt.date, *, as_of: dt.date, as_worker: str | None = None
    ) -> Rows[QuarterTimeliness]: ...


class LearningQueries(ReportQueries, Protocol):
    """What the Learning and Improvement report asks (R-AUD-6)."""

    def audit_cycle(self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None) -> AuditCycle: ...

    def audits(
        self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
    ) -> Rows[AuditCompleted]: ...

    def good_or_better_trend(
        self, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
    ) -> Rows[CycleShare]: ...

    def audit_actions(
        self,
        cycle_id: str | None = None,
        *,
        as_of: dt.date,
        as_worker: str | None = None,
        state: str | Iterable[str] | None = None,
    ) -> Rows[AuditActionRow]: ...

    def audit_action_counts(
        self, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
    ) -> Counts[str, int]: ...

    def triad_recommendations(self, cycle_id: str, *, as_of: dt.date) -> Rows[TriadRecommendation]: ...

    def thematic_audits(self, cycle_id: str | None = None, *, as_of: dt.date) -> Rows[ThematicAuditRow]: ...

    def themes_raised(self, start: dt.date, end: dt.date) -> Counts[tuple[str, str], int]: ...

    def activity(self, start: dt.date, end: dt.date) -> Counts[str, int]: ...

    def stats(self) -> Counts[str, int]: ...


class ChairsQueries(ReportQueries, Protocol):
    """What the IRO and CP Chair quarterly report asks (SPEC 9.2)."""

    def review_qa_summary(
        self, *, as_of: dt.date, by: str = "team", since: dt.date | None = None, as_worker: str | None = None
    ) -> Rows[ReviewQARow]: ...

    def escalations(
        self, *, as_of: dt.date, as_worker: str | None = None, since: dt.date | None = None
    ) -> Rows[EscalationRow]: ...

    def drift_register(self, *, as_of: dt.date, as_worker: str | None = None) -> Rows[DriftRow]: ...
