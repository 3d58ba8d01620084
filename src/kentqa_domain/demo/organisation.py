"""Teams and staff of a synthetic council: the county's structure, registered first.

Area services (SERVICES) have teams in each of the four areas, each with a team manager and
practitioners; a service manager per service and area; an assistant director per area (in
an area leadership team, so their access scope is the area, R-ACC-1); and the county-wide
Safeguarding, Professional Standards and QA Unit: IROs, CP Chairs and QA officers, the
principal social worker, and the director.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import events as ev
from ..values import ExperienceLevel, Role
from .council import Council, Staff, TeamInfo
from .practice import join
from .vocabulary import AREAS, COUNTY_AREA, LEADERSHIP_SERVICE, QA_SERVICE, SERVICES

#: Caseloads that size the county-wide teams.
LAC_PER_IRO = 55
CP_PER_CHAIR = 70


def register_team(council: Council, team_id: str, name: str, *, service: str, code: str, area: str) -> None:
    council.teams[team_id] = TeamInfo(team_id, name, service, code, area)
    council.record(dt.date.min, ev.TeamRegistered(team_id=team_id, name=name, service=service, area=area))


def register_staff(council: Council, staff: Staff, *, experienced: bool = True) -> None:
    council.add_staff(staff)
    council.record(
        staff.registered_on,
        ev.WorkerRegistered(
            worker_id=staff.worker_id,
            team_id=staff.team_id,
            role=staff.role,
            experience=ExperienceLevel.EXPERIENCED if experienced else ExperienceLevel.ASYE,
            registered_on=staff.registered_on,
            asye_started_on=None if experienced else staff.registered_on,
        ),
    )


def _past(council: Council, rng: random.Random, max_years: float) -> dt.date:
    """A registration date before the simulated period (stock staff)."""
    days = int(rng.uniform(30, max_years * 365))
    return max(council.origin, council.start - dt.timedelta(days=days))


def build(council: Council, *, lac: int, cp: int) -> None:
    """Register every team and member of staff; start each practitioner's career."""
    rng = council.rng("organisation")
    size = council.size
    p = council.prefix
    leaders: list[Staff] = []

    def leader(role: Role, team_id: str) -> Staff:
        staff = Staff(council.new_id("W", 5), team_id, role, _past(council, rng, 10), quality=2.0)
        staff.leniency = rng.gauss(0.0, 0.45)
        leaders.append(staff)
        return staff

    director_team = f"{p}DIR"
    register_team(
        council,
        director_team,
        f"{council.name} Directorate",
        service=LEADERSHIP_SERVICE,
        code="DIR",
        area=COUNTY_AREA,
    )
    register_staff(council, leader(Role.DIRECTOR, director_team))
    qa_team = f"{p}QAU"
    register_team(
        council, qa_team, "Quality Assurance Unit", service=QA_SERVICE, code="QAU", area=COUNTY_AREA
    )
    iro_team = f"{p}IRO"
    register_team(
        council, iro_team, "Independent Reviewing Officers", service=QA_SERVICE, code="IRO", area=COUNTY_AREA
    )
    cp_team = f"{p}CPC"
    register_team(
        council, cp_team, "Child Protection Chairs", service=QA_SERVICE, code="CPC", area=COUNTY_AREA
    )
    register_staff(council, leader(Role.PRINCIPAL_SOCIAL_WORKER, qa_team))
    for _ in range(max(2, round(12 * size))):
        register_staff(council, leader(Role.QA_UNIT, qa_team))
    for _ in range(max(2, round(lac / LAC_PER_IRO))):
        register_staff(council, leader(Role.IRO, iro_team))
    for _ in range(max(2, round(cp / CP_PER_CHAIR))):
        register_staff(council, leader(Role.CP_CHAIR, cp_team))

    for area in AREAS:
        lead_team = f"{p}LDR-{area[0]}"
        register_team(
            council, lead_team, f"{area} Area Leadership", service=LEADERSHIP_SERVICE, code="LDR", area=area
        )
        register_staff(council, leader(Role.ASSISTANT_DIRECTOR, lead_team))
    for service, code, per_area, team_size in SERVICES:
        # A service's teams, spread over the areas in turn (a small council has fewer).
        total = max(1, round(per_area * len(AREAS) * size))
        numbers: dict[str, int] = {}
        first_in_area: dict[str, str] = {}
        for k in range(total):
            area = AREAS[k % len(AREAS)]
            numbers[area] = numbers.get(area, 0) + 1
            team_id = f"{p}{code}-{area[0]}{numbers[area]:02d}"
            register_team(
                council, team_id, f"{area} {service} {numbers[area]}", service=service, code=code, area=area
            )
            first_in_area.setdefault(area, team_id)
            register_staff(council, leader(Role.TEAM_MANAGER, team_id))
            for _ in range(max(4, round(rng.gauss(team_size, 2.5)))):
                stock_practitioner(council, team_id, rng)
        for team_id in first_in_area.values():
            register_staff(council, leader(Role.SERVICE_MANAGER, team_id))


def stock_practitioner(council: Council, team_id: str, rng: random.Random) -> None:
    """A practitioner already in post when the simulated period starts (1 in 10 in their ASYE)."""
    asye = rng.random() < 0.1
    if asye:
        registered = council.start - dt.timedelta(days=rng.randint(1, 330))
    else:
        registered = _past(council, rng, 11)
    join(council, team_id, registered, asye=asye, rng=rng)
