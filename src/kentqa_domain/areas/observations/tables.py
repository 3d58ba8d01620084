"""The row tables of the observation compliance projection (``docs/read-model.md``; R-OBS-1..5).

``kentqa_workers`` (one row per registered worker: a query about now selects the workers
current on ``as_of`` by index, so leavers long gone are never read), ``kentqa_worker_periods``
(each worker's periods in post in one role, SPEC 9.3: who is a current practitioner on a day,
R-OBS-5), ``kentqa_observation_status`` (each practitioner in post as of their latest facts,
for analysts: R-OBS-1..4) and ``kentqa_observations`` (one row per observation, indexed by
day: the learning view reads only the period asked).
"""

from __future__ import annotations

from ...readmodel.tables import Column, Table
from .facts import LEARNING_AREAS

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
