"""The queries of observations (R-OBS-1..5, framework 4.5): a mixin of
:class:`~kentqa_domain.queries.Queries`."""

from __future__ import annotations

from ..areas.observations import queries as observations
from ..areas.observations.rows import (
    Grouping,
    ObservationComplianceRow,
    ObservationLearningRow,
    ObservationSummaryRow,
)
from ..plain import Rows
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from ..values import ObservationSetting
from .base import QueryBase, _answer, _day


class ObservationQueries(QueryBase):
    """Observations: compliance per practitioner, counted by team, service or area, and the annual learning."""

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
