"""The observation compliance projection: staff lifecycle and observations, kept in the store.

State (decision 0900): one document per team, per worker and per observation.

- A **worker's** document holds their history as sorted lists of date ordinals, so a query
  ``as_of`` any date is a few bisections and never a replay: registration, moves, leaving,
  ASYE completion, support flags and clears, practice observation dates, supervision dates,
  their observations (day, id) and, per observation whose reflective review was missed, the
  day it became missed (R-OBS-4).
- An **observation's** document holds what the learning view and R-OBS-4 need of it: its
  worker, day, setting and grades, the team its worker was in on the day, when it was shared
  and reviewed, and its next supervision.

Row tables (``docs/read-model.md``): ``kentqa_workers`` (one row per registered worker: a
query about now selects the workers current on ``as_of`` by index, so leavers long gone are
never read), ``kentqa_observation_status`` (each practitioner in post as of their latest
facts, for analysts) and ``kentqa_observations`` (one row per observation, indexed by day: the
learning view reads only the period asked).

Late events are normal: every collection is kept sorted by business date, and what depends
on several subjects (an observation's team on the day, its next supervision) is refreshed
when either arrives, so the state is the same whatever order the events arrive in. Due dates
and statuses are computed at query time from these facts, the policy and ``as_of``
(:mod:`.observation_due`), so a policy change needs no rebuild.

Rules: R-OBS-1 (ASYE), R-OBS-2 (annual), R-OBS-3 (support), R-OBS-4 (reflection missed),
R-OBS-5 (status; meeting observations never count; leavers drop out from their leaving date;
movers count under the new team from the move date). Events dated after ``as_of`` are ignored
(an ``ASYEExtended`` without ``extended_on`` holds on every day: decision 0991).

Staff over a career (SPEC 9.3, decisions 0990-0992): a worker is *in scope* on a day when they
are in post (registered, and not between a leaving and the rejoining after it) and their role
that day is practitioner. Their schedule runs from the start of the stretch in scope that
holds the day, as a new joiner's would: a rejoining, or a change back to practitioner,
restarts it (observations, support flags and missed reflections before that start do not
count). A promotion leaves R-OBS-1..3 from its date. An extension stretches R-OBS-1's review
points to its new end; a failed ASYE (``ASYECompleted(passed=False)``) flags the worker for
support (R-OBS-3) from its date, at the policy's interval (6 months by default).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ...event_base import Event
from ...policy import Policy
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from ...values import ExperienceLevel, Grade, ObservationArea, ObservationSetting, Role
from ..organisation.events import (
    ASYECompleted,
    ASYEExtended,
    SupervisionHeld,
    SupportNeedCleared,
    SupportNeedFlagged,
    TeamRegistered,
    WorkerLeft,
    WorkerMoved,
    WorkerRegistered,
    WorkerRejoined,
    WorkerRoleChanged,
)
from . import events as ev
from .due import annual_due, asye_due, status_on, support_due
from .rows import ObservationComplianceRow, Requirement

#: The judgement areas of framework 4.5, then the overall judgement: the order of ``grades``.
LEARNING_AREAS: tuple[str, ...] = (*(a.value for a in ObservationArea), "overall")
_AREA_INDEX = {name: i for i, name in enumerate(LEARNING_AREAS)}
_GRADES = tuple(Grade)  # index = score - 1
_FLAG, _CLEAR = 0, 1  # a clear sorts after a flag of the same day: the clear wins (decision 0103)
#: "As of the latest facts": a day after every fact (kentqa_observation_status).
_LATEST = dt.date.max
#: The policy of kentqa_observation_status's due dates (the defaults of SPEC section 4).
STATUS_POLICY = Policy()

WORKERS = Table(
    "kentqa_workers",
    (
        Column("worker_id", "TEXT", "the worker"),
        Column("team_id", "TEXT", "their team after their latest move (by date), else the team they joined"),
        Column(
            "role",
            "TEXT",
            "practitioner, team_manager, service_manager, ... (only practitioners are observed)",
        ),
        Column("experience", "TEXT", "asye or experienced, as registered"),
        Column("registered_on", "DATE", "the day they joined"),
        Column(
            "asye_started_on", "DATE", "the start of their ASYE year if given (else registered_on counts)"
        ),
        Column("asye_completed_on", "DATE", "the day their ASYE was completed, or null"),
        Column(
            "left_on",
            "DATE",
            "the day they left (no compliance row from that day), or null while in post (a rejoiner "
            "is in post again: see kentqa_worker_periods)",
        ),
    ),
    indexes=(("left_on",),),
    doc="Every registered worker, one row each, as of their latest facts (role: their latest role).",
)

PERIODS = Table(
    "kentqa_worker_periods",
    (
        Column("worker_id", "TEXT", "the worker"),
        Column("role", "TEXT", "the role they held throughout the period"),
        Column("from_on", "DATE", "the first day: registration, a rejoining or a role change"),
        Column(
            "until_on",
            "DATE",
            "the day the period ended (they left, or took another role), not part of it; null while it lasts",
        ),
    ),
    indexes=(("until_on",),),
    doc="Each worker's periods in post in one role (SPEC 9.3: rejoiners and role changes; "
    "R-OBS-5: who is a current practitioner on a day).",
)

STATUS = Table(
    "kentqa_observation_status",
    (
        Column("worker_id", "TEXT", "a practitioner in post (registered, no leaving date)"),
        Column("team_id", "TEXT", "their team after their latest move"),
        Column("requirement", "TEXT", "asye (R-OBS-1), annual (R-OBS-2) or support (R-OBS-3)"),
        Column("last_observed_on", "DATE", "their latest practice observation, or null"),
        Column(
            "next_due_on", "DATE", "when their next practice observation is due, under the policy defaults"
        ),
        Column(
            "reflection_missed",
            "BOOLEAN",
            "an observation of theirs had no reflective review by the next supervision (R-OBS-4)",
        ),
    ),
    indexes=(("next_due_on",), ("team_id",)),
    doc="Each practitioner's observation standing as of their latest recorded facts.",
)

OBSERVATIONS = Table(
    "kentqa_observations",
    (
        Column("observation_id", "TEXT", "the observation"),
        Column("worker_id", "TEXT", "the practitioner observed"),
        Column("team_id", "TEXT", "the team the worker was in on the day"),
        Column("observed_on", "DATE", "the day of the observation"),
        Column("setting", "TEXT", "practice (counts toward R-OBS-1..3) or meeting"),
        Column("shared_on", "DATE", "when it was shared with the practitioner, or null"),
        Column("reviewed_on", "DATE", "the day of its reflective review, or null"),
        Column(
            "reflection_missed_on", "DATE", "from when its reflection counts as missed (R-OBS-4), or null"
        ),
        *(
            Column(
                area,
                "TEXT",
                f"the grade given for {area.replace('_', ' ')} (outstanding, good, "
                "requires_improvement, inadequate), or null if not judged",
            )
            for area in LEARNING_AREAS[:-1]
        ),
        Column("overall", "TEXT", "the overall grade"),
    ),
    indexes=(("observed_on",),),
    doc="Every observation of practice, one row each (framework 4.5 learning by period).",
)


def _day(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _date_or_none(ordinal: int | None) -> dt.date | None:
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


class ObservationCompliance(StoredProjection):
    """Staff lifecycle and observations, for ``observation_compliance`` and its summaries."""

    name = "observation_compliance"
    #: 2: SPEC 9.3 (rejoiners, role changes, ASYE extensions, failed ASYEs; kentqa_worker_periods)
    version = 2
    tables = (WORKERS, STATUS, OBSERVATIONS, PERIODS)

    def setup(self) -> None:
        self.teams = self.session.map("teams", str, TeamFacts)
        self.workers = self.session.map("workers", str, WorkerFacts)
        self.observations = self.session.map("observations", str, ObservationFacts)

    # --- folding -------------------------------------------------------------------------

    def apply(self, event: Event, position: int) -> None:
        handler = _APPLY.get(type(event))
        if handler is not None:
            handler(self, event)

    def _worker(self, worker_id: str) -> WorkerFacts:
        facts: WorkerFacts | None = self.workers.get(worker_id)
        if facts is None:
            facts = self.workers[worker_id] = WorkerFacts(worker_id)
        return facts

    def _observation(self, observation_id: str) -> ObservationFacts:
        facts: ObservationFacts | None = self.observations.get(observation_id)
        if facts is None:
            facts = self.observations[observation_id] = ObservationFacts()
        return facts

    def _team_registered(self, event: TeamRegistered) -> None:
        self.teams[event.team_id] = TeamFacts(event.team_id, event.name, event.service, event.area)

    def _worker_registered(self, event: WorkerRegistered) -> None:
        w = self._worker(event.worker_id)
        w.registered = True
        w.team_id = event.team_id
        w.role = event.role
        w.experience = event.experience
        w.registered_on = event.registered_on.toordinal()
        w.asye_started_on = event.asye_started_on.toordinal() if event.asye_started_on else None
        self._refresh_teams(w, w.observations)

    def _worker_moved(self, event: WorkerMoved) -> None:
        w = self._worker(event.worker_id)
        day = event.moved_on.toordinal()
        i = bisect_right(w.move_days, day)
        w.move_days.insert(i, day)
        w.move_teams.insert(i, event.team_id)
        # the observations from the move's day on may now belong to another team
        self._refresh_teams(w, w.observations[bisect_left(w.observations, (day,)) :])

    def _refresh_teams(self, w: WorkerFacts, observations: Sequence[tuple[int, str]]) -> None:
        for day, observation_id in observations:
            self.observations[observation_id].team_id = w.team_on(day) if w.registered else ""

    def _worker_left(self, event: WorkerLeft) -> None:
        insort(self._worker(event.worker_id).left, event.left_on.toordinal())

    def _worker_rejoined(self, event: WorkerRejoined) -> None:
        """SPEC 9.3: in post again from ``rejoined_on``, in ``team_id`` (as a move), with
        ``role`` if given (as a role change)."""
        w = self._worker(event.worker_id)
        day = event.rejoined_on.toordinal()
        insort(w.rejoined, day)
        # On its day a rejoining comes first: a move or role change of that day wins over it
        # (as event_order ranks them), whatever order they arrive in.
        i = bisect_left(w.move_days, day)
        w.move_days.insert(i, day)
        w.move_teams.insert(i, event.team_id)
        if event.role is not None:
            self._insert_role(w, day, event.role, first=True)
        self._refresh_teams(w, w.observations[bisect_left(w.observations, (day,)) :])

    def _role_changed(self, event: WorkerRoleChanged) -> None:
        """SPEC 9.3: from ``changed_on`` the worker holds ``role`` (R-OBS-1..3 only as a practitioner)."""
        self._insert_role(self._worker(event.worker_id), event.changed_on.toordinal(), event.role)

    @staticmethod
    def _insert_role(w: WorkerFacts, day: int, role: Role, *, first: bool = False) -> None:
        i = bisect_left(w.role_days, day) if first else bisect_right(w.role_days, day)
        w.role_days.insert(i, day)
        w.role_values.insert(i, Role(role))

    def _asye_completed(self, event: ASYECompleted) -> None:
        w = self._worker(event.worker_id)
        w.asye_completed_on = event.completed_on.toordinal()
        if not event.passed:  # SPEC 9.3: not a pass, so flagged for support from that date
            insort(w.support, (w.asye_completed_on, _FLAG, 0))

    def _asye_extended(self, event: ASYEExtended) -> None:
        agreed = event.extended_on.toordinal() if event.extended_on is not None else 0
        insort(self._worker(event.worker_id).extensions, (agreed, event.extended_to.toordinal()))

    def _support_flagged(self, event: SupportNeedFlagged) -> None:
        insort(
            self._worker(event.worker_id).support,
            (event.flagged_on.toordinal(), _FLAG, event.interval_months or 0),
        )

    def _support_cleared(self, event: SupportNeedCleared) -> None:
        insort(self._worker(event.worker_id).support, (event.cleared_on.toordinal(), _CLEAR, 0))

    def _supervision_held(self, event: SupervisionHeld) -> None:
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
            self._refresh_reflection(w, self.observations[observation_id])

    def _observation_recorded(self, event: ev.ObservationRecorded) -> None:
        w = self._worker(event.worker_id)
        day = event.observed_on.toordinal()
        grades = [0] * len(LEARNING_AREAS)
        for area, grade in event.judgements.items():
            grades[_AREA_INDEX[area]] = Grade(grade).score
        grades[_AREA_INDEX["overall"]] = Grade(event.overall).score
        facts = self._observation(event.observation_id)
        facts.worker_id = event.worker_id
        facts.observed_on = day
        facts.setting = ObservationSetting(event.setting)
        facts.grades = tuple(grades)
        facts.team_id = w.team_on(day) if w.registered else ""
        if facts.practice:
            insort(w.practice, day)
        insort(w.observations, (day, event.observation_id))
        self._refresh_reflection(w, facts)

    def _observation_shared(self, event: ev.ObservationShared) -> None:
        self._observation(event.observation_id).shared_on = event.shared_on.toordinal()

    def _reflective_review_held(self, event: ev.ReflectiveReviewHeld) -> None:
        facts = self._observation(event.observation_id)
        facts.reviewed_on = event.held_on.toordinal()
        if facts.recorded:  # a review folded before its observation: refreshed when it arrives
            self._refresh_reflection(self.workers[facts.worker_id], facts)

    @staticmethod
    def _refresh_reflection(w: WorkerFacts, facts: ObservationFacts) -> None:
        """R-OBS-4: an observation whose worker had a supervision after it with no reflective
        review on or before that supervision is "reflection missed" from that supervision's day.
        """
        i = bisect_right(w.supervisions, facts.observed_on)
        facts.next_supervision = w.supervisions[i] if i < len(w.supervisions) else None
        review = facts.reviewed_on
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

    # --- rows ----------------------------------------------------------------------------

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        workers = [key for space, key in changed if space == "workers"]
        observations = [key for space, key in changed if space == "observations"]
        out: list[RowChange] = []
        if workers:
            worker_rows: list[tuple[Any, ...]] = []
            status_rows: list[tuple[Any, ...]] = []
            for key in workers:
                w: WorkerFacts = self.workers[key]
                if not w.registered:
                    continue
                worker_rows.append(
                    (
                        key,
                        w.worker_id,
                        w.latest_team,
                        w.latest_role.value,
                        w.experience.value,
                        _day(w.registered_on),
                        _date_or_none(w.asye_started_on),
                        _date_or_none(w.asye_completed_on),
                        _date_or_none(w.left_on),
                    )
                )
                status = self.compliance_row(w, _LATEST, STATUS_POLICY)
                if status is not None:
                    status_rows.append(
                        (
                            key,
                            status.worker_id,
                            status.team_id,
                            status.requirement.value,
                            status.last_observed_on,
                            status.next_due_on,
                            status.reflection_missed,
                        )
                    )
            period_rows = [
                (key, key, role.value, _day(begin), _date_or_none(end))
                for key in workers
                if self.workers[key].registered
                for role, begin, end in self.workers[key].periods()
            ]
            out.append((WORKERS, workers, worker_rows))
            out.append((STATUS, workers, status_rows))
            out.append((PERIODS, workers, period_rows))
        if observations:
            observation_rows: list[tuple[Any, ...]] = []
            for key in observations:
                o: ObservationFacts = self.observations[key]
                if not o.recorded:
                    continue
                observation_rows.append(
                    (
                        key,
                        key,
                        o.worker_id,
                        o.team_id or None,
                        _day(o.observed_on),
                        o.setting.value,
                        _date_or_none(o.shared_on),
                        _date_or_none(o.reviewed_on),
                        _date_or_none(o.missed_from),
                        *(_GRADES[score - 1].value if score else None for score in o.grades),
                    )
                )
            out.append((OBSERVATIONS, observations, observation_rows))
        return out

    # --- reading (no replay: a few bisections per worker) ---------------------------------

    def compliance_row(
        self, w: WorkerFacts, as_of: dt.date, policy: Policy
    ) -> ObservationComplianceRow | None:
        """The R-OBS-1..5 row of worker ``w`` on ``as_of``; None unless a current practitioner.

        SPEC 9.3: the schedule runs from the start of the stretch in scope holding ``as_of``
        (decision 0990); before a first stretch that starts at registration nothing is cut off,
        as before that release.
        """
        day = as_of.toordinal()
        if not w.current_on(day) or w.role_on(day) is not Role.PRACTITIONER:
            return None
        begun = w.scope_start(day)
        low = None if begun == w.registered_on else begun
        first = bisect_left(w.practice, low) if low is not None else 0
        seen = bisect_right(w.practice, day)
        latest = _day(w.practice[seen - 1]) if seen > first else None
        in_asye = w.experience is ExperienceLevel.ASYE and (
            w.asye_completed_on is None or w.asye_completed_on > day
        )
        if in_asye:
            if low is not None:
                start = low
            else:
                start = w.asye_started_on if w.asye_started_on is not None else w.registered_on
            # R-OBS-1 counts practice observations dated start..as_of. When the ASYE starts
            # after as_of, that range is empty: the observations before start can outnumber
            # those up to as_of, and the plain difference would go negative.
            counted = max(0, seen - bisect_left(w.practice, start))
            requirement = Requirement.ASYE
            due = asye_due(_day(start), counted, latest, policy, _date_or_none(w.asye_extended_to(day)))
        else:
            requirement = Requirement.ANNUAL
            due = annual_due(latest, _day(begun), policy)
        flag = self.support_on(w, day)
        if flag is not None and low is not None and flag[0] < low:
            flag = None  # decision 0990: a flag of an earlier stretch does not carry over
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
            reflection_missed=bisect_right(w.missed, day) > (bisect_left(w.missed, low) if low else 0),
        )

    @staticmethod
    def support_on(w: WorkerFacts, day: int) -> tuple[int, int] | None:
        """R-OBS-3: (flag day, interval or 0) of the flag in force on ``day``, None if not flagged."""
        i = bisect_right(w.support, (day, _CLEAR, 13))
        if not i or w.support[i - 1][1] != _FLAG:
            return None
        return w.support[i - 1][0], w.support[i - 1][2]


def grade_of(grades: Sequence[int], area_index: int) -> Grade | None:
    """The grade at ``area_index`` of LEARNING_AREAS in a tuple of scores, if judged."""
    score = grades[area_index]
    return _GRADES[score - 1] if score else None


_APPLY: dict[type[Event], Callable[[ObservationCompliance, Any], None]] = {
    TeamRegistered: ObservationCompliance._team_registered,
    WorkerRegistered: ObservationCompliance._worker_registered,
    WorkerMoved: ObservationCompliance._worker_moved,
    WorkerLeft: ObservationCompliance._worker_left,
    WorkerRejoined: ObservationCompliance._worker_rejoined,
    WorkerRoleChanged: ObservationCompliance._role_changed,
    ASYECompleted: ObservationCompliance._asye_completed,
    ASYEExtended: ObservationCompliance._asye_extended,
    SupportNeedFlagged: ObservationCompliance._support_flagged,
    SupportNeedCleared: ObservationCompliance._support_cleared,
    SupervisionHeld: ObservationCompliance._supervision_held,
    ev.ObservationRecorded: ObservationCompliance._observation_recorded,
    ev.ObservationShared: ObservationCompliance._observation_shared,
    ev.ReflectiveReviewHeld: ObservationCompliance._reflective_review_held,
}
