"""The queries of children's plans and escalations (R-LAC-1..7, R-CP-1..7, R-ESC-1..5, R-TML-1):
a mixin of :class:`~kentqa_domain.queries.Queries`."""

from __future__ import annotations

from ..areas.escalations import queries as escalations
from ..areas.escalations.projection import EscalationRow, EscalationState
from ..areas.plans import queries as plans
from ..areas.plans import timeliness_queries as timeliness
from ..areas.plans.drift import DriftRow
from ..areas.plans.review_qa import ReviewQARow
from ..areas.plans.timeliness import QuarterTimeliness, TimelinessRow
from ..plain import Rows
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from .base import QueryBase, _answer, _day


class PlanQueries(QueryBase):
    """Children's plans and escalations: the drift register, escalations, QA and timeliness of reviews."""

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
