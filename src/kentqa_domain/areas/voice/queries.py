"""The voice of children, families, partners and staff: compliments and feedback over a period
(framework 4.1, 4.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ...readmodel import arguments
from ...readmodel.view import View
from ...values import FeedbackSource
from .summary import VoiceSummary
from .summary import summary as summarise_voice


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
    allows = view.team_filter(as_worker, on=end)
    return summarise_voice(view.projection("voice"), start, end, chosen, allows)
