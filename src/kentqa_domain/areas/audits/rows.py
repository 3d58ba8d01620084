"""The rows the audit queries return (SPEC section 5: ``audit_cycle``, ``triad_recommendations``).

Enum fields compare equal to their lower_snake values; dates are ``datetime.date``; shares
are floats in 0..1, or None where nothing was graded (a share of nothing is not 0).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import attrs

from ...plain import Row, position_field
from ...values import AuditKind

#: R-AUD-2: the audit kind each month of a cycle is for.
PHASE_KINDS: dict[int, AuditKind] = {
    1: AuditKind.PRACTITIONER,
    2: AuditKind.APPRECIATIVE_INQUIRY,
    3: AuditKind.PEER,
    4: AuditKind.TRIAD,
}


@attrs.frozen
class CycleBreakdown:
    """R-AUD-2/3 for one team, service or area: audits by kind and the grade distribution.

    ``key`` is the team id, service or area; ``label`` the team's name (else the key).
    ``grades`` counts the ``overall`` grades of graded audits (practitioner, peer, thematic,
    multi-agency), every grade present; ``good_or_better_share`` is None when none was graded.
    """

    key: str
    label: str
    audits: int
    audits_by_kind: dict[str, int] = attrs.field(hash=False)
    graded: int
    grades: dict[str, int] = attrs.field(hash=False)
    good_or_better: int
    good_or_better_share: float | None


@attrs.frozen
class PhaseSummary:
    """R-AUD-2: one month of the cycle, the kind of audit it is for, and those audits completed.

    ``completed`` counts the cycle's audits of ``kind`` (whenever in the cycle they were
    done); ``completed_in_phase`` those of them completed within this phase's month.
    """

    phase: int
    kind: AuditKind
    starts_on: dt.date
    ends_on: dt.date
    completed: int
    completed_in_phase: int
    by_team: dict[str, int] = attrs.field(hash=False)
    by_service: dict[str, int] = attrs.field(hash=False)
    by_area: dict[str, int] = attrs.field(hash=False)


@attrs.frozen
class AuditCycle(Row):
    """``qa.audit_cycle(cycle_id, as_of=...)`` (R-AUD-1..3).

    ``phase`` is the month of the cycle ``as_of`` falls in (1-4), None outside the cycle.
    Counts cover the cycle's audits completed on or before ``as_of``.
    """

    cycle_id: str
    starts_on: dt.date
    ends_on: dt.date
    as_of: dt.date
    phase: int | None
    phase_kind: AuditKind | None
    audits: int
    audits_by_kind: dict[str, int] = attrs.field(hash=False)
    graded: int
    grades: dict[str, int] = attrs.field(hash=False)
    good_or_better: int
    good_or_better_share: float | None
    by_team: tuple[CycleBreakdown, ...]
    by_service: tuple[CycleBreakdown, ...]
    by_area: tuple[CycleBreakdown, ...]
    phases: tuple[PhaseSummary, ...]
    #: the log position this answer reflects (SPEC 9.5), set by the query
    position: int | None = position_field()


@attrs.frozen
class TriadRecommendation(Row):
    """R-AUD-4: two auditors whose grades of the same cases differ, and who should moderate.

    ``mean_gap`` is the mean of |practitioner grade - peer grade| (grades scored 1..4) over
    the ``cases`` they both audited; ``case_refs`` names those cases; ``qa_member`` is the
    qa_unit worker asked to join them (None when no qa_unit worker is current).
    """

    rank: int
    auditor_a: str
    auditor_b: str
    mean_gap: float
    cases: int
    total_gap: int
    case_refs: tuple[str, ...]
    qa_member: str | None


class Progress(StrEnum):
    """Where an audit action (R-AUD-5) or an agreed thematic audit (R-AUD-6) stands:
    open, overdue (not completed by its due date) or completed."""

    OPEN = "open"
    OVERDUE = "overdue"
    COMPLETED = "completed"


@attrs.frozen
class AuditActionRow(Row):
    """One action raised by an audit, and where it stands at ``as_of`` (R-AUD-5).

    ``working_days_overdue`` counts working days after ``due_on`` up to and including
    ``as_of`` for an overdue action (else 0); ``completed_late`` says a completed action was
    done after its due date.
    """

    audit_id: str
    action_id: str
    description: str
    owner_id: str
    due_on: dt.date
    team_id: str
    kind: AuditKind
    cycle_id: str
    raised_on: dt.date
    completed_on: dt.date | None
    status: Progress
    completed_late: bool
    working_days_overdue: int


@attrs.frozen
class ThematicAuditRow(Row):
    """A thematic audit agreed with a hypothesis and a due date, and its progress (R-AUD-6).

    Thematic audits (``AuditCompleted`` of kind ``thematic``) completed on or after
    ``agreed_on`` and on or before ``as_of`` whose ``themes`` hold the ``theme_id`` (case
    insensitive) report against it: ``completed`` once there is one, ``overdue`` when
    ``due_on`` has passed without one, else ``open`` (decision 0302).
    """

    theme_id: str
    title: str
    hypothesis: str
    agreed_on: dt.date
    due_on: dt.date
    status: Progress
    audits: int
    first_completed_on: dt.date | None
    graded: int
    good_or_better_share: float | None


@attrs.frozen
class CycleShare(Row):
    """The share good or better in one cycle: a point of the trend in the report (R-AUD-3)."""

    cycle_id: str
    graded: int
    good_or_better: int
    good_or_better_share: float | None
