"""A state machine over the staff and observation aggregates (hypothesis ``RuleBasedStateMachine``).

Each step tries to record one event, good or bad, as an integration would send it. A plain
model of SPEC section 2 and R-OBS-1/4/5 says which refusals are allowed; the invariants are:
a refused event stores nothing, re-sending the same event is a no-op, the same identity
with other content is a conflict, and the compliance rows always equal the oracle's over the
events accepted so far.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference

from .observation_oracle import as_tuples, oracle_rows, plus_months

WORKERS = ["W0", "W1", "W2", "GHOST"]
OBSERVATIONS = ["O0", "O1", "O2", "O3", "NOPE"]
TEAMS = ["T1", "T2", "T9"]  # T9 is never registered
DAYS = [dt.date(2026, 1, 31) + dt.timedelta(days=29 * n) for n in range(16)]
ENDS = [dt.date(2027, m, 1) for m in range(1, 13)]  # new ends of extended ASYE years
AT_WORK = (ev.WorkerMoved, ev.ObservationRecorded, ev.SupervisionHeld)
CHECK_DAYS = [dt.date(2026, 3, 1), dt.date(2026, 9, 30), dt.date(2027, 6, 30)]
days = st.sampled_from(DAYS)


def identity(e: ev.Event) -> tuple[Any, ...]:
    """What makes two recordings the same event (SPEC section 2), for the event types here."""
    fields = {
        ev.TeamRegistered: ("team_id",),
        ev.WorkerRegistered: ("worker_id",),
        ev.WorkerMoved: ("worker_id", "moved_on"),
        ev.WorkerLeft: ("worker_id", "left_on"),
        ev.WorkerRejoined: ("worker_id", "rejoined_on"),
        ev.WorkerRoleChanged: ("worker_id", "changed_on"),
        ev.ASYEExtended: ("worker_id", "extended_to"),
        ev.ASYECompleted: ("worker_id",),
        ev.SupportNeedFlagged: ("worker_id", "flagged_on"),
        ev.SupportNeedCleared: ("worker_id", "cleared_on"),
        ev.SupervisionHeld: ("worker_id", "supervisor_id", "held_on"),
        ev.ObservationRecorded: ("observation_id",),
        ev.ObservationShared: ("observation_id",),
        ev.ReflectiveReviewHeld: ("observation_id",),
    }[type(e)]
    return (type(e).__name__, *(getattr(e, f) for f in fields))


class ObservationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.qa = kq.connect("memory://", policy=kq.Policy())
        self.accepted: list[ev.Event] = []
        self.by_identity: dict[tuple[Any, ...], ev.Event] = {}

    @initialize(first=days, second=days)
    def organisation(self, first: dt.date, second: dt.date) -> None:
        """Two teams, an experienced practitioner and an ASYE one; W2 may join later."""
        for team in ("T1", "T2"):
            self.try_record(ev.TeamRegistered(team_id=team, name=team, service="Early Help", area="East"))
        self.try_record(
            ev.WorkerRegistered(
                worker_id="W0",
                team_id="T1",
                role="practitioner",
                experience="experienced",
                registered_on=first,
            )
        )
        self.try_record(
            ev.WorkerRegistered(
                worker_id="W1", team_id="T2", role="practitioner", experience="asye", registered_on=second
            )
        )

    def teardown(self) -> None:
        self.qa.close()

    # --- the model -------------------------------------------------------------------------

    def registered(self, worker_id: str) -> ev.WorkerRegistered | None:
        return next(
            (e for e in self.accepted if isinstance(e, ev.WorkerRegistered) and e.worker_id == worker_id),
            None,
        )

    def career(
        self, reg: ev.WorkerRegistered
    ) -> tuple[dt.date | None, list[tuple[dt.date, dt.date]], dt.date]:
        """(open leaving date, closed absences, latest in-post activity) from the accepted events,
        in recording order (SPEC 9.3)."""
        left: dt.date | None = None
        absences: list[tuple[dt.date, dt.date]] = []
        active = reg.registered_on
        for x in self.accepted:
            if getattr(x, "worker_id", None) != reg.worker_id:
                continue
            if isinstance(x, ev.WorkerLeft):
                left = x.left_on
            elif isinstance(x, ev.WorkerRejoined):
                assert left is not None
                absences.append((left, x.rejoined_on))
                left = None
                active = max(active, x.rejoined_on)
            elif isinstance(x, (*AT_WORK, ev.WorkerRoleChanged)):
                active = max(active, x.business_date)
        return left, absences, active

    def asye_end(self, reg: ev.WorkerRegistered, absences: list[tuple[dt.date, dt.date]]) -> dt.date:
        start = absences[-1][1] if absences else (reg.asye_started_on or reg.registered_on)
        ends = [
            x.extended_to
            for x in self.accepted
            if isinstance(x, ev.ASYEExtended) and x.worker_id == reg.worker_id
        ]
        return max([plus_months(start, 12), *ends])

    def allowed_errors(self, e: ev.Event) -> set[type[InvalidEvent]]:
        """Every refusal the rules allow for ``e`` now (empty: it must be accepted)."""
        errors: set[type[InvalidEvent]] = set()
        teams = {x.team_id for x in self.accepted if isinstance(x, ev.TeamRegistered)}
        if isinstance(e, (ev.WorkerRegistered, ev.WorkerMoved, ev.WorkerRejoined)) and e.team_id not in teams:
            errors.add(UnknownReference)
        if isinstance(e, (ev.ObservationShared, ev.ReflectiveReviewHeld)):
            observed = next(
                (
                    x
                    for x in self.accepted
                    if isinstance(x, ev.ObservationRecorded) and x.observation_id == e.observation_id
                ),
                None,
            )
            if observed is None:
                errors.add(UnknownReference)
            elif e.business_date < observed.observed_on:
                errors.add(RuleViolation)  # R-OBS-4
            return errors
        if isinstance(e, (ev.TeamRegistered, ev.WorkerRegistered)):
            return errors
        reg = self.registered(e.worker_id)  # type: ignore[attr-defined]
        if reg is None:
            return errors | {UnknownReference}
        left, absences, active = self.career(reg)
        day = e.business_date
        away = (left is not None and day > left) or any(a < day < b for a, b in absences)
        if isinstance(e, (*AT_WORK, ev.WorkerRoleChanged)) and away:
            errors.add(RuleViolation)  # R-OBS-5
        if isinstance(e, (ev.WorkerMoved, ev.WorkerRoleChanged)) and day < reg.registered_on:
            errors.add(RuleViolation)  # R-OBS-5
        if isinstance(e, ev.WorkerLeft) and (left is not None or e.left_on < active):
            errors.add(RuleViolation)  # R-OBS-5: left already, or before activity
        if isinstance(e, ev.WorkerRejoined) and (left is None or e.rejoined_on <= left):
            errors.add(RuleViolation)  # R-OBS-5: only a leaver rejoins, after leaving
        if isinstance(e, ev.ASYEExtended) and (
            reg.experience != "asye" or e.extended_to <= self.asye_end(reg, absences)
        ):
            errors.add(RuleViolation)  # R-OBS-1
        if isinstance(e, ev.ASYECompleted) and (
            reg.experience != "asye" or e.completed_on < (reg.asye_started_on or reg.registered_on)
        ):
            errors.add(RuleViolation)  # R-OBS-1
        return errors

    def try_record(self, e: ev.Event) -> None:
        before = (self.qa.position, self.qa.stats())
        known = self.by_identity.get(identity(e))
        if known is not None:
            if known == e:
                assert self.qa.record(e) <= before[0]  # a no-op returning the first position
            else:
                try:
                    self.qa.record(e)
                    raise AssertionError(f"expected a conflict for {e}")
                except ConflictingEvent:
                    event("refused: ConflictingEvent")
            assert (self.qa.position, self.qa.stats()) == before
            return
        allowed = self.allowed_errors(e)
        try:
            self.qa.record(e)
        except InvalidEvent as error:
            assert type(error) in allowed, f"{e} refused: {error}"
            assert error.event_type == type(e).__name__ and error.field
            assert (self.qa.position, self.qa.stats()) == before  # nothing stored
            event(f"refused: {type(error).__name__} {error.rule}")
            return
        assert not allowed, f"{e} accepted, expected one of {allowed}"
        event(f"accepted: {type(e).__name__}")
        self.accepted.append(e)
        self.by_identity[identity(e)] = e

    # --- steps ---------------------------------------------------------------------------

    @rule(
        worker=st.sampled_from(WORKERS[:3]),
        team=st.sampled_from(TEAMS),
        role=st.sampled_from(["practitioner", "practitioner", "team_manager"]),
        asye=st.booleans(),
        on=days,
    )
    def register(self, worker: str, team: str, role: str, asye: bool, on: dt.date) -> None:
        self.try_record(
            ev.WorkerRegistered(
                worker_id=worker,
                team_id=team,
                role=role,
                experience="asye" if asye else "experienced",
                registered_on=on,
            )
        )

    @rule(worker=st.sampled_from(WORKERS), team=st.sampled_from(TEAMS), on=days)
    def move(self, worker: str, team: str, on: dt.date) -> None:
        self.try_record(ev.WorkerMoved(worker_id=worker, team_id=team, moved_on=on))

    @rule(worker=st.sampled_from(WORKERS), on=days)
    def leave(self, worker: str, on: dt.date) -> None:
        self.try_record(ev.WorkerLeft(worker_id=worker, left_on=on))

    @rule(worker=st.sampled_from(WORKERS), on=days, passed=st.booleans())
    def complete_asye(self, worker: str, on: dt.date, passed: bool) -> None:
        self.try_record(ev.ASYECompleted(worker_id=worker, completed_on=on, passed=passed))

    @rule(
        worker=st.sampled_from(WORKERS),
        team=st.sampled_from(TEAMS),
        on=days,
        role=st.none() | st.sampled_from(["practitioner", "team_manager"]),
    )
    def rejoin(self, worker: str, team: str, on: dt.date, role: str | None) -> None:
        self.try_record(ev.WorkerRejoined(worker_id=worker, team_id=team, rejoined_on=on, role=role))

    @rule(worker=st.sampled_from(WORKERS), on=days, role=st.sampled_from(["practitioner", "team_manager"]))
    def change_role(self, worker: str, on: dt.date, role: str) -> None:
        self.try_record(ev.WorkerRoleChanged(worker_id=worker, role=role, changed_on=on))

    @rule(worker=st.sampled_from(WORKERS), to=st.sampled_from(ENDS), agreed=st.none() | days)
    def extend_asye(self, worker: str, to: dt.date, agreed: dt.date | None) -> None:
        agreed = min(agreed, to) if agreed is not None else None
        self.try_record(
            ev.ASYEExtended(worker_id=worker, extended_to=to, reason="Absence", extended_on=agreed)
        )

    @rule(
        worker=st.sampled_from(WORKERS), on=days, interval=st.none() | st.integers(1, 12), clear=st.booleans()
    )
    def support(self, worker: str, on: dt.date, interval: int | None, clear: bool) -> None:
        if clear:
            self.try_record(ev.SupportNeedCleared(worker_id=worker, cleared_on=on))
        else:
            self.try_record(ev.SupportNeedFlagged(worker_id=worker, flagged_on=on, interval_months=interval))

    @rule(worker=st.sampled_from(WORKERS), on=days, supervisor=st.sampled_from(["M1", "M2"]))
    def supervise(self, worker: str, on: dt.date, supervisor: str) -> None:
        self.try_record(ev.SupervisionHeld(worker_id=worker, supervisor_id=supervisor, held_on=on))

    @rule(
        observation=st.sampled_from(OBSERVATIONS[:4]),
        worker=st.sampled_from(WORKERS),
        on=days,
        setting=st.sampled_from(["practice", "meeting"]),
        overall=st.sampled_from(["good", "inadequate"]),
    )
    def observe(self, observation: str, worker: str, on: dt.date, setting: str, overall: str) -> None:
        self.try_record(
            ev.ObservationRecorded(
                observation_id=observation,
                worker_id=worker,
                observer_id="M1",
                observed_on=on,
                setting=setting,
                judgements={"professionalism": overall},
                overall=overall,
            )
        )

    @rule(data=st.data(), review=st.booleans())
    def follow_up(self, data: st.DataObject, review: bool) -> None:
        """Share or review an observation: mostly a recorded one, near or after its day."""
        recorded = [e for e in self.accepted if isinstance(e, ev.ObservationRecorded)]
        if recorded and data.draw(st.integers(0, 4)):
            target = data.draw(st.sampled_from(recorded))
            observation = target.observation_id
            on = target.observed_on + dt.timedelta(days=data.draw(st.integers(-3, 60)))
        else:
            observation, on = data.draw(st.sampled_from(OBSERVATIONS)), data.draw(days)
        if review:
            self.try_record(ev.ReflectiveReviewHeld(observation_id=observation, held_on=on))
        else:
            self.try_record(ev.ObservationShared(observation_id=observation, shared_on=on))

    @precondition(lambda self: bool(self.accepted))
    @rule(data=st.data())
    def resend(self, data: st.DataObject) -> None:
        """Integrations re-send: the same event again is a no-op."""
        self.try_record(data.draw(st.sampled_from(self.accepted)))

    @invariant()
    def rows_equal_the_oracle(self) -> None:
        """R-OBS-1..5 over the accepted events."""
        for as_of in CHECK_DAYS:
            assert as_tuples(self.qa.observation_compliance(as_of=as_of)) == oracle_rows(self.accepted, as_of)


ObservationMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
test_observation_machine = ObservationMachine.TestCase
