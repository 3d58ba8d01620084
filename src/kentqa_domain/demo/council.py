"""The shared state of one simulated council: its timeline, staff roster, open cases and ids.

Every process of the council (staff careers, children's plans, audits, complaints and
feedback) reads and updates this state as the timeline runs in date order, so a choice
made on a date (who audits, who owns an action) sees the council as it is on that date.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from itertools import count

import attrs

from ..events import Event
from ..policy import Policy
from ..values import Role
from .timeline import Timeline

#: How far back stock staff and children's histories reach before the simulated period.
HISTORY_YEARS = 12


@attrs.define
class Staff:
    """A member of staff as the simulation knows them (``left_on`` is planned in advance)."""

    worker_id: str
    team_id: str
    role: Role
    registered_on: dt.date
    left_on: dt.date | None = None
    #: latent practice quality, 0 (inadequate) .. 3 (outstanding); drives grades
    quality: float = 1.8
    #: latent leniency of an auditor, in grades (positive: grades generously)
    leniency: float = 0.0

    def active(self, on: dt.date) -> bool:
        return self.registered_on <= on and (self.left_on is None or on < self.left_on)


@attrs.define
class TeamInfo:
    team_id: str
    name: str
    service: str
    code: str
    area: str


@attrs.define
class Case:
    """An open child's plan or a family's case that audits can sample."""

    case_ref: str
    worker_id: str
    team_id: str


class Council:
    """One synthetic council being simulated from ``start`` to ``until``."""

    def __init__(
        self, *, code: str, name: str, seed: int, start: dt.date, until: dt.date, size: float, policy: Policy
    ) -> None:
        self.code = code
        self.name = name
        #: ids of the first council are short (W00042); the others carry their code (D002-W00042)
        self.prefix = f"{code}-" if code != "D001" else ""
        self.seed = seed
        self.start = start
        self.until = until
        self.size = size
        self.policy = policy
        self.origin = dt.date(start.year - HISTORY_YEARS, 1, 1)
        self.timeline = Timeline(until)
        #: the policy's calendar (bank holidays and closure days): the library's one working-day engine
        self.calendar = policy.calendar
        self.teams: dict[str, TeamInfo] = {}
        self.staff: dict[str, Staff] = {}
        self.practitioners: dict[str, list[str]] = defaultdict(list)  # team -> practitioner ids
        self.managers: dict[str, str] = {}  # team -> team manager id
        self.by_role: dict[Role, list[str]] = defaultdict(list)
        self.cases: dict[str, Case] = {}
        self.looked_after: set[str] = set()
        #: worker -> observations (id, record date) waiting for their reflective review (R-OBS-4)
        self.pending_reflection: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
        self._counters: dict[str, count[int]] = defaultdict(lambda: count(1))

    # --- ids and randomness -----------------------------------------------------------------

    def new_id(self, kind: str, width: int = 6) -> str:
        """A fresh id such as ``D001-OBS000042``."""
        return f"{self.prefix}{kind}{next(self._counters[kind]):0{width}d}"

    def rng(self, key: str) -> random.Random:
        """A random source for one entity: the same for the same seed, council and key."""
        return random.Random(f"{self.seed}:{self.code}:{key}")  # noqa: S311 - synthetic data, not secrets

    # --- recording ----------------------------------------------------------------------------

    def record(self, on: dt.date, event: Event, *, after: dt.date | None = None) -> dt.date | None:
        return self.timeline.record(on, event, after=after)

    def events(self) -> Iterator[Event]:
        return iter(self.timeline)

    # --- the roster ---------------------------------------------------------------------------

    def add_staff(self, staff: Staff) -> None:
        self.staff[staff.worker_id] = staff
        self.by_role[staff.role].append(staff.worker_id)
        if staff.role is Role.PRACTITIONER:
            self.practitioners[staff.team_id].append(staff.worker_id)
        elif staff.role is Role.TEAM_MANAGER:
            self.managers[staff.team_id] = staff.worker_id

    def move(self, worker_id: str, team_id: str) -> None:
        staff = self.staff[worker_id]
        self.practitioners[staff.team_id].remove(worker_id)
        self.practitioners[team_id].append(worker_id)
        staff.team_id = team_id

    def practitioner(self, team_id: str, on: dt.date, rng: random.Random) -> str | None:
        """A practitioner of the team at work on ``on`` (None if the team is empty that day)."""
        ids = self.practitioners[team_id]
        for _ in range(6):
            if not ids:
                return None
            candidate = ids[rng.randrange(len(ids))]
            if self.staff[candidate].active(on):
                return candidate
        active = [w for w in ids if self.staff[w].active(on)]
        return rng.choice(active) if active else None

    def one_of(self, role: Role, on: dt.date, rng: random.Random) -> str:
        """Someone of ``role`` at work on ``on``."""
        ids = self.by_role[role]
        for _ in range(8):
            candidate = ids[rng.randrange(len(ids))]
            if self.staff[candidate].active(on):
                return candidate
        return ids[0]

    def teams_of(self, code: str, area: str | None = None) -> list[str]:
        return [t.team_id for t in self.teams.values() if t.code == code and (area is None or t.area == area)]

    def working_day(self, day: dt.date) -> dt.date:
        return self.calendar.next_working_day(day)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(day, n) if n > 0 else day
