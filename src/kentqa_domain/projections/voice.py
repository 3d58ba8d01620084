"""The voice of children, families, partners and staff: compliments and feedback over a period
(framework 4.1 "Voice of children, young people and families", 4.3 "Service User and Partner
Feedback", "Learning from Compliments and Complaints"; SPEC section 5 ``voice_summary``).

The projection keeps every compliment and feedback item as a compact :class:`VoiceItem`
(what the summary counts, about 120 bytes, decision 0806) in an index sorted by received
date, so a period is a slice whatever order the items arrived in. The summary counts
items received in [start, end] by source, channel, theme, team, and team by theme, with the
count of ratings (1-5, feedback only) and their mean.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import attrs

from .. import events as ev
from ..values import FeedbackChannel, FeedbackSource
from .base import Projection

RATINGS = (1, 2, 3, 4, 5)


class VoiceItem(NamedTuple):
    """What the summary needs of one compliment or feedback item (its id is not needed: the
    write model's identity check lets each item in once)."""

    received_on: dt.date
    compliment: bool
    source: FeedbackSource
    channel: FeedbackChannel | None
    team_id: str | None
    rating: int | None
    themes: tuple[str, ...]


Item = VoiceItem


def _received_on(item: VoiceItem) -> dt.date:
    return item.received_on


def _order(item: VoiceItem) -> tuple[Any, ...]:
    """A total order on items (None sorts as an empty value), so the index is the same
    whatever order the items arrived in; items equal in every field are interchangeable."""
    return (
        item.received_on, item.compliment, item.source, item.channel or "", item.team_id or "",
        item.rating or 0, item.themes,
    )


class Voice(Projection):
    """Compliments and feedback, as compact items indexed by received date."""

    name = "voice"
    version = 2
    #: Complaints, compliments and feedback carry no child reference (erasure: nothing to forget).
    holds_child_refs = False

    def __init__(self) -> None:
        #: Appended as items arrive and sorted (by date first) when next read: mostly in order
        #: already, so sorting is cheap.
        self.index: list[VoiceItem] = []
        self.index_sorted = True
        #: shared values (days, theme tuples, team ids), so items hold references, not copies
        self._shared: dict[object, object] = {}

    def _share(self, value: Any) -> Any:
        return self._shared.setdefault(value, value)

    def apply(self, event: ev.Event, position: int) -> None:
        if isinstance(event, ev.ComplimentReceived):
            item = VoiceItem(
                self._share(event.received_on), True, event.from_role, None,
                self._share(event.team_id), None, self._share(event.themes),
            )
        elif isinstance(event, ev.FeedbackReceived):
            item = VoiceItem(
                self._share(event.received_on), False, event.source, event.channel,
                self._share(event.team_id), event.rating, self._share(event.themes),
            )
        else:
            return
        if self.index and _order(item) < _order(self.index[-1]):
            self.index_sorted = False
        self.index.append(item)

    def sorted_index(self) -> list[VoiceItem]:
        """The items by received date."""
        if not self.index_sorted:
            self.index.sort(key=_order)
            self.index_sorted = True
        return self.index

    def between(self, start: dt.date, end: dt.date) -> Iterator[VoiceItem]:
        """Items received on ``start`` .. ``end`` inclusive, by date."""
        index = self.sorted_index()
        low = bisect.bisect_left(index, start, key=_received_on)
        for item in itertools.islice(index, low, None):
            if item.received_on > end:
                return
            yield item


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
class VoiceSummary:
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


def _themes_of(item: Item) -> tuple[str | None, ...]:
    return tuple(dict.fromkeys(item.themes)) or (None,)


def _none_last(key: str | None) -> tuple[bool, str]:
    return key is None, key or ""


def summarise(
    items: Iterable[Item], start: dt.date, end: dt.date, sources: tuple[FeedbackSource, ...]
) -> VoiceSummary:
    """The summary of ``items`` (already scoped and restricted to the period and sources)."""
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
        for theme in _themes_of(item):
            by_theme.setdefault(theme, _Counts()).add(item)
            by_team_theme.setdefault((item.team_id, theme), _Counts()).add(item)
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


def summary(
    projection: Voice,
    start: dt.date,
    end: dt.date,
    sources: tuple[FeedbackSource, ...],
    allows: Callable[[str | None], bool],
) -> VoiceSummary:
    """``qa.voice_summary``: items received in [start, end] from ``sources`` that ``allows(team_id)``."""
    wanted = set(sources)
    items = (
        item for item in projection.between(start, end) if source_of(item) in wanted and allows(item.team_id)
    )
    return summarise(items, start, end, sources)
