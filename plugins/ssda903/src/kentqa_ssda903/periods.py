"""From SSDA903 rows to events: periods of care, and the reviews held in them.

A child's episodes, in order of DECOM, make periods of care (decision 0701):

- a period starts at an episode with ``RNE=S`` (started to be looked after), or at the first
  episode after the child was not looked after (one after a leaving code, or the first episode
  in the files when the child was already looked after when the return begins):
  ``ChildBecameLookedAfter(on=DECOM)`` (R-LAC-1). A child already looked after when the
  files begin enters on the earliest of that DECOM and their looked-after reviews before it,
  unless the store already holds their looked-after plan (an earlier year's import): then
  they continue it and no second entry is recorded;
- it ends at an episode whose ``REC`` is a leaving code (anything but ``X1``):
  ``ChildCeasedLookedAfter(on=DEC)`` (R-LAC-7);
- ``RNE=S`` while the previous episode did not end care is reported: it starts nothing;
- SPEC 9.2: the period's first episode's ``LS`` is its legal status
  (``ChildBecameLookedAfter(legal_status)``), a later episode with another ``LS`` a
  ``LegalStatusChanged(changed_on=DECOM)``, an episode with ``PLACE`` A3-A6 after one without
  a ``PlacedForAdoption(placed_on=DECOM)``; a series of V3 short breaks (an episode with ``LS``
  V3 that ends care followed by another V3 episode) is one period (decision 0978).

Each Reviews row is a ``ReviewHeld(kind=looked_after_review, held_on=REVIEW,
participation=REVIEW_CODE)`` with a deterministic id (child, kind, date and the row's ordinal
among that child's distinct reviews of the day, in order of REVIEW_CODE). A review of a child
whose episodes are in the files but outside every period of care is reported, not imported;
a child with no episodes in the files is left to the write model, which knows the children
earlier imports recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import attrs

from kentqa_domain import events as ev
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.importing import Duplicate, ImportOptions, Located, Problem, SourceLocation, review_id
from kentqa_domain.values import LegalStatus, PlanKind, ReviewKind

from .codes import ADOPTION_PLACEMENTS, show
from .rows import Episode, ReviewRow, Rows


@attrs.frozen
class Period:
    """One period of care: from ``start`` to ``end`` (None: still looked after)."""

    start: dt.date
    start_at: SourceLocation
    started: bool  # by an RNE=S episode (else: already looked after when the files begin, or re-entered)
    end: dt.date | None = None
    end_at: SourceLocation | None = None
    #: the legal status it started with, then its changes and placements for adoption (SPEC 9.2)
    status: LegalStatus | None = None
    changes: tuple[tuple[dt.date, LegalStatus, SourceLocation], ...] = ()
    placements: tuple[tuple[dt.date, SourceLocation], ...] = ()

    def holds(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def describe(self) -> str:
        return f"{show(self.start)} to {show(self.end) if self.end else 'now'}"


def events_from(rows: Rows, options: ImportOptions) -> Iterator[Located]:
    """Every event (and problem) the good rows of one import give."""
    episodes: dict[str, list[Episode]] = defaultdict(list)
    for episode in rows.episodes:
        episodes[episode.child].append(episode)
    reviews: dict[str, list[ReviewRow]] = defaultdict(list)
    for review in rows.reviews:
        reviews[review.child].append(review)
    periods: dict[str, list[Period]] = {}
    for child, own in episodes.items():
        spans = periods[child] = []
        yield from _periods(own, spans)
        _reach_back(spans, reviews.get(child, []))
        ref = options.child_ref(child)
        continuing = PlanKind.LOOKED_AFTER in options.known_plans(ref)
        for number, span in enumerate(spans):
            if not (number == 0 and continuing and not span.started):
                yield _event(
                    ev.ChildBecameLookedAfter,
                    span.start_at,
                    child_ref=ref,
                    on=span.start,
                    legal_status=span.status,
                )
            for day, status, at in span.changes:
                yield _event(ev.LegalStatusChanged, at, child_ref=ref, changed_on=day, legal_status=status)
            for day, at in span.placements:
                yield _event(ev.PlacedForAdoption, at, child_ref=ref, placed_on=day)
            if span.end is not None and span.end_at is not None:
                yield _event(ev.ChildCeasedLookedAfter, span.end_at, child_ref=ref, on=span.end)
    yield from _reviews(rows.reviews, periods, options)


def _periods(episodes: list[Episode], out: list[Period]) -> Iterator[Located]:
    """A child's periods of care from their episodes (decision 0701); problems on the way."""
    distinct: list[Episode] = []
    first_on: dict[dt.date, Episode] = {}
    for episode in sorted(episodes, key=lambda e: (e.decom, e.location)):
        earlier = first_on.get(episode.decom)
        if earlier is None:
            first_on[episode.decom] = episode
            distinct.append(episode)
        elif earlier.content() == episode.content():
            yield episode.location, Duplicate(earlier.location)
        else:
            yield (
                episode.location.at("DECOM"),
                Problem(
                    f"another episode of this child starts on {show(episode.decom)} "
                    f"(row {earlier.location.row}): row not imported"
                ),
            )
    current: tuple[Period, Episode] | None = None
    for index, episode in enumerate(distinct):
        previous = current[1] if current is not None else None
        if current is not None:
            current = (_with_episode(current[0], current[1], episode), episode)
        if current is None:
            last = out[-1] if out else None
            if last is not None and last.end is not None and episode.decom < last.end:
                yield (
                    episode.location.at("DECOM"),
                    Problem(
                        f"DECOM {show(episode.decom)} is before the child ceased to be looked after on "
                        f"{show(last.end)} ({last.end_at.describe() if last.end_at else ''}): row not imported"
                    ),
                )
                continue
            first = Period(
                episode.decom, episode.location.at("DECOM"), episode.starts_care, status=episode.ls
            )
            if episode.place in ADOPTION_PLACEMENTS:
                first = attrs.evolve(first, placements=((episode.decom, episode.location.at("PLACE")),))
            current = (first, episode)
        elif episode.starts_care and not (previous is not None and _v3_series(previous, episode)):
            yield (
                episode.location.at("RNE"),
                Problem(
                    f"RNE S (started to be looked after) but the child has been looked after since "
                    f"{show(current[0].start)} (row {current[1].location.row}) with no leaving code since: "
                    "no new period of care starts here"
                ),
            )
        following = distinct[index + 1] if index + 1 < len(distinct) else None
        if episode.ends_care and episode.dec is not None and not _v3_series(episode, following):
            out.append(attrs.evolve(current[0], end=episode.dec, end_at=episode.location.at("DEC")))
            current = None
    if current is not None:
        out.append(current[0])


def _v3_series(ending: Episode, following: Episode | None) -> bool:
    """Whether ``following`` continues ``ending``'s series of short breaks (both V3): one period
    of care, the clock not restarted at each break (R-LAC-8, decision 0978)."""
    return (
        following is not None
        and ending.ls is LegalStatus.V3
        and following.ls is LegalStatus.V3
        and (ending.dec is None or following.decom >= ending.dec)
    )


def _with_episode(period: Period, previous: Episode, episode: Episode) -> Period:
    """``period`` with what ``episode`` (within it) changes: its legal status (a change from
    the previous episode's) and a placement for adoption (PLACE A3-A6 after another placement)."""
    if episode.ls is not None and previous.ls is not None and episode.ls is not previous.ls:
        period = attrs.evolve(
            period, changes=(*period.changes, (episode.decom, episode.ls, episode.location.at("LS")))
        )
    if episode.place in ADOPTION_PLACEMENTS and previous.place not in ADOPTION_PLACEMENTS:
        period = attrs.evolve(
            period, placements=(*period.placements, (episode.decom, episode.location.at("PLACE")))
        )
    return period


def _reach_back(spans: list[Period], reviews: list[ReviewRow]) -> None:
    """A child already looked after when the files begin (first period not started by RNE=S)
    was looked after at their looked-after reviews before it: the period starts at the
    earliest of those (decision 0701)."""
    if not spans or spans[0].started or not reviews:
        return
    earliest = min(reviews, key=lambda r: (r.held_on, r.location))
    if earliest.held_on < spans[0].start:
        spans[0] = attrs.evolve(spans[0], start=earliest.held_on, start_at=earliest.location.at("REVIEW"))


def _reviews(
    reviews: list[ReviewRow], periods: dict[str, list[Period]], options: ImportOptions
) -> Iterator[Located]:
    kept: list[ReviewRow] = []
    for row in reviews:
        spans = periods.get(row.child)
        if spans is not None and not any(p.holds(row.held_on) for p in spans):
            shown = "; ".join(p.describe() for p in spans) or "none"
            yield (
                row.location.at("REVIEW"),
                Problem(
                    f"REVIEW {show(row.held_on)} is outside the child's periods of care in the episodes "
                    f"({shown}): row not imported"
                ),
            )
            continue
        kept.append(row)
    codes: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for row in kept:
        codes[(row.child, row.held_on)].add(row.participation or "")
    for row in kept:
        ordinal = sorted(codes[(row.child, row.held_on)]).index(row.participation or "") + 1
        ref = options.child_ref(row.child)
        kind = ReviewKind.LOOKED_AFTER_REVIEW
        yield _event(
            ev.ReviewHeld,
            row.location.at("REVIEW"),
            review_id=review_id(ref, kind, row.held_on, ordinal),
            child_ref=ref,
            kind=kind,
            held_on=row.held_on,
            participation=row.participation,
        )


def _event(cls: type[ev.Event], location: SourceLocation, **fields: object) -> Located:
    """The event, or the problem its construction found (e.g. a child id too long to store)."""
    try:
        return location, cls(**fields)
    except InvalidEvent as exc:
        return location, Problem(f"{exc}: not imported")
