"""The voice of children, families, partners and staff: compliments and feedback over a period
(framework 4.1 "Voice of children, young people and families", 4.3 "Service User and Partner
Feedback", "Learning from Compliments and Complaints"; SPEC section 5 ``voice_summary``).

The projection keeps **tallies per day** (decision 0815): for each received date, how many
items came with each (source, team, channel, rating) and each (source, team, theme, rating).
A period's summary is the sum of its days' tallies, so it costs the days and what they hold,
never the whole history, and the state is the same whatever order the items arrived in (it is
a sum). The summary counts items received in [start, end] by source, channel, theme, team,
and team by theme, with the count of ratings (1-5, feedback only) and their mean.
Compliments and feedback name no child, so there is nothing to forget (issue 9).
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import attrs

from .. import events as ev
from ..values import FeedbackChannel, FeedbackSource
from .base import Projection

RATINGS = (1, 2, 3, 4, 5)

#: What a tally counts an item as: a compliment, unrated feedback, or feedback rated 1-5.
COMPLIMENT, UNRATED = -1, 0

#: A tally's counts are packed into one integer, a 32-bit field per measure (compliments,
#: unrated feedback, feedback rated 1 .. 5), so adding tallies is adding integers.
FIELD_BITS = 32
FIELD_MASK = (1 << FIELD_BITS) - 1
_FIELD = {COMPLIMENT: 0, UNRATED: 1, **{r: r + 1 for r in RATINGS}}
UNIT = {measure: 1 << (FIELD_BITS * field) for measure, field in _FIELD.items()}

#: A day's tallies: (BASE, source, team, channel) and (THEME, source, team, theme) -> packed
#: counts of the items received that day.
BASE, THEME = "b", "t"
Key = tuple[Any, ...]


class VoiceItem(NamedTuple):
    """What the summary needs of one compliment or feedback item."""

    received_on: dt.date
    compliment: bool
    source: FeedbackSource
    channel: FeedbackChannel | None
    team_id: str | None
    rating: int | None
    themes: tuple[str, ...]


Item = VoiceItem


def item_of(event: ev.Event) -> VoiceItem | None:
    """The item a compliment or feedback event adds (None for any other event)."""
    if isinstance(event, ev.ComplimentReceived):
        return VoiceItem(event.received_on, True, event.from_role, None, event.team_id, None, event.themes)
    if isinstance(event, ev.FeedbackReceived):
        return VoiceItem(
            event.received_on, False, event.source, event.channel, event.team_id, event.rating, event.themes
        )
    return None


def measure_of(item: VoiceItem) -> int:
    """COMPLIMENT, UNRATED or the feedback's rating."""
    return COMPLIMENT if item.compliment else (item.rating or UNRATED)


def tally_keys(item: VoiceItem) -> list[Key]:
    """The day-tally keys one item counts under: one BASE key and one THEME key per theme
    (each theme once; no theme: None)."""
    keys: list[Key] = [(BASE, item.source, item.team_id, item.channel)]
    keys.extend((THEME, item.source, item.team_id, theme) for theme in _themes_of(item))
    return keys


class Voice(Projection):
    """Compliments and feedback, as tallies per received date."""

    name = "voice"
    version = 7
    #: Complaints, compliments and feedback carry no child reference (erasure: nothing to forget).
    holds_child_refs = False

    def __init__(self) -> None:
        #: received date -> tally key -> packed counts (see ``UNIT``)
        self.days: dict[dt.date, dict[Key, int]] = {}
        #: the dates of ``days``, sorted (a period is a slice)
        self.day_order: list[dt.date] = []
        #: (year, month) -> the sum of that month's days, for the whole months of a period
        self.months: dict[tuple[int, int], dict[Key, int]] = {}
        #: shared keys, so the tallies hold references, not copies
        self._shared: dict[Key, Key] = {}

    def apply(self, event: ev.Event, position: int) -> None:
        item = item_of(event)
        if item is None:
            return
        day = item.received_on
        tally = self.days.get(day)
        if tally is None:
            tally = self.days[day] = {}
            bisect.insort(self.day_order, day)
        month = self.months.setdefault((day.year, day.month), {})
        share, count = self._shared.setdefault, _COUNTS.setdefault
        unit = UNIT[measure_of(item)]
        for fresh in tally_keys(item):
            key = share(fresh, fresh)
            packed = tally.get(key, 0) + unit
            tally[key] = count(packed, packed)
            packed = month.get(key, 0) + unit
            month[key] = count(packed, packed)

    def __getstate__(self) -> dict[str, Any]:
        """A compact checkpoint: each day's keys, and its packed counts as 4-byte indexes into
        the table of distinct counts (a few hundred); the month tallies are rebuilt on load."""
        values = sorted({packed for tally in self.days.values() for packed in tally.values()})
        index = {packed: i for i, packed in enumerate(values)}
        days = {
            day: (tuple(tally), array("I", [index[packed] for packed in tally.values()]).tobytes())
            for day, tally in self.days.items()
        }
        return {"values": values, "days": days}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        values: list[int] = state["values"]
        for packed in values:
            _COUNTS.setdefault(packed, packed)
        for day, (keys, indexes) in state["days"].items():
            found = array("I")
            found.frombytes(indexes)
            tally = self.days[day] = {}
            month = self.months.setdefault((day.year, day.month), {})
            for key, i in zip(keys, found, strict=True):
                key = self._shared.setdefault(key, key)  # noqa: PLW2901 - the shared copy
                tally[key] = values[i]
                packed = month.get(key, 0) + values[i]
                month[key] = _COUNTS.setdefault(packed, packed)
        self.day_order = sorted(self.days)

    def between(self, start: dt.date, end: dt.date) -> dict[Key, int]:
        """The summed tallies of the days ``start`` .. ``end`` inclusive: whole months from
        the month tallies, the days of partial months from the day tallies."""
        total: dict[Key, int] = {}
        get = total.get
        for part in self._parts(start, end):
            for key, packed in part.items():
                total[key] = get(key, 0) + packed
        return total

    def _parts(self, start: dt.date, end: dt.date) -> Iterator[dict[Key, int]]:
        order, days = self.day_order, self.days
        cursor = start
        while cursor <= end:
            following = _first_of_next_month(cursor)
            if cursor.day == 1 and following - _ONE_DAY <= end:
                found = self.months.get((cursor.year, cursor.month))
                if found:
                    yield found
            else:
                last = min(end, following - _ONE_DAY)
                for day in order[bisect.bisect_left(order, cursor) : bisect.bisect_right(order, last)]:
                    yield days[day]
            cursor = following


_ONE_DAY = dt.timedelta(days=1)

#: Packed counts shared by every tally (a few hundred distinct values fill the days, tens of
#: thousands the months), so the tallies hold references, not copies. Kept outside the
#: projection's state: which intermediate sums were ever made depends on the arrival order.
_COUNTS: dict[int, int] = {}


def _first_of_next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)


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

    @classmethod
    def unpack(cls, packed: int) -> _Counts:
        """The counts of a packed tally (see ``UNIT``)."""
        ratings = Counter({r: n for r in RATINGS if (n := (packed >> (FIELD_BITS * _FIELD[r])) & FIELD_MASK)})
        unrated = (packed >> (FIELD_BITS * _FIELD[UNRATED])) & FIELD_MASK
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


def _themes_of(item: Item) -> tuple[str | None, ...]:
    return tuple(dict.fromkeys(item.themes)) or (None,)


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
        for theme in _themes_of(item):
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
    """The summary of a period's summed tallies, counting the keys from ``sources`` whose
    team ``allows(team_id)``."""
    overall = 0
    source_sums = dict.fromkeys(sources, 0)
    channel_sums = dict.fromkeys(FeedbackChannel, 0)
    theme_sums: dict[str | None, int] = {}
    team_sums: dict[str | None, int] = {}
    pair_sums: dict[tuple[str | None, str | None], int] = {}
    visible: dict[str | None, bool] = {}
    for (kind, source, team, value), packed in tallies.items():
        if source not in source_sums or not packed:
            continue
        seen = visible.get(team)
        if seen is None:
            seen = visible[team] = allows(team)
        if not seen:
            continue
        if kind == BASE:
            overall += packed
            source_sums[source] += packed
            if value is not None:
                channel_sums[value] += packed
            team_sums[team] = team_sums.get(team, 0) + packed
        else:
            theme_sums[value] = theme_sums.get(value, 0) + packed
            pair_sums[(team, value)] = pair_sums.get((team, value), 0) + packed
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
    summed from the days' tallies."""
    return summarise_tallies(projection.between(start, end), start, end, sources, allows)
