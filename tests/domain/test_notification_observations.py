"""observation_overdue (R-OBS-1..3, R-OBS-5) against the plain observation oracle
(tests/domain/observation_oracle.py), in any recording order."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.notifications import NotificationKind

from .observation_histories import respecting_references, scenarios
from .observation_oracle import oracle_rows


def oracle(events: list[ev.Event], as_of: dt.date) -> set[tuple[str, str, str | None]]:
    """(key, audience, team) for every current practitioner the oracle says is overdue."""
    return {
        (f"observation_overdue:worker:{wid}:{due.isoformat()}", "team_manager", team)  # type: ignore[union-attr]
        for (wid, team, _req, _last, due, status, _missed) in oracle_rows(events, as_of)
        if status == "overdue"
    }


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(days=3), st.randoms(use_true_random=False))
def test_R_OBS_overdue_observations_match_the_oracle_in_any_order(
    scenario: tuple[list[ev.Event], list[dt.date]], rnd: random.Random
) -> None:
    events, days = scenario
    shuffled = list(events)
    rnd.shuffle(shuffled)
    for order in (events, respecting_references(shuffled)):
        with kq.connect("memory://", policy=kq.Policy()) as qa:
            qa.record_many(order)
            for as_of in days:
                got = [
                    n for n in qa.notifications(as_of=as_of) if n.kind is NotificationKind.OBSERVATION_OVERDUE
                ]
                assert {(n.key, n.audience, n.team_id) for n in got} == oracle(events, as_of)
                assert all(f"Practitioner {n.ref('worker_id')} (team {n.team_id})" in n.message for n in got)


def test_a_worked_annual_observation() -> None:
    """R-OBS-2: registered 5 Jan 2026 and never observed: due 5 Jan 2027, overdue from the 6th;
    once observed (late), the next is due 12 months after that observation: a new key."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(
            [
                {
                    "type": "TeamRegistered",
                    "team_id": "T1",
                    "name": "East 1",
                    "service": "CSW",
                    "area": "East",
                },
                {
                    "type": "WorkerRegistered",
                    "worker_id": "W1",
                    "team_id": "T1",
                    "role": "practitioner",
                    "experience": "experienced",
                    "registered_on": "2026-01-05",
                },
            ]
        )
        assert qa.notifications(as_of=dt.date(2027, 1, 5)) == []
        (n,) = qa.notifications(as_of=dt.date(2027, 1, 6))
        assert n.key == "observation_overdue:worker:W1:2027-01-05"
        assert (n.audience, n.team_id, dict(n.refs)) == (
            "team_manager",
            "T1",
            {"worker_id": "W1", "team_id": "T1"},
        )
        assert n.message == (
            "Practitioner W1 (team T1) was due a practice observation by 2027-01-05 "
            "(the annual observation, R-OBS-2); not yet observed."
        )
        judgements = {a.value: "good" for a in kq.ObservationArea}
        qa.record_json(
            {
                "type": "ObservationRecorded",
                "observation_id": "O1",
                "worker_id": "W1",
                "observer_id": "TM1",
                "observed_on": "2027-01-20",
                "setting": "practice",
                "judgements": judgements,
                "overall": "good",
            }
        )
        assert qa.notifications(as_of=dt.date(2027, 2, 1)) == []
        (later,) = qa.notifications(as_of=dt.date(2028, 1, 21))
        assert later.key == "observation_overdue:worker:W1:2028-01-20"
        assert later.message.endswith("last observed on 2027-01-20.")
