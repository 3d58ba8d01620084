"""Every query of SPEC section 5 (and the dashboards beside them), over a view of the state.

:class:`Queries` is what the façade, reports and notification sources ask: each method checks
its arguments, takes a :class:`~kentqa_domain.readmodel.view.View` (one position of the state)
and hands it to the area's module (``plans``, ``observations``, ``audits``, ``complaints``).
:meth:`Queries.at_one_position` gives the same methods bound to one view, so a report or a
run of notification sources reads every answer at the same position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

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
from ..areas.complaints import queries as complaints
from ..areas.complaints.register import ComplaintRow
from ..areas.complaints.summary import ComplaintsSummary
from ..areas.escalations import queries as escalations
from ..areas.escalations.projection import EscalationRow, EscalationState
from ..areas.observations import queries as observations
from ..areas.observations.rows import (
    Grouping,
    ObservationComplianceRow,
    ObservationLearningRow,
    ObservationSummaryRow,
)
from ..areas.plans import queries as plans
from ..areas.plans import timeliness_queries as timeliness
from ..areas.plans.drift import DriftRow
from ..areas.plans.review_qa import ReviewQARow
from ..areas.plans.timeliness import QuarterTimeliness, TimelinessRow
from ..areas.voice import queries as voice
from ..areas.voice.summary import VoiceSummary
from ..events import AuditCompleted
from ..hookspecs import registered
from ..notification import Notification
from ..plain import Counts, Rows
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from ..readmodel.view import View
from ..reports.chairs import ChairsReport, build_chairs_report
from ..reports.learning import LearningReport, build_learning_report
from ..reports.renderers import BUILTIN
from ..values import FeedbackSource, ObservationSetting
from .notifications import derive

if TYPE_CHECKING:
    from ..access import Scope
    from ..policy import Policy


class Queries:
    """The queries; subclasses say where the view comes from (:meth:`_view`)."""

    policy: Policy
    plugin_manager: Any = None

    def _viewing(self) -> AbstractContextManager[View]:
        """The state as it is now, for the length of the block: one position, one snapshot."""
        raise NotImplementedError

    def view(self) -> View:
        """The state as it is now (outside a snapshot: for one query's reads)."""
        with self._viewing() as view:
            return view

    @contextmanager
    def at_one_position(self) -> Iterator[FixedQueries]:
        """These queries bound to the state as it is now, for the block: every answer from
        one position and one snapshot of the store (``with qa.at_one_position() as q: ...``)."""
        with self._viewing() as view:
            yield FixedQueries(view, self.plugin_manager)

    # --- organisation -------------------------------------------------------------------

    @arguments.checked
    def scope(self, as_worker: str | None = None, *, on: dt.date) -> Scope:
        """R-ACC-1: what ``as_worker`` may see on the day ``on`` (None: everything; a worker
        who had left by ``on`` sees nothing, decision 0105). Queries take ``as_worker=``."""
        with self._viewing() as view:
            return view.scope(as_worker, on=on)

    @arguments.checked
    def cycle_bounds(self, cycle_id: str) -> tuple[dt.date, dt.date]:
        """R-AUD-1: first and last day of a cycle under this policy; a malformed id is refused
        (``InvalidInput`` naming ``cycle_id`` and the rule)."""
        return View(None, self.policy, 0).cycle_bounds(cycle_id)

    @arguments.checked
    def stats(self) -> Counts[str, int]:
        """Events stored, by type."""
        with self._viewing() as view:
            counts: Counts[str, int] = Counts(view.projection("event_counts").by_type(), view.position)
        return counts

    # --- children's plans and escalations (R-LAC-1..7, R-CP-1..7, R-ESC-1..5) ------------

    @arguments.checked
    def drift_register(self, *, as_of: DateArgument, as_worker: str | None = None) -> Rows[DriftRow]:
        """What is overdue in every open looked-after and CP plan at ``as_of`` (SPEC section 5).

        Rows ``child_ref, plan, kind, due_on, working_days_overdue, escalation_id`` (and the
        team, worker, review and action they concern), oldest due date first. R-ACC-1: a row
        is visible to its team and to the team of the plan's chair or IRO.
        """
        with self._viewing() as view:
            day = _day(as_of)
            escalated = escalations.open_by_child(view, day)
            return _answer(
                view, plans.drift_register(view, as_of=day, escalations=escalated, as_worker=as_worker)
            )

    @arguments.checked
    def escalations(
        self,
        *,
        as_of: DateArgument,
        as_worker: str | None = None,
        state: EscalationState | str | None = None,
        since: DateArgument | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Rows[EscalationRow]:
        """Every escalation raised on or before ``as_of`` (SPEC section 5, R-ESC-1..5).

        Rows ``escalation_id, stage, state, raised_on, response_due_on, response_overdue,
        working_days_open, breached`` (and more), by raising date then id. R-ACC-1: a row is
        visible to the team it names and to the team of the worker who raised it.

        Optional filters for a dashboard (decision 0815): ``state`` (``open``, ``resolved`` or
        ``referred``, the row's state at ``as_of``) and ``since`` (raised on or after it).
        ``state="open"`` visits only the escalations not ended by ``as_of``, so "what is open
        now" costs the same whatever the length of the history. Paging: ``limit`` rows at
        most, starting after the escalation ``after`` (the ``escalation_id`` of the previous
        page's last row; an unknown id is an ``UnknownReference`` naming ``after``).
        """
        with self._viewing() as view:
            return _answer(
                view,
                escalations.escalations(
                    view,
                    as_of=_day(as_of),
                    as_worker=as_worker,
                    state=state,
                    since=_day(since),
                    limit=limit,
                    after=after,
                ),
            )

    @arguments.checked
    def review_qa_summary(
        self,
        *,
        as_of: DateArgument,
        by: str = "team",
        since: DateArgument | None = None,
        as_worker: str | None = None,
    ) -> Rows[ReviewQARow]:
        """The IRO / CP Chair QA of reviews held in ``[since, as_of]``, by team or by chair.

        ``by`` is ``"team"`` or ``"chair"``; one row per group and plan kind (R-LAC-5, R-CP-5;
        framework 4.3). Shares count the QAs recorded on or before ``as_of``. R-ACC-1: a
        review counts if its team or its chair's team is visible.
        """
        with self._viewing() as view:
            return _answer(
                view,
                plans.review_qa_summary(
                    view, as_of=_day(as_of), by=by, since=_day(since), as_worker=as_worker
                ),
            )

    @arguments.checked
    def review_timeliness(
        self, start: DateArgument, end: DateArgument, *, as_of: DateArgument, as_worker: str | None = None
    ) -> Rows[TimelinessRow]:
        """R-TML-1 (SPEC 9.2): of the reviews and conferences held in ``[start, end]`` (up to
        ``as_of``), how many were held and how many in time, by kind.

        One row per kind (``first_looked_after_review``, ``second_looked_after_review``,
        ``later_looked_after_review``, ``initial_cp_conference``, ``first_review_cp_conference``,
        ``later_review_cp_conference``) with ``held, held_in_time, share_in_time``: first
        ``by="overall"`` (every kind), then ``by="team"`` and ``by="chair"`` (``key`` the team or
        chair id). In time: held on or before the due date the drift register gave it. R-ACC-1:
        a review counts if its team or its chair's team is visible.
        """
        first, last = arguments.period("review_timeliness", start, end, None)
        with self._viewing() as view:
            return _answer(
                view,
                timeliness.review_timeliness(view, first, last, as_of=_day(as_of), as_worker=as_worker),
            )

    @arguments.checked
    def timeliness_by_quarter(
        self, start: DateArgument, end: DateArgument, *, as_of: DateArgument, as_worker: str | None = None
    ) -> Rows[QuarterTimeliness]:
        """R-TML-1 per quarter of the council's year (``2026-Q3``: October to December 2026),
        for every quarter ``[start, end]`` overlaps, oldest first: the share of reviews held in
        time, overall, looked after and child protection (the learning report's chart)."""
        first, last = arguments.period("timeliness_by_quarter", start, end, None)
        with self._viewing() as view:
            return _answer(
                view,
                timeliness.timeliness_by_quarter(view, first, last, as_of=_day(as_of), as_worker=as_worker),
            )

    @arguments.checked
    def chairs_report(
        self, quarter: str, *, as_of: DateArgument | None = None, as_worker: str | None = None
    ) -> ChairsReport:
        """The IRO and CP Chair quarterly report (SPEC 9.2): timeliness (R-TML-1), QA of reviews
        by chair and team, escalations raised in the quarter and their outcomes, and drift open
        at the quarter's end. ``quarter`` like ``2026-Q3`` (the council's year, from April);
        ``as_of`` defaults to the quarter's last day, or today if sooner. ``to_json()``,
        ``to_markdown()``, ``to_html()`` or ``render(format)`` like the learning report."""
        with self._viewing() as view:  # every section from one snapshot
            return _answer(
                view, build_chairs_report(self, str(quarter), as_of=_day(as_of), as_worker=as_worker)
            )

    # --- observations (R-OBS-1..5) -----------------------------------------------------------

    @arguments.checked
    def observation_compliance(
        self, *, as_of: DateArgument, as_worker: str | None = None, team: str | None = None
    ) -> Rows[ObservationComplianceRow]:
        """R-OBS-1..5: one row per current practitioner on ``as_of``, sorted by team then worker.

        Reads the documents of the practitioners current on ``as_of`` only (selected from
        ``kentqa_worker_periods`` by index: leavers and practitioners promoted on earlier days are never read); due dates and
        statuses are computed from them, the policy and ``as_of``. Events dated after ``as_of``
        are ignored. ``as_worker`` scopes the rows to what that worker may see (R-ACC-1);
        ``team`` keeps one team's rows (an unknown team is an ``UnknownReference``).
        See docs/observations.md.
        """
        with self._viewing() as view:
            return _answer(
                view,
                observations.observation_compliance(view, as_of=_day(as_of), as_worker=as_worker, team=team),
            )

    @arguments.checked
    def observation_summary(
        self,
        *,
        as_of: DateArgument,
        by: Grouping | str = Grouping.TEAM,
        as_worker: str | None = None,
        team: str | None = None,
    ) -> Rows[ObservationSummaryRow]:
        """Observation compliance counted by ``team``, ``service`` or ``area`` (R-OBS-4, R-OBS-5),
        over the rows ``as_worker`` may see (R-ACC-1).
        """
        with self._viewing() as view:
            return _answer(
                view,
                observations.observation_summary(
                    view, as_of=_day(as_of), by=by, as_worker=as_worker, team=team
                ),
            )

    @arguments.checked
    def observation_learning(
        self,
        *,
        start: DateArgument,
        end: DateArgument,
        as_of: DateArgument | None = None,
        as_worker: str | None = None,
        team: str | None = None,
        setting: ObservationSetting | str | None = None,
    ) -> Rows[ObservationLearningRow]:
        """Framework 4.5 annual learning: judgements per area, then overall, of the observations
        dated ``start``..``end`` (inclusive; a period still running ends at ``as_of``), practice
        and meeting unless ``setting`` says which. An observation belongs to the team its worker
        was in on the day; R-ACC-1 scopes by it and by the observed worker. Reads the rows of
        ``kentqa_observations`` dated in the period only.
        """
        with self._viewing() as view:
            return _answer(
                view,
                observations.observation_learning(
                    view,
                    start=_day(start),
                    end=_day(end),
                    as_of=_day(as_of),
                    as_worker=as_worker,
                    team=team,
                    setting=setting,
                ),
            )

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

    @arguments.checked
    def learning_report(
        self, cycle_id: str, *, as_of: DateArgument, as_worker: str | None = None
    ) -> LearningReport:
        """R-AUD-6: the triannual Learning and Improvement report for a cycle, answering what
        do we know, how do we know it and what are our plans; ``to_json()``, ``to_markdown()``,
        ``to_html()`` or ``render(format)`` with any registered renderer."""
        self.cycle_bounds(cycle_id)
        with self._viewing() as view:  # every section from one snapshot
            return _answer(
                view, build_learning_report(self, cycle_id, as_of=_day(as_of), as_worker=as_worker)
            )

    def renderers(self) -> dict[str, Any]:
        """Report format -> renderer, from the built-ins and every ``kentqa_register_renderers`` plugin."""
        pm = self.plugin_manager
        if pm is None:  # not opened by connect(): the built-in formats only
            return dict(BUILTIN)
        return {
            name: renderer
            for name, (renderer, _plugin) in registered(pm.hook.kentqa_register_renderers).items()
        }

    # --- notifications (SPEC section 6) --------------------------------------------------------

    @arguments.checked
    def notifications(self, *, as_of: DateArgument, as_worker: str | None = None) -> Rows[Notification]:
        """What must be told at ``as_of``: every notification source's findings (SPEC section 6).

        Each :class:`~kentqa_domain.notifications.Notification` has a stable ``key`` (kind,
        subject, due date), an audience role and a message naming the ids. Scoped like every
        query (R-ACC-1) by the notification's team and worker. Deliver them with
        ``kentqa notify`` or :func:`kentqa_domain.notifications.delivery.deliver`.
        """
        with self._viewing() as view:
            day = _day(as_of)
            scope = view.scope(as_worker, on=day)
            return _answer(
                view,
                [
                    n
                    for n in derive(self, self.policy, day)
                    if scope.allows(team_id=n.team_id, worker_id=n.ref("worker_id"), teams=view.teams)
                ],
            )

    # --- complaints and the voice of children and families (R-CMP-1..6) ------------------------

    @arguments.checked
    def complaints_register(
        self,
        *,
        as_of: DateArgument,
        as_worker: str | None = None,
        state: str | Iterable[str] | None = None,
        since: DateArgument | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Rows[ComplaintRow]:
        """Every complaint received by ``as_of``: stage, state, due date, extended, breached, late.

        R-CMP-1..6; see :class:`~kentqa_domain.areas.complaints.register.ComplaintRow` and
        docs/complaints-and-voice.md. Facts dated after ``as_of`` are not counted.

        Optional filters for a dashboard (decision 0815): ``state`` (``open``, ``closed`` or
        ``withdrawn``, or several of them: the row's state at ``as_of``) and ``since``
        (received on or after it). ``state="open"`` visits only the complaints not settled
        by ``as_of``, so "what is open now" costs the same whatever the length of the history.

        Paging: ``limit`` rows at most (None: all), starting after the row of ``after`` (the
        ``complaint_id`` of the previous page's last row; an id not in the register is an
        ``InvalidInput`` naming ``after``). Pages follow the register's order, so asking
        again with the same arguments and each page's last id walks the whole register.
        """
        with self._viewing() as view:
            return _answer(
                view,
                complaints.complaints_register(
                    view,
                    as_of=_day(as_of),
                    as_worker=as_worker,
                    state=state,
                    since=_day(since),
                    limit=limit,
                    after=after,
                ),
            )

    @arguments.checked
    def complaints_summary(
        self,
        start: DateArgument,
        end: DateArgument,
        *,
        as_of: DateArgument | None = None,
        as_worker: str | None = None,
    ) -> ComplaintsSummary:
        """Complaints in [start, end] overall, by service and by team: volumes, stages,
        outcomes, timeliness share, themes, learning and actions (framework 4.3; R-CMP-1..6).

        For the quarterly learning report and the six-monthly report to senior managers. A
        period still running is reported up to ``as_of`` (``end`` is then ``as_of``).
        """
        with self._viewing() as view:
            return _answer(
                view,
                complaints.complaints_summary(
                    view, _day(start), _day(end), as_of=_day(as_of), as_worker=as_worker
                ),
            )

    @arguments.checked
    def voice_summary(
        self,
        start: DateArgument,
        end: DateArgument,
        *,
        as_of: DateArgument | None = None,
        as_worker: str | None = None,
        sources: Iterable[FeedbackSource | str] | None = None,
    ) -> VoiceSummary:
        """Compliments and feedback received in [start, end] by source, channel, theme, rating
        and team, and team by theme: "what are children and families telling us?" (framework
        4.1, 4.3). ``sources`` limits whose voice is counted (default: everyone's), e.g.
        ``("child", "young_person", "parent_carer")``.
        """
        with self._viewing() as view:
            return _answer(
                view,
                voice.voice_summary(
                    view, _day(start), _day(end), as_of=_day(as_of), as_worker=as_worker, sources=sources
                ),
            )


_A = TypeVar("_A")
_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")


@overload
def _day(value: DateArgument) -> dt.date: ...
@overload
def _day(value: None) -> None: ...
@overload
def _day(value: DateArgument | None) -> dt.date | None: ...
def _day(value: DateArgument | None) -> dt.date | None:
    """A date argument as the area modules take it: :func:`arguments.checked` has already
    read it (a ``date``); one given otherwise is read here the same way."""
    if value is None or isinstance(value, dt.date):
        return value
    return arguments.date("query", "date", value)


@overload
def _answer(view: View, result: list[_T]) -> Rows[_T]: ...
@overload
def _answer(view: View, result: dict[_K, _V]) -> Counts[_K, _V]: ...
@overload
def _answer(view: View, result: _A) -> _A: ...
def _answer(view: View, result: Any) -> Any:
    """An answer with the log position it reflects (SPEC 9.5): a list as :class:`Rows`, a dict
    as :class:`Counts`, a summary or report with its ``position`` field set."""
    if isinstance(result, list):
        return Rows(result, view.position)
    if isinstance(result, dict):
        return Counts(result, view.position)
    if attrs.has(type(result)) and "position" in attrs.fields_dict(type(result)):
        return attrs.evolve(result, position=view.position)
    return result


class FixedQueries(Queries):
    """The queries over one view (one position): what reports and notification runs read."""

    def __init__(self, view: View, plugin_manager: Any = None) -> None:
        self._fixed = view
        self.policy = view.policy
        self.plugin_manager = plugin_manager

    @contextmanager
    def _viewing(self) -> Iterator[View]:
        yield self._fixed

    @property
    def position(self) -> int:
        return self._fixed.position


__all__ = ["FixedQueries", "Queries", "View"]
