"""Complaints and the voice of children and families (R-CMP-1..6; framework 4.1, 4.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from ..projections.complaints import CLOSED, OPEN, WITHDRAWN, ComplaintRow
from ..projections.complaints import register as register_complaints
from ..projections.complaints_summary import ComplaintsSummary
from ..projections.complaints_summary import summary as summarise_complaints
from ..projections.voice import VoiceSummary
from ..projections.voice import summary as summarise_voice
from ..values import FeedbackSource
from . import arguments
from .view import View


def _team_filter(view: View, as_worker: str | None) -> Callable[[str | None], bool]:
    """R-ACC-1: a predicate on a row's team for ``as_worker`` (rows without a team: all-seeing only)."""
    scope = view.scope(as_worker)
    teams = view.teams
    return lambda team_id: scope.allows(team_id=team_id, teams=teams)


def complaints_register(
    view: View,
    *,
    as_of: dt.date,
    as_worker: str | None = None,
    state: str | Iterable[str] | None = None,
    since: dt.date | None = None,
) -> list[ComplaintRow]:
    """Every complaint received by ``as_of``: stage, state, due date, extended, breached, late."""
    as_of = arguments.date("complaints_register", "as_of", as_of)
    states = None if state is None else arguments.states("complaints_register", state, (OPEN, CLOSED, WITHDRAWN))
    if since is not None:
        since = arguments.date("complaints_register", "since", since)
    allows = _team_filter(view, as_worker)
    return register_complaints(view.projection("complaints"), view.policy, as_of, allows, states=states, since=since)


def complaints_summary(
    view: View, start: dt.date, end: dt.date, *, as_of: dt.date | None = None, as_worker: str | None = None
) -> ComplaintsSummary:
    """Complaints in [start, end] overall, by service and by team (framework 4.3; R-CMP-1..6)."""
    start, end = arguments.period("complaints_summary", start, end, as_of)
    allows = _team_filter(view, as_worker)
    return summarise_complaints(view.projection("complaints"), view.policy, start, end, allows)


def voice_summary(
    view: View,
    start: dt.date,
    end: dt.date,
    *,
    as_of: dt.date | None = None,
    as_worker: str | None = None,
    sources: Iterable[FeedbackSource | str] | None = None,
) -> VoiceSummary:
    """Compliments and feedback received in [start, end] by source, channel, theme, rating and team."""
    start, end = arguments.period("voice_summary", start, end, as_of)
    chosen = arguments.sources(sources)
    allows = _team_filter(view, as_worker)
    return summarise_voice(view.projection("voice"), start, end, chosen, allows)
