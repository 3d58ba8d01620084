"""Every query of SPEC section 5 (and the dashboards beside them), over a view of the state.

:class:`Queries` is what the façade, reports and notification sources ask: each method checks
its arguments, takes a :class:`~kentqa_domain.readmodel.view.View` (one position of the state)
and hands it to the area's module (``plans``, ``observations``, ``audits``, ``complaints``).
The methods are written by area in mixins beside this module (``plans.py``,
``observations.py``, ``audits.py``, ``complaints.py``, on ``base.py``).
:meth:`Queries.at_one_position` gives the same methods bound to one view, so a report or a
run of notification sources reads every answer at the same position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..hookspecs import registered
from ..notification import Notification
from ..plain import Counts, Rows
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from ..readmodel.view import View
from ..reports.chairs import ChairsReport, build_chairs_report
from ..reports.learning import LearningReport, build_learning_report
from ..reports.renderers import BUILTIN
from .audits import AuditQueries
from .base import _answer, _day
from .complaints import ComplaintQueries
from .notifications import derive
from .observations import ObservationQueries
from .plans import PlanQueries

if TYPE_CHECKING:
    from ..access import Scope


class Queries(PlanQueries, ObservationQueries, AuditQueries, ComplaintQueries):
    """The queries; subclasses say where the view comes from (:meth:`_view`)."""

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

    # --- reports (SPEC 9.2, R-AUD-6) ---------------------------------------------------------

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
