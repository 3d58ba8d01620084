"""The queries of the audit cycle (R-AUD-1..6) and of the activity a report counts: a mixin of
:class:`~kentqa_domain.queries.Queries`."""

from __future__ import annotations

from collections.abc import Iterable

from ..areas.audits import action_queries
from ..areas.audits import queries as audits
from ..areas.audits.rows import (
    AuditActionRow,
    AuditCycle,
    CycleShare,
    Progress,
    ThematicAuditRow,
    TriadRecommendation,
)
from ..events import AuditCompleted
from ..plain import Counts, Rows
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from .base import QueryBase, _answer, _day


class AuditQueries(QueryBase):
    """The audit cycle: audits, their grades and actions, triads, thematic audits; activity and themes."""

    # --- the audit cycle (R-AUD-1..6) -------------------------------------------------------

    @arguments.checked
    def audits(
        self, cycle_id: str, *, as_of: DateArgument, as_worker: str | None = None
    ) -> Rows[AuditCompleted]:
        """R-AUD-1: the audits of a cycle completed on or before ``as_of``, by date then id."""
        with self._viewing() as view:
            return _answer(view, audits.audits(view, cycle_id, as_of=_day(as_of), as_worker=as_worker))

    @arguments.checked
    def audit_cycle(self, cycle_id: str, *, as_of: DateArgument, as_worker: str | None = None) -> AuditCycle:
        """R-AUD-1..3: a cycle's phase at ``as_of``, its audits by kind and by phase, and the
        grade distribution and share good or better, overall and by team, service and area.

        Counts cover the cycle's audits completed on or before ``as_of`` (decision 0300).
        """
        with self._viewing() as view:
            return _answer(view, audits.audit_cycle(view, cycle_id, as_of=_day(as_of), as_worker=as_worker))

    @arguments.checked
    def good_or_better_trend(
        self, cycle_id: str, *, as_of: DateArgument, as_worker: str | None = None
    ) -> Rows[CycleShare]:
        """R-AUD-3 over time: the share good or better of every cycle up to ``cycle_id`` that
        has graded audits (completed on or before ``as_of``), oldest first."""
        with self._viewing() as view:
            return _answer(
                view, audits.good_or_better_trend(view, cycle_id, as_of=_day(as_of), as_worker=as_worker)
            )

    @arguments.checked
    def triad_recommendations(
        self, cycle_id: str, *, as_of: DateArgument, as_worker: str | None = None
    ) -> Rows[TriadRecommendation]:
        """R-AUD-4: auditor pairs whose practitioner and peer grades of the same cases differ,
        ranked by mean gap, then cases, then ids, each with a current qa_unit worker in turn.

        Organisation-wide (moderation is the QA unit's view): R-ACC-1 shows these rows, which
        belong to no one team, only to principals who see everything (decision 0606).
        """
        with self._viewing() as view:
            return _answer(
                view, audits.triad_recommendations(view, cycle_id, as_of=_day(as_of), as_worker=as_worker)
            )

    @arguments.checked
    def audit_actions(
        self,
        cycle_id: str | None = None,
        *,
        as_of: DateArgument,
        as_worker: str | None = None,
        state: Progress | str | Iterable[Progress | str] | None = None,
        since: DateArgument | None = None,
        limit: int | None = None,
        after: tuple[str, str] | None = None,
    ) -> Rows[AuditActionRow]:
        """R-AUD-5: the actions of the audits completed by ``as_of`` (of one cycle, or all when
        ``cycle_id`` is None): ``open``, ``overdue`` (not completed by the due date) or
        ``completed``; ordered by due date, then audit and action id. Scoped by the audit's
        team and the action's owner.

        Filters and pages for a dashboard (SPEC 9.4): ``state`` (``open``, ``overdue`` or
        ``completed`` at ``as_of``, or several of them), ``since`` (raised on or after it),
        ``limit`` (at most this many rows) and ``after`` (``(audit_id, action_id)`` of the
        previous page's last row). ``state="overdue"`` or ``"open"`` visits only the actions
        not done by ``as_of``, so "what is overdue now" costs the same whatever the length of
        the history.
        """
        with self._viewing() as view:
            return _answer(
                view,
                action_queries.audit_actions(
                    view,
                    cycle_id,
                    as_of=_day(as_of),
                    as_worker=as_worker,
                    state=state,
                    since=_day(since),
                    limit=limit,
                    after=after,
                ),
            )

    @arguments.checked
    def audit_action_counts(
        self, cycle_id: str | None = None, *, as_of: DateArgument, as_worker: str | None = None
    ) -> Counts[str, int]:
        """R-AUD-5 in numbers: ``{"open", "overdue", "completed"}`` actions at ``as_of`` (of one
        cycle, or all when ``cycle_id`` is None), as ``audit_actions`` lists them, scoped alike;
        counted from the rows, so a dashboard's totals read no audit."""
        with self._viewing() as view:
            return _answer(
                view,
                action_queries.audit_action_counts(view, cycle_id, as_of=_day(as_of), as_worker=as_worker),
            )

    @arguments.checked
    def thematic_audits(
        self, cycle_id: str | None = None, *, as_of: DateArgument, as_worker: str | None = None
    ) -> Rows[ThematicAuditRow]:
        """R-AUD-6: thematic audits agreed (with a hypothesis and a due date) by ``as_of`` and
        their progress. With ``cycle_id``: those agreed by the cycle's end that were not
        already completed before it began. Organisation-wide, ordered by due date; R-ACC-1:
        rows of no team are shown only to principals who see everything (decision 0606)."""
        with self._viewing() as view:
            return _answer(
                view, action_queries.thematic_audits(view, cycle_id, as_of=_day(as_of), as_worker=as_worker)
            )

    @arguments.checked
    def activity(self, start: DateArgument, end: DateArgument) -> Counts[str, int]:
        """Events whose business date falls in [start, end], by type (for "how do we know it")."""
        with self._viewing() as view:
            return _answer(view, audits.activity(view, _day(start), _day(end)))

    @arguments.checked
    def themes_raised(self, start: DateArgument, end: DateArgument) -> Counts[tuple[str, str], int]:
        """(source, theme) -> complaints, compliments and feedback raising it in [start, end]."""
        with self._viewing() as view:
            return _answer(view, audits.themes_raised(view, _day(start), _day(end)))
