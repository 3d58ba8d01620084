"""The voice summary: "what are children and families telling us?" over a period
(``qa.voice_summary``; framework 4.1, 4.3; SPEC section 5; decision 0815).

Two ways of counting give the same :class:`VoiceSummary`: :func:`summarise`, item by item
(the plain fold), and :func:`summarise_tallies`, from a period's summed tallies
(:meth:`~.projection.Voice.between`), which is what :func:`summary` answers the query with.
Each counts items received in [start, end] by source, channel, theme, team, and team by
theme, with the count of ratings (1-5, feedback only) and their mean.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import attrs

from ...plain import Row, position_field
from ...values import FeedbackChannel, FeedbackSource
from .projection import Voice
from .tallies import BASE, FIELD_BITS, FIELD_MASK, FIELDS, RATINGS, UNRATED, Item, Key, themes_of


@attrs.frozen
class VoiceTally:
    """Compliments and feedback for one group; ``rated``/``mean_rating`` over rated feedback."""

    key: str | None
    feedback: int
    compliments: int
    rated: int
    mean_rating: float | None
    ratings: dict[int, int]


@attrs.frozen
class TeamThemeTally:
    """What one team hears about one theme (team or theme None: not given)."""

    team_id: str | None
    theme: str | None
    feedback: int
    compliments: int
    rated: int
    mean_rating: float | None


@attrs.frozen
class VoiceSummary(Row):
    """``qa.voice_summary(start, end)``: "what are children and families telling us?"."""

    start: dt.date
    end: dt.date
    sources: tuple[FeedbackSource, ...]
    overall: VoiceTally
    by_source: tuple[VoiceTally, ...]
    by_channel: tuple[VoiceTally, ...]
    by_theme: tuple[VoiceTally, ...]
    by_team: tuple[VoiceTally, ...]
    by_team_theme: tuple[TeamThemeTally, ...]
    #: the log position this answer reflects (SPEC 9.5), set by the query
    position: int | None = position_field()


@attrs.define
class _Counts:
    feedback: int = 0
    compliments: int = 0
    ratings: Counter[int] = attrs.Factory(Counter)

    def add(self, item: Item) -> None:
        if item.compliment:
            self.compliments += 1
            return
        self.feedback += 1
        if item.rating is not None:
            self.ratings[item.rating] += 1

    @classmethod
    def unpack(cls, packed: int) -> _Counts:
        """The counts of a packed tally (a ``FIELD_BITS`` field per measure)."""
        ratings = Counter({r: n for r in RATINGS if (n := (packed >> (FIELD_BITS * FIELDS[r])) & FIELD_MASK)})
        unrated = (packed >> (FIELD_BITS * FIELDS[UNRATED])) & FIELD_MASK
        return cls(unrated + sum(ratings.values()), packed & FIELD_MASK, ratings)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def mean(self) -> float | None:
        rated = self.rated
        return sum(r * n for r, n in self.ratings.items()) / rated if rated else None

    @property
    def total(self) -> int:
        return self.feedback + self.compliments

    def tally(self, key: str | None) -> VoiceTally:
        return VoiceTally(
            key=key,
            feedback=self.feedback,
            compliments=self.compliments,
            rated=self.rated,
            mean_rating=self.mean,
            ratings={r: self.ratings[r] for r in RATINGS},
        )


def source_of(item: Item) -> FeedbackSource:
    """Who the item came from: a compliment's ``from_role``, a feedback item's ``source``."""
    return item.source


def _none_last(key: str | None) -> tuple[bool, str]:
    return key is None, key or ""


def _summary(
    start: dt.date,
    end: dt.date,
    sources: tuple[FeedbackSource, ...],
    *,
    overall: _Counts,
    by_source: Mapping[FeedbackSource, _Counts],
    by_channel: Mapping[FeedbackChannel, _Counts],
    by_theme: Mapping[str | None, _Counts],
    by_team: Mapping[str | None, _Counts],
    by_team_theme: Mapping[tuple[str | None, str | None], _Counts],
) -> VoiceSummary:
    """The summary from its counts, in the order both ways of counting give it."""
    themes = sorted(by_theme, key=lambda t: (-by_theme[t].total, *_none_last(t)))
    pairs = sorted(
        by_team_theme,
        key=lambda p: (*_none_last(p[0]), -by_team_theme[p].total, *_none_last(p[1])),
    )
    return VoiceSummary(
        start=start,
        end=end,
        sources=sources,
        overall=overall.tally(None),
        by_source=tuple(by_source[s].tally(s.value) for s in sources),
        by_channel=tuple(by_channel[c].tally(c.value) for c in FeedbackChannel),
        by_theme=tuple(by_theme[t].tally(t) for t in themes),
        by_team=tuple(by_team[t].tally(t) for t in sorted(by_team, key=_none_last)),
        by_team_theme=tuple(
            TeamThemeTally(
                team_id=team,
                theme=theme,
                feedback=(c := by_team_theme[(team, theme)]).feedback,
                compliments=c.compliments,
                rated=c.rated,
                mean_rating=c.mean,
            )
            for team, theme in pairs
        ),
    )


def summarise(
    items: Iterable[Item], start: dt.date, end: dt.date, sources: tuple[FeedbackSource, ...]
) -> VoiceSummary:
    """The summary of ``items`` (already scoped and restricted to the period and sources),
    item by item: the plain fold that the day tallies must agree with (decision 0815)."""
    overall = _Counts()
    by_source = {s: _Counts() for s in sources}
    by_channel = {c: _Counts() for c in FeedbackChannel}
    by_theme: dict[str | None, _Counts] = {}
    by_team: dict[str | None, _Counts] = {}
    by_team_theme: dict[tuple[str | None, str | None], _Counts] = {}
    for item in items:
        overall.add(item)
        by_source[source_of(item)].add(item)
        if item.channel is not None:
            by_channel[item.channel].add(item)
        by_team.setdefault(item.team_id, _Counts()).add(item)
        for theme in themes_of(item):
            by_theme.setdefault(theme, _Counts()).add(item)
            by_team_theme.setdefault((item.team_id, theme), _Counts()).add(item)
    return _summary(
        start,
        end,
        sources,
        overall=overall,
        by_source=by_source,
        by_channel=by_channel,
        by_theme=by_theme,
        by_team=by_team,
        by_team_theme=by_team_theme,
    )


def summarise_tallies(
    tallies: Mapping[Key, int],
    start: dt.date,
    end: dt.date,
    sources: tuple[FeedbackSource, ...],
    allows: Callable[[str | None], bool],
) -> VoiceSummary:
    """The summary of a period's summed tallies (:meth:`Voice.between`), counting the keys
    from ``sources`` whose team ``allows(team_id)``."""
    overall = 0
    chosen = {s.value: s for s in sources}
    channels = {c.value: c for c in FeedbackChannel}
    source_sums = dict.fromkeys(sources, 0)
    channel_sums = dict.fromkeys(FeedbackChannel, 0)
    theme_sums: dict[str | None, int] = {}
    team_sums: dict[str | None, int] = {}
    pair_sums: dict[tuple[str | None, str | None], int] = {}
    visible: dict[str, bool] = {}
    for (kind, source_value, team_text, value), packed in tallies.items():
        source = chosen.get(source_value)
        if source is None or not packed:
            continue
        team = team_text or None
        seen = visible.get(team_text)
        if seen is None:
            seen = visible[team_text] = allows(team)
        if not seen:
            continue
        if kind == BASE:
            overall += packed
            source_sums[source] += packed
            if value:
                channel_sums[channels[value]] += packed
            team_sums[team] = team_sums.get(team, 0) + packed
        else:
            theme = value or None
            theme_sums[theme] = theme_sums.get(theme, 0) + packed
            pair_sums[(team, theme)] = pair_sums.get((team, theme), 0) + packed
    by_source = {s: _Counts.unpack(n) for s, n in source_sums.items()}
    by_channel = {c: _Counts.unpack(n) for c, n in channel_sums.items()}
    by_theme = {t: _Counts.unpack(n) for t, n in theme_sums.items()}
    by_team = {t: _Counts.unpack(n) for t, n in team_sums.items()}
    by_team_theme = {p: _Counts.unpack(n) for p, n in pair_sums.items()}
    return _summary(
        start,
        end,
        sources,
        overall=_Counts.unpack(overall),
        by_source=by_source,
        by_channel=by_channel,
        by_theme=by_theme,
        by_team=by_team,
        by_team_theme=by_team_theme,
    )


def summary(
    projection: Voice,
    start: dt.date,
    end: dt.date,
    sources: tuple[FeedbackSource, ...],
    allows: Callable[[str | None], bool],
) -> VoiceSummary:
    """``qa.voice_summary``: items received in [start, end] from ``sources`` that ``allows(team_id)``,
    summed from the month and day documents of the period."""
    return summarise_tallies(projection.between(start, end, sources), start, end, sources, allows)
