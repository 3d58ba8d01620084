"""The same recordings on memory, SQLite and PostgreSQL give the same answers (STYLE.md:
hypothesis' database-agreement pattern), including refusals that store nothing, and a
reopened store rebuilds the same state from its log."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import InvalidEvent
from tests.reliability.state import identities, stream_versions

TEAMS = st.sampled_from(["T1", "T2", "T3"])
WORKERS = st.sampled_from(["W1", "W2", "W3"])
OBSERVATIONS = st.sampled_from(["O1", "O2"])
ESCALATIONS = st.sampled_from(["E1", "E2"])
DATES = st.dates(
    min_value=__import__("datetime").date(2026, 1, 1), max_value=__import__("datetime").date(2026, 12, 31)
).map(lambda d: d.isoformat())
STAGES = st.sampled_from(["informal", "team_manager", "service_manager", "head_of_service", "director"])


def outcome(qa: QualityAssurance, obj: dict[str, Any]) -> tuple[str, Any]:
    try:
        return ("ok", qa.record_json(obj))
    except InvalidEvent as exc:
        return (type(exc).__name__, (exc.field, exc.rule))


class BackendsAgree(RuleBasedStateMachine):
    make_urls: Callable[[], list[str]]

    def __init__(self) -> None:
        super().__init__()
        self.urls = type(self).make_urls()
        self.stores = [kq.connect(url, policy=kq.Policy()) for url in self.urls]
        self.history: list[dict[str, Any]] = []

    def apply(self, obj: dict[str, Any]) -> None:
        before = [(s.position, s.stats()) for s in self.stores]
        results = [outcome(store, obj) for store in self.stores]
        assert all(r == results[0] for r in results), (obj, results)
        if results[0][0] != "ok":
            # a refused recording stores nothing, on every back end
            assert [(s.position, s.stats()) for s in self.stores] == before
        self.history.append(obj)

    @rule(team=TEAMS, name=st.sampled_from(["East 1", "East 2"]))
    def register_team(self, team: str, name: str) -> None:
        self.apply(
            {"type": "TeamRegistered", "team_id": team, "name": name, "service": "CSW", "area": "East"}
        )

    @rule(worker=WORKERS, team=TEAMS, day=DATES)
    def register_worker(self, worker: str, team: str, day: str) -> None:
        self.apply(
            {
                "type": "WorkerRegistered",
                "worker_id": worker,
                "team_id": team,
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": day,
            }
        )

    @rule(worker=WORKERS, team=TEAMS, day=DATES)
    def move_worker(self, worker: str, team: str, day: str) -> None:
        self.apply({"type": "WorkerMoved", "worker_id": worker, "team_id": team, "moved_on": day})

    @rule(obs=OBSERVATIONS, worker=WORKERS, day=DATES, grade=st.sampled_from(["good", "inadequate"]))
    def observe(self, obs: str, worker: str, day: str, grade: str) -> None:
        self.apply(
            {
                "type": "ObservationRecorded",
                "observation_id": obs,
                "worker_id": worker,
                "observer_id": "M",
                "observed_on": day,
                "setting": "practice",
                "judgements": {},
                "overall": grade,
            }
        )

    @rule(obs=OBSERVATIONS, day=DATES)
    def share(self, obs: str, day: str) -> None:
        self.apply({"type": "ObservationShared", "observation_id": obs, "shared_on": day})

    @rule(esc=ESCALATIONS, team=TEAMS, day=DATES, stage=STAGES)
    def raise_escalation(self, esc: str, team: str, day: str, stage: str) -> None:
        self.apply(
            {
                "type": "EscalationRaised",
                "escalation_id": esc,
                "raised_by": "IRO",
                "raised_on": day,
                "stage": stage,
                "reason": "drift",
                "team_id": team,
            }
        )

    @rule(esc=ESCALATIONS, day=DATES, stage=STAGES)
    def progress(self, esc: str, day: str, stage: str) -> None:
        self.apply(
            {"type": "EscalationProgressed", "escalation_id": esc, "to_stage": stage, "progressed_on": day}
        )

    @rule(esc=ESCALATIONS, day=DATES)
    def resolve(self, esc: str, day: str) -> None:
        self.apply(
            {
                "type": "EscalationResolved",
                "escalation_id": esc,
                "resolved_on": day,
                "outcome": "plan updated",
            }
        )

    @rule(data=st.data())
    def resend(self, data: st.DataObject) -> None:
        if self.history:
            self.apply(data.draw(st.sampled_from(self.history)))

    @invariant()
    def same_answers(self) -> None:
        answers = [(s.position, s.stats(), len(identities(s))) for s in self.stores]
        assert all(a == answers[0] for a in answers), answers

    def teardown(self) -> None:
        # Reopen the persistent stores from their logs (no checkpoint): the same state.
        expected = self.stores[0].stats(), self.stores[0].position, stream_versions(self.stores[0])
        for store in self.stores:
            store.close()
        for url in self.urls[1:]:
            with kq.connect(url, policy=kq.Policy()) as reopened:
                assert (reopened.stats(), reopened.position, stream_versions(reopened)) == expected


def test_memory_sqlite_and_postgres_agree(tmp_path: Path, make_postgres_db: Callable[[], str]) -> None:
    counter = itertools.count()

    def urls() -> list[str]:
        n = next(counter)
        return ["memory://", f"sqlite:///{tmp_path / f'sm{n}.db'}", make_postgres_db()]

    BackendsAgree.make_urls = staticmethod(urls)  # type: ignore[assignment]
    run_state_machine_as_test(
        BackendsAgree, settings=settings(max_examples=25, stateful_step_count=25, deadline=None)
    )


def test_machine_is_not_vacuous() -> None:
    """The rules above do reach both acceptance and refusal (else agreement proves little)."""
    qa = kq.connect("memory://", policy=kq.Policy())
    assert (
        outcome(qa, {"type": "WorkerMoved", "worker_id": "W1", "team_id": "T1", "moved_on": "2026-01-01"})[0]
        == "UnknownReference"
    )
    assert (
        outcome(
            qa,
            {"type": "TeamRegistered", "team_id": "T1", "name": "East 1", "service": "CSW", "area": "East"},
        )[0]
        == "ok"
    )
    assert (
        outcome(
            qa,
            {"type": "TeamRegistered", "team_id": "T1", "name": "East 2", "service": "CSW", "area": "East"},
        )[0]
        == "ConflictingEvent"
    )
    qa.close()
