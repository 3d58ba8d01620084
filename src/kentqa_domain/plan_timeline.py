"""When a child's plans are open: looked-after episodes and child protection segments.

Shared by the write model (which refuses events that would make a child's history
inconsistent) and the read model (which computes the statutory schedule of each open plan).
Everything here works on business dates, so the answer is the same whatever order the
events were recorded in (decision 0200).

Looked after (R-LAC-1, R-LAC-7): becoming and ceasing to be looked after alternate in date
order; an episode runs from its start to its cessation, both days included, and a new
episode starts strictly after the previous one ended.

Child protection (R-CP-1, R-CP-2, R-CP-7): plan ends split the child's CP history into
segments ``(previous end, end]``; the last segment is open. A segment holds at most one
initial conference, every review conference follows the segment's initial conference, and a
plan end needs a strategy discussion or initial conference before it in its segment.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence

import attrs


@attrs.frozen
class Problem:
    """Why a child's history would be inconsistent: the rule broken and a message."""

    rule: str
    message: str


# --- Looked after -------------------------------------------------------------------------


@attrs.frozen
class Episode:
    """One period of being looked after, ``start`` to ``end`` inclusive (None: still open)."""

    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def lac_episodes(starts: Iterable[dt.date], ends: Iterable[dt.date]) -> list[Episode]:
    """The episodes of a consistent history (see :func:`lac_problem`), in date order."""
    start_list, end_list = sorted(starts), sorted(ends)
    return [
        Episode(start, end_list[i] if i < len(end_list) else None)
        for i, start in enumerate(start_list)
    ]


def episode_on(episodes: Sequence[Episode], day: dt.date) -> Episode | None:
    """The episode covering ``day``, if any."""
    for episode in episodes:
        if episode.covers(day):
            return episode
    return None


def lac_problem(
    starts: Iterable[dt.date],
    ends: Iterable[dt.date],
    reviews: Iterable[dt.date] = (),
    midways: Iterable[dt.date] = (),
) -> Problem | None:
    """The first inconsistency of a looked-after history, or None (R-LAC-1, R-LAC-4, R-LAC-7)."""
    timeline = sorted([(d, 0) for d in starts] + [(d, 1) for d in ends])
    open_since: dt.date | None = None
    last_end: dt.date | None = None
    for day, kind in timeline:
        if kind == 0:
            if open_since is not None:
                return Problem(
                    "R-LAC-1",
                    f"the child is already looked after from {open_since} (becoming looked after "
                    f"on {day} needs that episode to have ended the day before or earlier)",
                )
            open_since = day
        else:
            if open_since is None:
                since = f" since the episode that ended on {last_end}" if last_end else ""
                return Problem("R-LAC-7", f"the child was not looked after on {day}{since}")
            open_since, last_end = None, day
    episodes = lac_episodes(starts, ends)
    review_list = sorted(reviews)
    for day in review_list:
        if episode_on(episodes, day) is None:
            return Problem("R-LAC-7" if _ended_before(episodes, day) else "R-LAC-1", _outside(episodes, day, "a looked-after review"))
    for day in sorted(midways):
        episode = episode_on(episodes, day)
        if episode is None:
            return Problem("R-LAC-7" if _ended_before(episodes, day) else "R-LAC-4", _outside(episodes, day, "a midway review"))
        if not any(episode.start <= r < day for r in review_list):
            return Problem(
                "R-LAC-4",
                f"a midway review on {day} has no looked-after review before it in the episode "
                f"that started on {episode.start}",
            )
    return None


def _ended_before(episodes: Sequence[Episode], day: dt.date) -> bool:
    return any(e.end is not None and e.end < day for e in episodes)


def _outside(episodes: Sequence[Episode], day: dt.date, what: str) -> str:
    ended = [e.end for e in episodes if e.end is not None and e.end < day]
    if ended:
        return f"{what} on {day} falls after the child ceased to be looked after on {max(ended)}"
    return f"{what} on {day} falls when the child was not looked after"


# --- Child protection ---------------------------------------------------------------------


@attrs.frozen
class Segment:
    """A child's CP history between two plan ends: ``(after, ended_on]`` (None: open-ended)."""

    after: dt.date | None
    ended_on: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.after is None or day > self.after) and (self.ended_on is None or day <= self.ended_on)


def cp_segments(ends: Iterable[dt.date]) -> list[Segment]:
    """Every segment the plan ends cut the timeline into, the open one last."""
    end_list = sorted(set(ends))
    bounds: list[dt.date | None] = [None, *end_list]
    segments = [Segment(bounds[i], end) for i, end in enumerate(end_list)]
    segments.append(Segment(end_list[-1] if end_list else None, None))
    return segments


def segment_index(ends_sorted: Sequence[dt.date], day: dt.date) -> int:
    """Which segment ``day`` falls in (0 = before or on the first end)."""
    return bisect.bisect_left(ends_sorted, day)


def cp_problem(
    ends: Iterable[dt.date],
    strategy_discussions: Iterable[dt.date],
    initials: Iterable[dt.date],
    reviews: Iterable[dt.date] = (),
    midways: Iterable[dt.date] = (),
) -> Problem | None:
    """The first inconsistency of a CP history, or None (R-CP-1, R-CP-2, R-CP-4, R-CP-7)."""
    end_list = sorted(set(ends))
    segments = cp_segments(end_list)
    openers: list[list[dt.date]] = [[] for _ in segments]
    firsts: list[list[dt.date]] = [[] for _ in segments]
    for day in strategy_discussions:
        openers[segment_index(end_list, day)].append(day)
    for day in initials:
        i = segment_index(end_list, day)
        openers[i].append(day)
        firsts[i].append(day)
    for i, segment in enumerate(segments):
        if segment.ended_on is not None and not openers[i]:
            return Problem(
                "R-CP-7",
                f"no strategy discussion or initial conference precedes the plan end on "
                f"{segment.ended_on}" + (f" (after the end on {segment.after})" if segment.after else ""),
            )
        if len(firsts[i]) > 1:
            a, b = sorted(firsts[i])[:2]
            return Problem(
                "R-CP-1",
                f"one CP plan cannot have two initial conferences ({a} and {b}); record the plan's "
                f"end between them",
            )
    for what, days, rule in (("a review conference", reviews, "R-CP-2"), ("a midway review", midways, "R-CP-4")):
        for day in sorted(days):
            i = segment_index(end_list, day)
            first = firsts[i][0] if firsts[i] else None
            if first is not None and first < day:
                continue
            after = segments[i].after
            if first is None and after is not None:
                return Problem(
                    "R-CP-7",
                    f"{what} on {day} falls after the CP plan ended on {after} and no initial "
                    f"conference has started a new plan",
                )
            when = f"on {first}, not before it" if first is not None else "none is recorded"
            return Problem(rule, f"{what} on {day} must follow the plan's initial conference ({when})")
    return None
