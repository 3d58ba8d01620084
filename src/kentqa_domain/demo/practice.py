"""A practitioner's career: supervision, observations of practice, support, moves and leaving.

Shaped by framework 4.4-4.5 and R-OBS-1..5: ASYE workers are observed three times in their
year (mostly before the 3, 6 and 11 month points), experienced workers about once a year,
workers flagged as needing support more often. About one observation in seven is late, one
in eight is typed up weeks after it happened, and one in twenty-five never gets its
reflective review at the next supervision, so the observation dashboard has overdue,
due-soon and "reflection missed" rows. Senior leaders also observe key meetings, which
never count toward the requirement (R-OBS-5).

Careers (SPEC 9.3): a few experienced practitioners are promoted to team manager (and are
observed no more), a few leavers come back months later (their schedule restarts from the
rejoining: decision 0990), some ASYE years are extended for part-time work or absence, and a
few ASYEs are not passed (the worker is flagged for support, and most leave). These draw on
their own random streams, so the rest of a worker's career is as it was.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import events as ev
from ..calendar import add_months
from ..values import ExperienceLevel, ObservationSetting, Role
from .council import Council, Staff
from .grades import AREAS, grade_for
from .timeline import Process
from .vocabulary import OBSERVATION_PRIORITIES

ASYE_MONTHS = (3, 6, 11)
NEVER = dt.date.max
EXTENSION_REASONS = (
    "Part-time hours: the ASYE is extended pro rata",
    "Sickness absence during the ASYE year",
    "Maternity leave during the ASYE year",
)


def _planned(due: dt.date, today: dt.date, rng: random.Random, late_share: float = 0.14) -> dt.date:
    """When an observation due on ``due`` actually happens."""
    if rng.random() < late_share:
        day = due + dt.timedelta(days=rng.randint(3, 80))
    else:
        day = due - dt.timedelta(days=rng.randint(0, 50))
    return max(day, today + dt.timedelta(days=1))


class Career:
    """One practitioner's simulated working life; :meth:`run` is its timeline process."""

    def __init__(
        self, council: Council, staff: Staff, *, asye: bool, rejoined_on: dt.date | None = None
    ) -> None:
        self.council = council
        self.staff = staff
        #: a rejoiner's career starts again on the rejoining (SPEC 9.3)
        self.rejoined_on = rejoined_on
        self.since = rejoined_on or staff.registered_on
        key = staff.worker_id if rejoined_on is None else f"{staff.worker_id}:rejoined:{rejoined_on}"
        self.rng = council.rng(key)
        self.asye = asye
        self.asye_done = not asye
        self.asye_count = 0
        self.asye_end = add_months(self.since, 12) + dt.timedelta(days=self.rng.randint(-10, 20))
        self.last_obs: dt.date | None = None
        self.pending = council.pending_reflection[staff.worker_id]
        self.today = staff.registered_on
        self.flagged_on: dt.date | None = None
        self.flag_review_on = NEVER
        self.flag_interval = 12
        self.cleared = False
        rng = self.rng
        base = max(self.since, council.start) + dt.timedelta(days=30)
        span = max(2, (council.until - base).days)
        self.move_on = (
            base + dt.timedelta(days=rng.randint(1, span))
            if rng.random() < 0.04 * max(1, span / 365)
            else NEVER
        )
        will_flag = rng.random() < 0.1 and staff.quality < 1.6
        self.flag_on = base + dt.timedelta(days=rng.randint(1, span)) if will_flag else NEVER
        self.next_supervision = NEVER
        self.planned_obs = NEVER
        # SPEC 9.3, on a stream of their own: a promotion, an extended ASYE, coming back after leaving.
        careers = council.rng(f"career:{key}")
        promote = not asye and careers.random() < 0.03 * max(1, span / 365)
        self.promote_on = base + dt.timedelta(days=careers.randint(1, span)) if promote else NEVER
        self.promoted = False
        extend = asye and careers.random() < 0.15
        self.extend_on = add_months(self.since, careers.randint(7, 10)) if extend else NEVER
        self.extension = (careers.randint(3, 6), careers.choice(EXTENSION_REASONS), careers.randint(0, 14))
        self.rejoin_after = careers.randint(45, 300) if careers.random() < 0.2 else None
        self.tenure = int(careers.expovariate(1 / (5 * 365))) + 120
        if rejoined_on is not None:
            self.move_on = NEVER  # a rejoiner stays in their team (moves reorder the roster)
        #: a rejoiner's new leaving date is theirs alone: ``staff.left_on`` keeps the first one,
        #: so the other processes never pick them again and the rest of the council is unchanged
        self.leaves_on: dt.date | None = (
            rejoined_on + dt.timedelta(days=self.tenure) if rejoined_on is not None else None
        )

    @property
    def left_on(self) -> dt.date | None:
        return self.leaves_on if self.rejoined_on is not None else self.staff.left_on

    def leave_by(self, day: dt.date) -> None:
        if self.rejoined_on is not None:
            self.leaves_on = min(self.leaves_on or NEVER, day)
        else:
            self.staff.left_on = min(self.staff.left_on or NEVER, day)

    @property
    def worker_id(self) -> str:
        return self.staff.worker_id

    def next_observation(self) -> dt.date:
        """R-OBS-1..3 as the council plans it (then mostly kept, sometimes late)."""
        registered = self.since
        if not self.asye_done:
            if self.asye_count >= 3:
                return NEVER
            due = add_months(registered, ASYE_MONTHS[self.asye_count])
        else:
            due = add_months(self.last_obs or registered, 12)
        if self.flagged_on is not None and not self.cleared:
            base = max(self.last_obs or self.flagged_on, self.flagged_on)
            due = min(due, add_months(base, self.flag_interval))
        return self.council.working_day(_planned(due, self.today, self.rng))

    def run(self) -> Process:
        council, staff, rng = self.council, self.staff, self.rng
        registered = staff.registered_on
        if self.rejoined_on is not None:
            # SPEC 9.3: back in their last team, in post again until a new leaving date
            council.record(
                self.rejoined_on,
                ev.WorkerRejoined(
                    worker_id=self.worker_id, team_id=staff.team_id, rejoined_on=self.rejoined_on
                ),
            )
            self.today = self.rejoined_on
        else:
            council.record(
                registered,
                ev.WorkerRegistered(
                    worker_id=self.worker_id,
                    team_id=staff.team_id,
                    role=Role.PRACTITIONER,
                    experience=ExperienceLevel.ASYE if self.asye else ExperienceLevel.EXPERIENCED,
                    registered_on=registered,
                    asye_started_on=registered if self.asye else None,
                ),
            )
        if self.rejoined_on is None and not self.asye and registered < council.start - dt.timedelta(days=430):
            # Stock staff: their latest observation before the period (some already late).
            self.last_obs = council.working_day(council.start - dt.timedelta(days=rng.randint(20, 420)))
            self.observe(self.last_obs, typed_late=False)
            self.today = self.last_obs
        self.next_supervision = council.working_day(
            max(self.today, council.start - dt.timedelta(days=rng.randint(1, 40)))
        )
        self.planned_obs = self.next_observation()
        while True:
            wake = min(
                self.next_supervision,
                self.planned_obs,
                NEVER if self.asye_done else min(self.asye_end, self.extend_on),
                self.flag_on if self.flagged_on is None else NEVER,
                self.flag_review_on if not self.cleared else NEVER,
                self.move_on,
                self.promote_on if self.asye_done else NEVER,
            )
            if self.promoted:  # a team manager now: only a move is still to come
                wake = self.move_on
            last_day = min(self.left_on or NEVER, council.until)
            if wake >= last_day:
                break
            yield wake
            self.today = wake
            self.step()
        left_on = self.left_on
        if left_on is not None and left_on <= council.until:
            yield left_on
            council.record(left_on, ev.WorkerLeft(worker_id=self.worker_id, left_on=left_on))
            if self.rejoined_on is None:  # a rejoiner's post was filled when they first left
                self.come_back()
                self.replace()

    def step(self) -> None:
        """Whatever falls due today."""
        today, rng = self.today, self.rng
        if self.promoted:
            if today >= self.move_on:
                self.move_on = NEVER
                self.move()
            return
        if today == self.next_supervision:
            self.supervise()
        if today == self.planned_obs:
            self.observe(today, typed_late=rng.random() < 0.12)
            self.last_obs = today
            if not self.asye_done:
                self.asye_count += 1
            self.planned_obs = self.next_observation()
        if not self.asye_done and today >= self.extend_on:
            self.extend_on = NEVER
            self.extend_asye()
        if not self.asye_done and today >= self.asye_end:
            self.complete_asye()
        if self.flagged_on is None and today >= self.flag_on:
            self.flag()
        elif not self.cleared and today >= self.flag_review_on:
            self.review_support()
        if today >= self.move_on:
            self.move_on = NEVER
            self.move()
        if self.asye_done and today >= self.promote_on:
            self.promote_on = NEVER
            self.promote()

    def extend_asye(self) -> None:
        """SPEC 9.3: the ASYE year is extended (R-OBS-1's review points stretch to the new end)."""
        months, reason, slack = self.extension
        end = add_months(self.since, 12 + months)
        self.council.record(
            self.today,
            ev.ASYEExtended(worker_id=self.worker_id, extended_to=end, reason=reason, extended_on=self.today),
        )
        self.asye_end = max(self.asye_end, end + dt.timedelta(days=slack))

    def promote(self) -> None:
        """SPEC 9.3: promoted to team manager; no longer observed as a practitioner (R-OBS-1..3)."""
        council = self.council
        council.record(
            self.today,
            ev.WorkerRoleChanged(worker_id=self.worker_id, role=Role.TEAM_MANAGER, changed_on=self.today),
        )
        # Still on the roster the other processes pick from (a case holder, a meeting observed),
        # so that the rest of the council is as it was.
        self.promoted = True

    def come_back(self) -> None:
        """SPEC 9.3: some leavers return months later; their schedule restarts (decision 0990)."""
        council, staff = self.council, self.staff
        if self.rejoin_after is None or self.promoted or staff.left_on is None:
            return
        back = council.working_day(staff.left_on + dt.timedelta(days=self.rejoin_after))
        if back <= council.until:
            career = Career(council, staff, asye=not self.asye_done, rejoined_on=back)
            council.timeline.spawn(back, career.run())

    def supervise(self) -> None:
        """Supervision; it holds the reflective review of observations since the last one (R-OBS-4)."""
        council, rng, today = self.council, self.rng, self.today
        supervisor = council.managers.get(self.staff.team_id)
        if supervisor is not None and rng.random() > 0.06:  # a few supervisions are cancelled
            for obs_id, typed_on in self.pending:
                if rng.random() > 0.04:
                    council.record(
                        today,
                        ev.ReflectiveReviewHeld(
                            observation_id=obs_id,
                            held_on=today,
                            actions=(rng.choice(OBSERVATION_PRIORITIES),),
                        ),
                        after=typed_on,
                    )
            self.pending.clear()
            council.record(
                today, ev.SupervisionHeld(worker_id=self.worker_id, supervisor_id=supervisor, held_on=today)
            )
        self.next_supervision = council.working_day(today + dt.timedelta(days=rng.randint(26, 44)))

    def observe(self, day: dt.date, *, typed_late: bool) -> None:
        """An observation of practice, shared within days; its reflective review waits for supervision."""
        council, rng, staff = self.council, self.rng, self.staff
        obs_id = council.new_id("OBS")
        observer = council.managers.get(staff.team_id) or council.by_role[Role.TEAM_MANAGER][0]
        typed_on = day + dt.timedelta(days=rng.randint(14, 45)) if typed_late else day
        rec = council.record(
            typed_on,
            ev.ObservationRecorded(
                observation_id=obs_id,
                worker_id=staff.worker_id,
                observer_id=observer,
                observed_on=day,
                setting=ObservationSetting.PRACTICE,
                judgements={area.value: grade_for(staff.quality, rng) for area in AREAS},
                overall=grade_for(staff.quality, rng, 0.35),
                summary="Observed a home visit"
                if rng.random() < 0.6
                else "Observed direct work with the child",
                appraisal_priorities=(rng.choice(OBSERVATION_PRIORITIES),),
            ),
        )
        if rec is None:
            return
        if rng.random() < 0.95:
            shared = council.add_working_days(day, rng.randint(1, 8))
            council.record(shared, ev.ObservationShared(observation_id=obs_id, shared_on=shared), after=rec)
        self.pending.append((obs_id, rec))

    def complete_asye(self) -> None:
        """R-OBS-1 ends at ASYECompleted; a few do not pass and leave soon after."""
        council, rng, today = self.council, self.rng, self.today
        passed = rng.random() > 0.04
        council.record(today, ev.ASYECompleted(worker_id=self.worker_id, completed_on=today, passed=passed))
        self.asye_done = True
        if not passed:
            leaving = today + dt.timedelta(days=rng.randint(10, 60))
            self.leave_by(leaving)
        self.planned_obs = self.next_observation()

    def flag(self) -> None:
        """R-OBS-3: flagged as needing support; observed more often."""
        today = self.today
        self.flagged_on = today
        self.flag_interval = self.rng.choice((3, 4, 6))
        self.flag_review_on = today + dt.timedelta(days=150)
        self.council.record(
            today,
            ev.SupportNeedFlagged(
                worker_id=self.worker_id, flagged_on=today, interval_months=self.flag_interval
            ),
        )
        self.planned_obs = min(self.planned_obs, self.next_observation())

    def review_support(self) -> None:
        if self.rng.random() < 0.6:
            self.cleared = True
            self.council.record(
                self.today, ev.SupportNeedCleared(worker_id=self.worker_id, cleared_on=self.today)
            )
        else:
            self.flag_review_on = self.today + dt.timedelta(days=150)

    def move(self) -> None:
        """A move to another team of the same service (R-OBS-5: counts under the new team from the move)."""
        council, staff = self.council, self.staff
        code = council.teams[staff.team_id].code
        options = [t for t in council.teams_of(code) if t != staff.team_id]
        if not options:
            return
        target = self.rng.choice(options)
        council.move(staff.worker_id, target)
        council.record(
            self.today, ev.WorkerMoved(worker_id=staff.worker_id, team_id=target, moved_on=self.today)
        )

    def replace(self) -> None:
        """A leaver's post is filled a few weeks later, often by a newly qualified worker."""
        council, rng = self.council, self.rng
        left_on = self.staff.left_on or council.until
        start = council.working_day(left_on + dt.timedelta(days=rng.randint(20, 90)))
        if start <= council.until:
            join(council, self.staff.team_id, start, asye=rng.random() < 0.35, rng=rng)


def practitioner_career(council: Council, staff: Staff, *, asye: bool) -> Process:
    """The process of one practitioner, from registration to leaving (or the end of the period)."""
    return Career(council, staff, asye=asye).run()


def join(council: Council, team_id: str, on: dt.date, *, asye: bool, rng: random.Random) -> None:
    """A practitioner joins ``team_id`` on ``on`` and their career process starts."""
    staff = Staff(council.new_id("W", 5), team_id, Role.PRACTITIONER, on)
    staff.quality = min(3.0, max(0.0, rng.gauss(1.85, 0.55)))
    # Tenure: memoryless, about seven years on average; stock staff draw it from the start.
    base = max(on, council.start)
    staff.left_on = base + dt.timedelta(days=int(rng.expovariate(1 / (7 * 365))) + 30)
    council.add_staff(staff)
    council.timeline.spawn(on, practitioner_career(council, staff, asye=asye))
