"""The queries of complaints and the voice of children and families (R-CMP-1..6, framework 4.1,
4.3): a mixin of :class:`~kentqa_domain.queries.Queries`."""

from __future__ import annotations

from collections.abc import Iterable

from ..areas.complaints import queries as complaints
from ..areas.complaints.register import ComplaintRow
from ..areas.complaints.summary import ComplaintsSummary
from ..areas.voice import queries as voice
from ..areas.voice.summary import VoiceSummary
from ..plain import Rows
from ..readmodel import arguments
from ..readmodel.arguments import DateArgument
from ..values import FeedbackSource
from .base import QueryBase, _answer, _day


class ComplaintQueries(QueryBase):
    """Complaints, compliments and feedback: the complaints register and summary, the voice summary."""

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
