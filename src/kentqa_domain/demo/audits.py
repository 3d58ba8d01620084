"""The tri-annual audit cycle (framework 4.3 "Audits"; R-AUD-1..5) and the audits beside it.

Month 1: practitioner audits within each service (a manager of another team of the same
service audits open cases). Month 2: appreciative inquiry. Month 3: peer audits across
areas — a manager from another area re-audits most of the month 1 cases, so each case has a
practitioner and a peer grade (auditors have a latent leniency, so some pairs disagree).
Month 4: triad audits for the pairs with the greatest variance (R-AUD-4). Beside the cycle:
thematic audits agreed by the QA unit, multi-agency audits and commissioned moderation.
Audit actions are mostly completed by their due date; some late, some never (R-AUD-5).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

import attrs

from .. import events as ev
from ..calendar import add_months, cycle_bounds, cycle_id_for
from ..values import Action, AuditKind, Grade, Role
from .council import Council
from .grades import GRADES
from .timeline import Process
from .vocabulary import (
    AUDIT_ACTIONS,
    AUDIT_GRADE_AREAS,
    AUDIT_THEMES,
    CASE_HOLDING,
    LEARNING,
    STRENGTHS,
    THEMATIC_TITLES,
)

Job = tuple[dt.date, int, Callable[[dt.date], None]]


def _grade(score: float) -> Grade:
    return GRADES[min(3, max(0, round(score)))]


class AuditCycle:
    """The jobs of one cycle; month 3 and 4 read what months 1 and 3 produced."""

    def __init__(self, council: Council, cycle_id: str) -> None:
        self.council = council
        self.cycle_id = cycle_id
        self.rng = council.rng(f"audit:{cycle_id}")
        self.starts_on, self.ends_on = cycle_bounds(cycle_id, council.policy.year_start_month)
        #: case ref -> (team, practitioner auditor, worker, the case's latent quality)
        self.first: dict[str, tuple[str, str, str, float]] = {}
        #: (auditor a, auditor b) -> grade gaps
        self.gaps: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.pair_cases: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)

    def month(self, n: int) -> tuple[dt.date, dt.date]:
        first = add_months(self.starts_on, n - 1)
        return first, add_months(self.starts_on, n) - dt.timedelta(days=1)

    def day_in(self, n: int) -> dt.date:
        first, last = self.month(n)
        return self.council.working_day(
            first + dt.timedelta(days=self.rng.randint(0, (last - first).days - 3))
        )

    def jobs(self) -> list[Job]:
        c, rng = self.council, self.rng
        jobs: list[Job] = []
        seq = iter(range(1_000_000))
        for team_id, team in c.teams.items():
            if not c.practitioners.get(team_id):
                continue
            holding = team.code in CASE_HOLDING
            for _ in range(4 if holding else 2):
                jobs.append((self.day_in(1), next(seq), partial(self.practitioner_audit, team_id=team_id)))
            if rng.random() < 0.6:
                jobs.append((self.day_in(2), next(seq), partial(self.appreciative_inquiry, team_id=team_id)))
        peer_day = self.month(3)[0]
        jobs.append((peer_day, next(seq), self.schedule_peer_audits))
        jobs.append((self.month(4)[0], next(seq), self.schedule_triads))
        agreed = c.working_day(self.starts_on + dt.timedelta(days=rng.randint(3, 12)))
        jobs.append((agreed, next(seq), self.thematic))
        for n in (1, 2, 3, 4):
            for _ in range(max(1, round(3 * c.size))):
                jobs.append((self.day_in(n), next(seq), partial(self.other, kind=AuditKind.MULTI_AGENCY)))
        for n in (2, 4):
            jobs.append(
                (self.day_in(n), next(seq), partial(self.other, kind=AuditKind.COMMISSIONED_MODERATION))
            )
        return jobs

    # --- the audits ---------------------------------------------------------------------------

    def _case(self, team_id: str, day: dt.date) -> tuple[str, str]:
        """A case of the team open on ``day`` and its worker (families' cases for non-plan teams)."""
        c, rng = self.council, self.rng
        cases = (
            [k for k in c.cases.values() if k.team_id == team_id]
            if c.teams[team_id].code in CASE_HOLDING
            else []
        )
        if cases:
            case = rng.choice(cases)
            if c.staff[case.worker_id].active(day):
                return case.case_ref, case.worker_id
            return case.case_ref, c.practitioner(team_id, day, rng) or c.managers[team_id]
        return c.new_id("F"), c.practitioner(team_id, day, rng) or c.managers[team_id]

    def _manager(self, code: str, area_same: bool, area: str, exclude: str) -> str:
        c, rng = self.council, self.rng
        teams = [t for t in c.teams_of(code) if (c.teams[t].area == area) == area_same and t != exclude]
        if not teams:
            teams = [t for t in c.teams_of(code) if t != exclude] or [exclude]
        return c.managers[rng.choice(teams)]

    def _actions(self, day: dt.date, owner: str) -> tuple[Action, ...]:
        rng = self.rng
        if rng.random() < 0.5:
            return ()
        return tuple(
            Action(
                action_id=self.council.new_id("AA"),
                description=rng.choice(AUDIT_ACTIONS),
                owner_id=owner,
                due_on=day + dt.timedelta(days=rng.randint(20, 45)),
            )
            for _ in range(rng.choice((1, 1, 2)))
        )

    def _record(self, day: dt.date, audit: ev.AuditCompleted) -> None:
        c, rng = self.council, self.rng
        late = rng.random() < 0.08
        rec = c.record(day + dt.timedelta(days=rng.randint(5, 25)) if late else day, audit)
        if rec is None:
            return
        for action in audit.actions:
            r = rng.random()
            if r < 0.7:
                done = day + dt.timedelta(days=rng.randint(1, (action.due_on - day).days))
            elif r < 0.85:
                done = action.due_on + dt.timedelta(days=rng.randint(1, 40))
            else:
                continue
            c.record(
                done,
                ev.AuditActionCompleted(
                    audit_id=audit.audit_id, action_id=action.action_id, completed_on=done
                ),
                after=rec,
            )

    def _audit(
        self, kind: AuditKind, day: dt.date, auditor: str, team_id: str, **fields: object
    ) -> ev.AuditCompleted:
        rng = self.rng
        return ev.AuditCompleted(
            audit_id=self.council.new_id("AUD"),
            kind=kind,
            auditor_id=auditor,
            team_id=team_id,
            completed_on=day,
            strengths=tuple(rng.sample(STRENGTHS, rng.randint(1, 2))),
            learning=tuple(rng.sample(LEARNING, rng.randint(1, 2))),
            themes=tuple(rng.sample(AUDIT_THEMES, rng.randint(1, 3))),
            cycle_id=cycle_id_for(day, self.council.policy.year_start_month),
            # the callers' keyword arguments are AuditCompleted's own fields (grades, outcome, ...)
            **fields,  # type: ignore[arg-type]
        )

    def _graded(self, quality: float, auditor: str) -> dict[str, Any]:
        rng = self.rng
        lean = self.council.staff[auditor].leniency
        overall = _grade(quality + lean + rng.gauss(0, 0.35))
        grades = {area: _grade(quality + lean + rng.gauss(0, 0.6)) for area in AUDIT_GRADE_AREAS}
        return {"overall": overall, "grades": grades}

    def practitioner_audit(self, day: dt.date, *, team_id: str) -> None:
        c = self.council
        team = c.teams[team_id]
        case_ref, worker = self._case(team_id, day)
        if case_ref in self.first:
            return
        auditor = self._manager(team.code, True, team.area, team_id)
        quality = min(3.0, max(0.0, c.staff[worker].quality + self.rng.gauss(0, 0.3)))
        self.first[case_ref] = (team_id, auditor, worker, quality)
        self._record(
            day,
            self._audit(
                AuditKind.PRACTITIONER,
                day,
                auditor,
                team_id,
                case_ref=case_ref,
                worker_id=worker,
                actions=self._actions(day, worker),
                **self._graded(quality, auditor),
            ),
        )

    def appreciative_inquiry(self, day: dt.date, *, team_id: str) -> None:
        c = self.council
        auditor = (
            c.managers[team_id] if self.rng.random() < 0.7 else c.one_of(Role.SERVICE_MANAGER, day, self.rng)
        )
        self._record(day, self._audit(AuditKind.APPRECIATIVE_INQUIRY, day, auditor, team_id))

    def schedule_peer_audits(self, day: dt.date) -> None:
        """Month 3: a manager from another area re-audits most month 1 cases (across areas)."""
        c, rng = self.council, self.rng
        peers: dict[str, str] = {}
        for case_ref, (team_id, first_auditor, worker, quality) in sorted(self.first.items()):
            if rng.random() > 0.65:
                continue
            team = c.teams[team_id]
            peer = peers.get(team_id) or peers.setdefault(
                team_id, self._manager(team.code, False, team.area, team_id)
            )
            when = self.day_in(3)
            grades = self._graded(quality, peer)
            first_grade = _grade(quality + c.staff[first_auditor].leniency)
            a, b = sorted((first_auditor, peer))
            self.gaps[(a, b)].append(abs(GRADES.index(first_grade) - GRADES.index(grades["overall"])))
            self.pair_cases[(a, b)].append((case_ref, team_id))
            c.timeline.spawn(
                when,
                self._one(
                    partial(
                        self.peer_audit,
                        case_ref=case_ref,
                        team_id=team_id,
                        peer=peer,
                        worker=worker,
                        grades=grades,
                    ),
                    when,
                ),
            )

    def schedule_triads(self, day: dt.date) -> None:
        """Month 4: the auditor pairs with the greatest variance meet with the QA unit (R-AUD-4)."""
        c, rng = self.council, self.rng
        ranked = sorted(
            ((sum(g) / len(g), len(g), pair) for pair, g in self.gaps.items() if sum(g) > 0),
            key=lambda x: (-x[0], -x[1], x[2]),
        )
        for _mean, _n, pair in ranked[: max(2, round(10 * c.size))]:
            case_ref, team_id = self.pair_cases[pair][0]
            when = self.day_in(4)
            qa = c.one_of(Role.QA_UNIT, when, rng)
            c.timeline.spawn(
                when, self._one(partial(self.triad_audit, case_ref=case_ref, team_id=team_id, qa=qa), when)
            )

    def thematic(self, day: dt.date) -> None:
        c, rng = self.council, self.rng
        title, hypothesis = rng.choice(THEMATIC_TITLES)
        theme_id = c.new_id("TH", 3)
        due = add_months(day, 3)
        rec = c.record(
            day,
            ev.ThematicAuditAgreed(
                theme_id=theme_id, title=title, hypothesis=hypothesis, agreed_on=day, due_on=due
            ),
        )
        if rec is None:
            return
        slug = title.lower().replace("'", "").replace(" ", "_")[:40]
        for _ in range(max(3, round(8 * c.size))):
            when = c.working_day(day + dt.timedelta(days=rng.randint(15, (due - day).days + 20)))
            code = rng.choice(tuple(CASE_HOLDING))
            team_id = rng.choice(c.teams_of(code))
            auditor = c.one_of(Role.QA_UNIT, day, rng)
            c.timeline.spawn(
                when, self._one(partial(self._thematic, team_id=team_id, auditor=auditor, slug=slug), when)
            )

    def peer_audit(
        self, day: dt.date, *, case_ref: str, team_id: str, peer: str, worker: str, grades: dict[str, Any]
    ) -> None:
        self._record(
            day,
            self._audit(
                AuditKind.PEER,
                day,
                peer,
                team_id,
                case_ref=case_ref,
                worker_id=worker,
                actions=self._actions(day, worker),
                **grades,
            ),
        )

    def triad_audit(self, day: dt.date, *, case_ref: str, team_id: str, qa: str) -> None:
        self._record(day, self._audit(AuditKind.TRIAD, day, qa, team_id, case_ref=case_ref))

    def _thematic(self, day: dt.date, *, team_id: str, auditor: str, slug: str) -> None:
        case_ref, worker = self._case(team_id, day)
        quality = self.council.staff[worker].quality
        audit = self._audit(
            AuditKind.THEMATIC,
            day,
            auditor,
            team_id,
            case_ref=case_ref,
            worker_id=worker,
            **self._graded(quality, auditor),
        )
        self._record(day, attrs.evolve(audit, themes=(slug, *audit.themes[:1])))

    def other(self, day: dt.date, *, kind: AuditKind) -> None:
        c, rng = self.council, self.rng
        team_id = rng.choice(c.teams_of(rng.choice(tuple(CASE_HOLDING))))
        auditor = c.one_of(Role.QA_UNIT, day, rng)
        case_ref, worker = self._case(team_id, day)
        extra: dict[str, object] = {"case_ref": case_ref}
        if kind.graded:
            extra.update(self._graded(c.staff[worker].quality, auditor))
        self._record(day, self._audit(kind, day, auditor, team_id, **extra))

    @staticmethod
    def _one(job: Callable[[dt.date], None], day: dt.date) -> Process:
        """A process that runs ``job`` once, on the day it is spawned for."""
        job(day)
        return
        yield day  # a generator function


def audit_cycles(council: Council) -> Process:
    """Every cycle that overlaps the period, its jobs in date order (none before the period)."""
    year_start = council.policy.year_start_month
    cycle = cycle_id_for(council.start, year_start)
    while True:
        starts_on, _ends_on = cycle_bounds(cycle, year_start)
        if starts_on > council.until:
            return
        current = AuditCycle(council, cycle)
        for day, _seq, job in sorted(current.jobs(), key=lambda j: (j[0], j[1])):
            if day < council.start:
                continue
            if day > council.until:
                break
            yield day
            job(day)
        cycle = cycle_id_for(add_months(starts_on, 4), year_start)
