"""The observation compliance projection: staff lifecycle and observations, folded by business date.

State per worker (sorted lists of date ordinals, so a query ``as_of`` any date is a few
bisections and never a replay): registration, moves, leaving, ASYE completion, support flags
and clears, practice observation dates, supervision dates and, per observation, the date
from which its reflective review counts as missed (R-OBS-4). Late events are normal: every
collection is kept sorted by business date, so the state is the same whatever order the
events arrive in. Due dates and statuses are computed at query time from these facts, the
policy and ``as_of`` (:mod:`.observation_due`), so a policy change needs no rebuild.

Rules: R-OBS-1 (ASYE), R-OBS-2 (annual), R-OBS-3 (support), R-OBS-4 (reflection missed),
R-OBS-5 (status; meeting observations never count; leavers drop out from their leaving date;
movers count under the new team from the move date). Events dated after ``as_of`` are ignored.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from .. import events as ev
from ..events import Event
from ..policy import Policy
from ..values import ExperienceLevel, Grade, ObservationArea, ObservationSetting, Role
from .base import Projection
from .observation_due import annual_due, asye_due, status_on, support_due
from .observation_rows import ObservationComplianceRow, Requirement

#: The judgement areas of framework 4.5, then the overall judgement: the order of ``grades``.
LEARNING_AREAS: tuple[str, ...] = (*(a.value for a in ObservationArea), "overall")
_AREA_INDEX = {name: i for i, name in enumerate(LEARNING_AREAS)}
_GRADES = tuple(Grade)  # index = score - 1
_FLAG, _CLEAR = 0, 1  # a clear sorts after a flag of the same day: the clear wins (decision 0103)


def _day(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


@attrs.define
class TeamFacts:
    """A team's service and area (summaries by service and area; R-ACC-1 scopes)."""

    team_id: str
    name: str
    service: str
    area: str


@attrs.define
class WorkerFacts:
    """One worker's history, as sorted date ordinals."""

    worker_id: str
    registered: bool = False
    team_id: str = ""
    role: Role = Role.PRACTITIONER
    experience: ExperienceLevel = ExperienceLevel.EXPERIENCED
    registered_on: int = 0
    asye_started_on: int | None = None
    move_days: list[int] = attrs.Factory(list)
    move_teams: list[str] = attrs.Factory(list)
    left_on: int | None = None
    asye_completed_on: int | None = None
    #: (day, _FLAG or _CLEAR, interval months or 0 for the policy default)
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

    def current_on(self, day: int) -> bool:
        """Registered on or before ``day`` and not left by then (R-OBS-5: leavers drop out from ``left_on``)."""
        return self.registered and self.registered_on <= day and (self.left_on is None or day < self.left_on)


@attrs.define(slots=True)
class ObservationFacts:
    """What the compliance and learning views need of one observation."""

    worker_id: str
    observed_on: int
    practice: bool
    #: one byte per entry of LEARNING_AREAS: 0 not judged, else the grade's score 1..4
    grades: bytes
    #: the first supervision after the observation, if any yet (R-OBS-4)
    next_supervision: int | None = None
    #: the day from which the reflection counts as missed, or None (R-OBS-4)
    missed_from: int | None = None


class ObservationCompliance(Projection):
    """Staff lifecycle and observations, for ``observation_compliance`` and its summaries."""

    name = "observation_compliance"
    version = 1
    #: Staff and observations only: no child reference (erasure: nothing to forget).
    holds_child_refs = False

    def __init__(self) -> None:
        self.teams: dict[str, TeamFacts] = {}
        self.workers: dict[str, WorkerFacts] = {}
        self.observations: dict[str, ObservationFacts] = {}
        self.shared: dict[str, int] = {}
        self.reviewed: dict[str, int] = {}
        #: (day, observation id), sorted: the learning view reads a period without a scan
        self.by_day: list[tuple[int, str]] = []

    # --- folding -------------------------------------------------------------------------

    def apply(self, event: Event, position: int) -> None:
        handler = _APPLY.get(type(event))
        if handler is not None:
            handler(self, event)

    def _worker(self, worker_id: str) -> WorkerFacts:
        facts = self.workers.get(worker_id)
        if facts is None:
            facts = self.workers[worker_id] = WorkerFacts(worker_id)
        return facts

    def _team_registered(self, event: ev.TeamRegistered) -> None:
        self.teams[event.team_id] = TeamFacts(event.team_id, event.name, event.service, event.area)

    def _worker_registered(self, event: ev.WorkerRegistered) -> None:
        w = self._worker(event.worker_id)
        w.registered = True
        w.team_id = event.team_id
        w.role = event.role
        w.experience = event.experience
        w.registered_on = event.registered_on.toordinal()
        w.asye_started_on = event.asye_started_on.toordinal() if event.asye_started_on else None

    def _worker_moved(self, event: ev.WorkerMoved) -> None:
        w = self._worker(event.worker_id)
        day = event.moved_on.toordinal()
        i = bisect_right(w.move_days, day)
        w.move_days.insert(i, day)
        w.move_teams.insert(i, event.team_id)

    def _worker_left(self, event: ev.WorkerLeft) -> None:
        self._worker(event.worker_id).left_on = event.left_on.toordinal()

    def _asye_completed(self, event: ev.ASYECompleted) -> None:
        self._worker(event.worker_id).asye_completed_on = event.completed_on.toordinal()

    def _support_flagged(self, event: ev.SupportNeedFlagged) -> None:
        insort(
            self._worker(event.worker_id).support,
            (event.flagged_on.toordinal(), _FLAG, event.interval_months or 0),
        )

    def _support_cleared(self, event: ev.SupportNeedCleared) -> None:
        insort(self._worker(event.worker_id).support, (event.cleared_on.toordinal(), _CLEAR, 0))

    def _supervision_held(self, event: ev.SupervisionHeld) -> None:
        w = self._worker(event.worker_id)
        day = event.held_on.toordinal()
        i = bisect_left(w.supervisions, day)
        previous = w.supervisions[i - 1] if i else None
        w.supervisions.insert(i, day)
        # Only observations after the previous supervision (or on its day) and before this
        # one have it as their next supervision (R-OBS-4).
        low = bisect_left(w.observations, (previous,)) if previous is not None else 0
        high = bisect_left(w.observations, (day,))
        for _, observation_id in w.observations[low:high]:
            self._refresh_reflection(observation_id)

    def _observation_recorded(self, event: ev.ObservationRecorded) -> None:
        w = self._worker(event.worker_id)
        day = event.observed_on.toordinal()
        grades = bytearray(len(LEARNING_AREAS))
        for area, grade in event.judgements.items():
            grades[_AREA_INDEX[area]] = Grade(grade).score
        grades[_AREA_INDEX["overall"]] = Grade(event.overall).score
        practice = event.setting is ObservationSetting.PRACTICE
        self.observations[event.observation_id] = ObservationFacts(
            event.worker_id, day, practice, bytes(grades)
        )
        if practice:
            insort(w.practice, day)
        insort(w.observations, (day, event.observation_id))
        insort(self.by_day, (day, event.observation_id))
        self._refresh_reflection(event.observation_id)

    def _observation_shared(self, event: ev.ObservationShared) -> None:
        self.shared[event.observation_id] = event.shared_on.toordinal()

    def _reflective_review_held(self, event: ev.ReflectiveReviewHeld) -> None:
        self.reviewed[event.observation_id] = event.held_on.toordinal()
        self._refresh_reflection(event.observation_id)

    def _refresh_reflection(self, observation_id: str) -> None:
        """R-OBS-4: an observation whose worker had a supervision after it with no reflective
        review on or before that supervision is "reflection missed" from that supervision's day.
        """
        facts = self.observations.get(observation_id)
        if facts is None:  # a review folded before its observation: refreshed when it arrives
            return
        w = self.workers[facts.worker_id]
        i = bisect_right(w.supervisions, facts.observed_on)
        facts.next_supervision = w.supervisions[i] if i < len(w.supervisions) else None
        review = self.reviewed.get(observation_id)
        missed = facts.next_supervision
        if missed is not None and review is not None and review <= missed:
            missed = None
        if missed == facts.missed_from:
            return
        if facts.missed_from is not None:
            del w.missed[bisect_left(w.missed, facts.missed_from)]
        if missed is not None:
            insort(w.missed, missed)
        facts.missed_from = missed

    # --- reading (no replay: a few bisections per worker) ---------------------------------

    def compliance_row(
        self, w: WorkerFacts, as_of: dt.date, policy: Policy
    ) -> ObservationComplianceRow | None:
        """The R-OBS-1..5 row of worker ``w`` on ``as_of``; None unless a current practitioner."""
        day = as_of.toordinal()
        if w.role is not Role.PRACTITIONER or not w.current_on(day):
            return None
        registered_on = _day(w.registered_on)
        seen = bisect_right(w.practice, day)
        latest = _day(w.practice[seen - 1]) if seen else None
        in_asye = w.experience is ExperienceLevel.ASYE and (
            w.asye_completed_on is None or w.asye_completed_on > day
        )
        if in_asye:
            start = w.asye_started_on if w.asye_started_on is not None else w.registered_on
            # R-OBS-1 counts practice observations dated start..as_of. When the ASYE starts
            # after as_of, that range is empty: the observations before start can outnumber
            # those up to as_of, and the plain difference would go negative.
            counted = max(0, seen - bisect_left(w.practice, start))
            requirement = Requirement.ASYE
            due = asye_due(_day(start), counted, latest, policy)
        else:
            requirement = Requirement.ANNUAL
            due = annual_due(latest, registered_on, policy)
        flag = self.support_on(w, day)
        if flag is not None:
            requirement = Requirement.SUPPORT
            due = support_due(latest, _day(flag[0]), flag[1] or None, due, policy)
        return ObservationComplianceRow(
            worker_id=w.worker_id,
            team_id=w.team_on(day),
            requirement=requirement,
            last_observed_on=latest,
            next_due_on=due,
            status=status_on(due, as_of, policy),
            reflection_missed=bool(w.missed) and w.missed[0] <= day,
        )

    @staticmethod
    def support_on(w: WorkerFacts, day: int) -> tuple[int, int] | None:
        """R-OBS-3: (flag day, interval or 0) of the flag in force on ``day``, None if not flagged."""
        i = bisect_right(w.support, (day, _CLEAR, 13))
        if not i or w.support[i - 1][1] != _FLAG:
            return None
        return w.support[i - 1][0], w.support[i - 1][2]

    def compliance_rows(self, as_of: dt.date, policy: Policy) -> Iterator[ObservationComplianceRow]:
        """Every current practitioner's row on ``as_of``, unscoped, in no particular order."""
        for w in self.workers.values():
            row = self.compliance_row(w, as_of, policy)
            if row is not None:
                yield row

    def team_of(self, worker_id: str, day: dt.date) -> str | None:
        w = self.workers.get(worker_id)
        return w.team_on(day.toordinal()) if w is not None and w.registered else None

    def observations_between(self, start: dt.date, end: dt.date) -> Iterator[tuple[str, ObservationFacts]]:
        """(id, facts) of the observations dated ``start``..``end`` inclusive, by date."""
        low = bisect_left(self.by_day, (start.toordinal(),))
        high = bisect_left(self.by_day, (end.toordinal() + 1,))
        for _, observation_id in self.by_day[low:high]:
            yield observation_id, self.observations[observation_id]


def grade_of(facts: ObservationFacts, area_index: int) -> Grade | None:
    """The grade an observation gave the area at ``area_index`` of LEARNING_AREAS, if any."""
    score = facts.grades[area_index]
    return _GRADES[score - 1] if score else None


_APPLY: dict[type[Event], Callable[[ObservationCompliance, Any], None]] = {
    ev.TeamRegistered: ObservationCompliance._team_registered,
    ev.WorkerRegistered: ObservationCompliance._worker_registered,
    ev.WorkerMoved: ObservationCompliance._worker_moved,
    ev.WorkerLeft: ObservationCompliance._worker_left,
    ev.ASYECompleted: ObservationCompliance._asye_completed,
    ev.SupportNeedFlagged: ObservationCompliance._support_flagged,
    ev.SupportNeedCleared: ObservationCompliance._support_cleared,
    ev.SupervisionHeld: ObservationCompliance._supervision_held,
    ev.ObservationRecorded: ObservationCompliance._observation_recorded,
    ev.ObservationShared: ObservationCompliance._observation_shared,
    ev.ReflectiveReviewHeld: ObservationCompliance._reflective_review_held,
}
