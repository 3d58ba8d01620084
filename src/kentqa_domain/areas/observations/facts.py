"""The documents of the observation compliance projection: a team's, a worker's and an
observation's facts (R-OBS-1..5; SPEC 9.3; decision 0900).

- A **worker's** document (:class:`WorkerFacts`) holds their history as sorted lists of date
  ordinals, so a query ``as_of`` any date is a few bisections and never a replay:
  registration, moves, leaving and rejoining, role changes, ASYE completion and extensions,
  support flags and clears (R-OBS-3), practice observation dates (R-OBS-1..3 count only
  these), supervision dates, their observations (day, id) and, per observation whose
  reflective review was missed, the day it became missed (R-OBS-4). It answers which team
  (R-OBS-5: movers count under the new team from the move date), role and stretch in scope a
  worker is in on a day, and whether they are in post then (leavers drop out from their
  leaving date; SPEC 9.3: a rejoiner is back from their rejoining).
- An **observation's** document (:class:`ObservationFacts`) holds what the learning view and
  R-OBS-4 need of it: its worker, day, setting and grades, the team its worker was in on the
  day, when it was shared and reviewed, and its next supervision.
- A **team's** document (:class:`TeamFacts`) holds its service and area (summaries by
  service and area; R-ACC-1 scopes).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence

import attrs

from ...values import ExperienceLevel, Grade, ObservationArea, ObservationSetting, Role

#: The judgement areas of framework 4.5, then the overall judgement: the order of ``grades``.
LEARNING_AREAS: tuple[str, ...] = (*(a.value for a in ObservationArea), "overall")
AREA_INDEX = {name: i for i, name in enumerate(LEARNING_AREAS)}
GRADES = tuple(Grade)  # index = score - 1
FLAG, CLEAR = 0, 1  # a clear sorts after a flag of the same day: the clear wins (decision 0103)


def day_of(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def date_or_none(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


@attrs.define
class TeamFacts:
    """A team's service and area (summaries by service and area; R-ACC-1 scopes)."""

    team_id: str
    name: str
    service: str
    area: str


@attrs.define
class WorkerFacts:
    """One worker's history, as sorted date ordinals (one document per worker)."""

    worker_id: str
    registered: bool = False
    team_id: str = ""
    role: Role = Role.PRACTITIONER
    experience: ExperienceLevel = ExperienceLevel.EXPERIENCED
    registered_on: int = 0
    asye_started_on: int | None = None
    #: days of moves and rejoinings (a rejoiner joins a team) and the team from each
    move_days: list[int] = attrs.Factory(list)
    move_teams: list[str] = attrs.Factory(list)
    #: leaving days and rejoining days, each sorted (SPEC 9.3: a leaver may return)
    left: list[int] = attrs.Factory(list)
    rejoined: list[int] = attrs.Factory(list)
    #: days of role changes (and rejoinings with a role) and the role from each
    role_days: list[int] = attrs.Factory(list)
    role_values: list[Role] = attrs.Factory(list)
    asye_completed_on: int | None = None
    #: (agreed on, or 0 when not given; new end) of each ``ASYEExtended``, sorted (decision 0991)
    extensions: list[tuple[int, int]] = attrs.Factory(list)
    #: (day, FLAG or CLEAR, interval months or 0 for the policy default)
    support: list[tuple[int, int, int]] = attrs.Factory(list)
    #: days of practice observations (R-OBS-1..3 count only these), repeats kept
    practice: list[int] = attrs.Factory(list)
    #: (day, observation id) of every observation, practice or meeting (R-OBS-4)
    observations: list[tuple[int, str]] = attrs.Factory(list)
    supervisions: list[int] = attrs.Factory(list)
    #: per observation whose reflection was missed, the day it became missed (R-OBS-4)
    missed: list[int] = attrs.Factory(list)

    def team_on(self, day: int) -> str:
        """R-OBS-5: the team of the latest move on or before ``day``, else the registration team."""
        i = bisect_right(self.move_days, day)
        return self.move_teams[i - 1] if i else self.team_id

    @property
    def latest_team(self) -> str:
        return self.move_teams[-1] if self.move_teams else self.team_id

    @property
    def left_on(self) -> int | None:
        """The day of a leaving not followed by a rejoining, else None (in post)."""
        if len(self.left) > len(self.rejoined):
            return self.left[-1]
        return None

    def current_on(self, day: int) -> bool:
        """Registered on or before ``day`` and not away then (R-OBS-5: leavers drop out from
        ``left_on``; SPEC 9.3: a rejoiner is back from ``rejoined_on``)."""
        return (
            self.registered
            and self.registered_on <= day
            and bisect_right(self.left, day) == bisect_right(self.rejoined, day)
        )

    def role_on(self, day: int) -> Role:
        """The role of the latest role change (or rejoining with a role) on or before ``day``."""
        i = bisect_right(self.role_days, day)
        return self.role_values[i - 1] if i else self.role

    def asye_extended_to(self, day: int) -> int | None:
        """The latest new end of the ASYE year agreed on or before ``day`` (or undated), if any."""
        ends = [end for agreed, end in self.extensions if agreed <= day]
        return max(ends) if ends else None

    @property
    def latest_role(self) -> Role:
        return self.role_values[-1] if self.role_values else self.role

    def scope_start(self, day: int) -> int:
        """The first day of the stretch in scope (in post as a practitioner) holding ``day``,
        which must be in scope: the registration or latest rejoining on or before ``day``, or
        a later change back to practitioner (decision 0990)."""
        i = bisect_right(self.rejoined, day)
        start = self.rejoined[i - 1] if i else self.registered_on
        low = bisect_right(self.role_days, start)
        for j in range(bisect_right(self.role_days, day) - 1, low - 1, -1):
            changed = self.role_days[j]
            if self.role_on(changed - 1) is not Role.PRACTITIONER:
                return changed
        return start

    def periods(self) -> list[tuple[Role, int, int | None]]:
        """(role, from, until or None) of each period in post in one role (kentqa_worker_periods)."""
        starts = [self.registered_on, *self.rejoined]
        out: list[tuple[Role, int, int | None]] = []
        for n, start in enumerate(starts):
            until = self.left[n] if n < len(self.left) else None
            cuts = [d for d in self.role_days if start < d and (until is None or d < until)]
            bounds = [start, *cuts]
            for k, begin in enumerate(bounds):
                end = bounds[k + 1] if k + 1 < len(bounds) else until
                role = self.role_on(begin)
                if out and out[-1][0] is role and out[-1][2] == begin:
                    out[-1] = (role, out[-1][1], end)  # a change to the same role: one period
                else:
                    out.append((role, begin, end))
        return out


@attrs.define
class ObservationFacts:
    """What the compliance and learning views need of one observation (one document each).

    A share or review may be folded before its observation (late events): the document then
    exists with ``worker_id`` empty until the observation arrives.
    """

    worker_id: str = ""
    observed_on: int = 0
    setting: ObservationSetting = ObservationSetting.PRACTICE
    #: per entry of LEARNING_AREAS: 0 not judged, else the grade's score 1..4
    grades: tuple[int, ...] = ()
    #: the team the worker was in on ``observed_on`` ("" while the worker is not registered)
    team_id: str = ""
    shared_on: int | None = None
    reviewed_on: int | None = None
    #: the first supervision after the observation, if any yet (R-OBS-4)
    next_supervision: int | None = None
    #: the day from which the reflection counts as missed, or None (R-OBS-4)
    missed_from: int | None = None

    @property
    def recorded(self) -> bool:
        return bool(self.worker_id)

    @property
    def practice(self) -> bool:
        return self.setting is ObservationSetting.PRACTICE


def grade_of(grades: Sequence[int], area_index: int) -> Grade | None:
    """The grade at ``area_index`` of LEARNING_AREAS in a tuple of scores, if judged."""
    score = grades[area_index]
    return GRADES[score - 1] if score else None
