"""The voice of children, families, partners and staff: compliments and feedback over a period
(framework 4.1 "Voice of children, young people and families", 4.3 "Service User and Partner
Feedback", "Learning from Compliments and Complaints"; SPEC section 5 ``voice_summary``).

The projection keeps **tallies per day and per month** in the store (decisions 0815, 0900):
one document per (received date, source) and one per (month, source), each counting, for
every team, the items by channel and by theme, with the ratings given. A period's summary
adds the month documents of its whole months and the day documents of its partial months, so
a year's summary reads at most 12 months and 62 days of documents per source, whatever the
history; the state is the same whatever order the items arrived in (it is a sum). The day
documents give the row tables ``kentqa_voice_days`` and ``kentqa_voice_day_themes`` for
analysts (``docs/read-model.md``). The summary counts items received in [start, end] by
source, channel, theme, team, and team by theme, with the count of ratings (1-5, feedback
only) and their mean. Compliments and feedback name no child, so there is nothing to forget
(issue 9).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from ...event_base import Event
from ...plain import Row, position_field
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from ...values import FeedbackChannel, FeedbackSource
from . import events as ev

RATINGS = (1, 2, 3, 4, 5)

#: What a tally counts an item as: a compliment, unrated feedback, or feedback rated 1-5.
COMPLIMENT, UNRATED = -1, 0

#: While summing, a tally's counts are packed into one integer, a 32-bit field per measure
#: (compliments, unrated feedback, feedback rated 1 .. 5), so adding tallies is adding
#: integers. Documents hold them as text: ``"compliments,unrated,rated 1,...,rated 5"``.
FIELD_BITS = 32
FIELD_MASK = (1 << FIELD_BITS) - 1
_FIELD = {COMPLIMENT: 0, UNRATED: 1, **{r: r + 1 for r in RATINGS}}
MEASURES = len(_FIELD)

#: Summed tallies: (BASE, source, team, channel) and (THEME, source, team, theme) -> packed
#: counts; source, team, channel and theme as the documents write them (NONE: not given).
BASE, THEME = "b", "t"
Key = tuple[str, str, str, str]
#: How a document writes "not given" (a team, a channel for compliments, a theme): ids, themes
#: and channels are never empty.
NONE = ""


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


def item_of(event: Event) -> VoiceItem | None:
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


def counts_text(packed: int) -> str:
    """Packed counts as a document writes them: ``"compliments,unrated,rated 1,...,rated 5"``."""
    return ",".join(str((packed >> (FIELD_BITS * field)) & FIELD_MASK) for field in range(MEASURES))


def packed_of(text: str) -> int:
    """The packed counts of a document's text (:func:`counts_text`)."""
    packed = 0
    for field, count in enumerate(text.split(",")):
        if count != "0":
            packed += int(count) << (FIELD_BITS * field)
    return packed


@attrs.define
class Tallies:
    """The items one source gave on one day (or in one month), counted for each team (NONE:
    no team) by channel (NONE for compliments, which have none) and by theme (an item counts
    once under each of its themes; one without themes under NONE). Counts as :func:`counts_text`."""

    channels: dict[str, dict[str, str]] = attrs.Factory(dict)
    themes: dict[str, dict[str, str]] = attrs.Factory(dict)

    def add(self, item: VoiceItem) -> None:
        field = _FIELD[measure_of(item)]
        team = item.team_id or NONE
        channel = NONE if item.channel is None else item.channel.value
        _add(self.channels.setdefault(team, {}), channel, field)
        by_theme = self.themes.setdefault(team, {})
        for theme in _themes_of(item):
            _add(by_theme, theme or NONE, field)


#: The count text of one item counted in each field.
_ONE = [counts_text(1 << (FIELD_BITS * field)) for field in range(MEASURES)]


def _add(counts: dict[str, str], key: str, field: int) -> None:
    """One more item in ``field`` of ``counts[key]`` (the text changed in place of one field)."""
    found = counts.get(key)
    if found is None:
        counts[key] = _ONE[field]
        return
    parts = found.split(",")
    parts[field] = str(int(parts[field]) + 1)
    counts[key] = ",".join(parts)


def day_key(day: dt.date, source: FeedbackSource) -> str:
    """The key of a (received date, source) document: ``"2027-01-05/child"``."""
    return f"{day.isoformat()}/{source.value}"


def month_key(year: int, month: int, source: FeedbackSource) -> str:
    """The key of a (month, source) document: ``"2027-01/child"``."""
    return f"{year:04d}-{month:02d}/{source.value}"


def _counts_columns(thing: str) -> tuple[Column, ...]:
    return (
        Column("compliments", "INTEGER", f"compliments {thing}"),
        Column("feedback", "INTEGER", f"feedback items {thing} (rated or not)"),
        Column("rated", "INTEGER", "of the feedback, how many gave a rating (1-5)"),
        *(Column(f"rating_{r}", "INTEGER", f"of the feedback, how many rated {r}") for r in RATINGS),
    )


#: ``kentqa_voice_days``: each compliment and feedback item counted once.
VOICE_DAYS = Table(
    "kentqa_voice_days",
    (
        Column("day", "DATE", "the date received"),
        Column("source", "TEXT", "who it came from: child, young_person, parent_carer, partner, staff ..."),
        Column("team_id", "TEXT", "the team it is about (NULL: none given)"),
        Column("channel", "TEXT", "how feedback came: momo, survey ... (NULL: compliments, which have none)"),
        *_counts_columns("received that day from that source, about that team, by that channel"),
    ),
    indexes=(("day", "source"),),
    doc="Compliments and feedback received, per day, source, team and channel: each item counted once.",
)

#: ``kentqa_voice_day_themes``: each item counted once under each of its themes.
VOICE_DAY_THEMES = Table(
    "kentqa_voice_day_themes",
    (
        Column("day", "DATE", "the date received"),
        Column("source", "TEXT", "who it came from"),
        Column("team_id", "TEXT", "the team it is about (NULL: none given)"),
        Column("theme", "TEXT", "a theme the item raised (NULL: the item gave none)"),
        *_counts_columns("received that day from that source, about that team, raising that theme"),
    ),
    indexes=(("day", "source"),),
    doc="Compliments and feedback per day, source, team and theme: an item with two themes counts under both.",
)


class Voice(StoredProjection):
    """Compliments and feedback, as tallies per (received date, source) and (month, source)."""

    name = "voice"
    version = 1
    tables = (VOICE_DAYS, VOICE_DAY_THEMES)

    def setup(self) -> None:
        #: "YYYY-MM-DD/source" -> that day's items from that source
        self.days = self.session.map("days", str, Tallies)
        #: "YYYY-MM/source" -> the sum of that month's days from that source
        self.months = self.session.map("months", str, Tallies)

    def apply(self, event: Event, position: int) -> None:
        item = item_of(event)
        if item is None:
            return
        day = item.received_on
        self.days.setdefault(day_key(day, item.source), Tallies()).add(item)
        self.months.setdefault(month_key(day.year, day.month, item.source), Tallies()).add(item)

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        keys = [key for space, key in changed if space == "days"]
        if not keys:
            return []
        base: list[tuple[Any, ...]] = []
        themed: list[tuple[Any, ...]] = []
        for key in keys:
            tallies: Tallies = self.days[key]
            day_text, _, source = key.partition("/")
            day = dt.date.fromisoformat(day_text)
            for rows, part in ((base, tallies.channels), (themed, tallies.themes)):
                for team, counts in part.items():
                    for value, text in counts.items():
                        rows.append((key, day, source, team or None, value or None, *_row_counts(text)))
        return [(VOICE_DAYS, keys, base), (VOICE_DAY_THEMES, keys, themed)]

    def between(self, start: dt.date, end: dt.date, sources: Iterable[FeedbackSource]) -> dict[Key, int]:
        """The summed tallies of ``sources`` on the days ``start`` .. ``end`` inclusive: whole
        months from the month documents, the days of partial months from the day documents
        (read in one go each)."""
        chosen = list(sources)
        months, days = _parts(start, end)
        month_keys = [month_key(y, m, s) for y, m in months for s in chosen]
        day_keys = [day_key(d, s) for d in days for s in chosen]
        self.months.prefetch(month_keys)
        self.days.prefetch(day_keys)
        total: dict[Key, int] = {}
        get = total.get
        parsed: dict[str, int] = {}  # the distinct count texts of this query (a few hundred)
        for docs, keys in ((self.months, month_keys), (self.days, day_keys)):
            for key in keys:
                tallies: Tallies | None = docs.get(key)
                if tallies is None:
                    continue
                source = key.rpartition("/")[2]
                for kind, part in ((BASE, tallies.channels), (THEME, tallies.themes)):
                    for team, counts in part.items():
                        for value, text in counts.items():
                            packed = parsed.get(text)
                            if packed is None:
                                packed = parsed[text] = packed_of(text)
                            found = (kind, source, team, value)
                            total[found] = get(found, 0) + packed
        return total


def _row_counts(text: str) -> tuple[int, ...]:
    """compliments, feedback, rated, rating_1 .. rating_5 of a document's counts."""
    compliments, unrated, *ratings = (int(n) for n in text.split(","))
    rated = sum(ratings)
    return (compliments, unrated + rated, rated, *ratings)


def _parts(start: dt.date, end: dt.date) -> tuple[list[tuple[int, int]], list[dt.date]]:
    """The whole months of [start, end] as (year, month), and the days of its partial months."""
    months: list[tuple[int, int]] = []
    days: list[dt.date] = []
    cursor = start
    while cursor <= end:
        following = _first_of_next_month(cursor)
        last = following - _ONE_DAY
        if cursor.day == 1 and last <= end:
            months.append((cursor.year, cursor.month))
        else:
            days.extend(_days(cursor, min(end, last)))
        cursor = following
    return months, days


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


_ONE_DAY = dt.timedelta(days=1)


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
