"""The voice tallies: what one compliment or feedback item counts as, and the day and month
documents that count them (decisions 0815, 0900; SPEC section 5 ``voice_summary``).

A :class:`Tallies` counts the items one source gave on one day (or in one month), for every
team by channel and by theme, with the ratings given (1-5, feedback only). While summing, its
counts are packed into one integer per key (:func:`packed_of`); documents hold them as text
(:func:`counts_text`). Compliments and feedback name no child (issue 9).

Rules: framework 4.1 (voice of children, young people and families) and 4.3 (service user and
partner feedback): an item counts once under each of its themes, once under its channel
(compliments have none) and once under its team.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import attrs

from ...event_base import Event
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
FIELDS = {COMPLIMENT: 0, UNRATED: 1, **{r: r + 1 for r in RATINGS}}
MEASURES = len(FIELDS)

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
        field = FIELDS[measure_of(item)]
        team = item.team_id or NONE
        channel = NONE if item.channel is None else item.channel.value
        _add(self.channels.setdefault(team, {}), channel, field)
        by_theme = self.themes.setdefault(team, {})
        for theme in themes_of(item):
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


def themes_of(item: Item) -> tuple[str | None, ...]:
    return tuple(dict.fromkeys(item.themes)) or (None,)
