"""Senior leaders' observations of key meetings (framework 4.4, R-OBS-5)."""

from __future__ import annotations

import datetime as dt

from .. import events as ev
from ..values import ObservationSetting, Role
from .council import Council
from .grades import AREAS, grade_for
from .timeline import Process


def meeting_observations(council: Council) -> Process:
    """Senior leaders observe key decision-making meetings (framework 4.4); these never count
    toward a practitioner's observation requirement (R-OBS-5), but are shared and reflected on."""
    rng = council.rng("meeting-observations")
    day = council.start
    teams = [t for t in council.teams if council.practitioners.get(t)]
    while True:
        day = council.working_day(day + dt.timedelta(days=rng.randint(3, 9)))
        if day > council.until:
            return
        yield day
        worker = council.practitioner(rng.choice(teams), day, rng)
        if worker is None:
            continue
        observer = council.one_of(rng.choice((Role.SERVICE_MANAGER, Role.ASSISTANT_DIRECTOR)), day, rng)
        quality = council.staff[worker].quality
        obs_id = council.new_id("OBS")
        rec = council.record(
            day,
            ev.ObservationRecorded(
                observation_id=obs_id,
                worker_id=worker,
                observer_id=observer,
                observed_on=day,
                setting=ObservationSetting.MEETING,
                judgements={area.value: grade_for(quality, rng) for area in AREAS[:5]},
                overall=grade_for(quality, rng, 0.35),
                summary="Observed a strategy meeting",
            ),
        )
        if rec is not None:
            shared = council.add_working_days(day, rng.randint(1, 6))
            council.record(shared, ev.ObservationShared(observation_id=obs_id, shared_on=shared), after=rec)
            council.pending_reflection[worker].append((obs_id, rec))
