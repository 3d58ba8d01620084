"""The observation compliance projection: staff lifecycle and observations, kept in the store
(R-OBS-1..5; SPEC 9.3).

State (decision 0900): one document per team, per worker and per observation
(:mod:`.facts`), with the row tables of :mod:`.tables`. This module folds the events into
them and computes the rows; a worker's standing on a date is read by :mod:`.standing`.

Late events are normal: every collection is kept sorted by business date, and what depends
on several subjects (an observation's team on the day, its next supervision) is refreshed
when either arrives, so the state is the same whatever order the events arrive in. Due dates
and statuses are computed at query time from these facts, the policy and ``as_of``
(:mod:`.due`), so a policy change needs no rebuild.

Rules: R-OBS-1 (ASYE: completions and extensions), R-OBS-2 (annual), R-OBS-3 (support: flags,
clears and a failed ASYE, which flags the worker from its date), R-OBS-4 (reflection missed:
refreshed on each supervision, observation and review), R-OBS-5 (moves, leavers; SPEC 9.3:
rejoiners and role changes). ``kentqa_observation_status`` is each practitioner's standing as
of their latest facts, under the policy defaults.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Sequence
from typing import Any

from ...event_base import Event
from ...policy import Policy
from ...readmodel.projection import RowChange, StoredProjection
from ...values import Grade, ObservationSetting, Role
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
from .facts import (
    AREA_INDEX,
    CLEAR,
    FLAG,
    GRADES,
    LEARNING_AREAS,
    ObservationFacts,
    TeamFacts,
    WorkerFacts,
    date_or_none,
    day_of,
)
from .standing import compliance_row
from .tables import OBSERVATIONS, PERIODS, STATUS, WORKERS

#: "As of the latest facts": a day after every fact (kentqa_observation_status).
_LATEST = dt.date.max
#: The policy of kentqa_observation_status's due dates (the defaults of SPEC section 4).
STATUS_POLICY = Policy()


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
            insort(w.support, (w.asye_completed_on, FLAG, 0))

    def _asye_extended(self, event: ASYEExtended) -> None:
        agreed = event.extended_on.toordinal() if event.extended_on is not None else 0
        insort(self._worker(event.worker_id).extensions, (agreed, event.extended_to.toordinal()))

    def _support_flagged(self, event: SupportNeedFlagged) -> None:
        insort(
            self._worker(event.worker_id).support,
            (event.flagged_on.toordinal(), FLAG, event.interval_months or 0),
        )

    def _support_cleared(self, event: SupportNeedCleared) -> None:
        insort(self._worker(event.worker_id).support, (event.cleared_on.toordinal(), CLEAR, 0))

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
            grades[AREA_INDEX[area]] = Grade(grade).score
        grades[AREA_INDEX["overall"]] = Grade(event.overall).score
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
                        day_of(w.registered_on),
                        date_or_none(w.asye_started_on),
                        date_or_none(w.asye_completed_on),
                        date_or_none(w.left_on),
                    )
                )
                status = compliance_row(w, _LATEST, STATUS_POLICY)
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
                (key, key, role.value, day_of(begin), date_or_none(end))
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
                        day_of(o.observed_on),
                        o.setting.value,
                        date_or_none(o.shared_on),
                        date_or_none(o.reviewed_on),
                        date_or_none(o.missed_from),
                        *(GRADES[score - 1].value if score else None for score in o.grades),
                    )
                )
            out.append((OBSERVATIONS, observations, observation_rows))
        return out


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
