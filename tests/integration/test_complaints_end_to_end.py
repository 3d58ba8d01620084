"""Complaints and voice end to end on every back end (memory, SQLite file, PostgreSQL):
a complaint through all three stages across Christmas 2026 and Easter 2027, a corporate
complaint, a late one, a withdrawal, refusals that store nothing, and the summaries a
quarterly learning report and a six-monthly report to senior managers are built from
(R-CMP-1..6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import RuleViolation
from tests.complaint_histories import SCENARIO
from tests.conftest import organisation

D = dt.date


def rows(qa: QualityAssurance, as_of: dt.date) -> dict[str, Any]:
    return {r.complaint_id: r for r in qa.complaints_register(as_of=as_of)}


def check_scenario(qa: QualityAssurance) -> None:
    at_new_year = rows(qa, D(2027, 1, 4))
    assert (at_new_year["K1"].stage, at_new_year["K1"].state, at_new_year["K1"].due_on) == (
        "stage_1",
        "open",
        D(2027, 1, 6),
    )
    assert at_new_year["K2"].due_on == D(2027, 1, 19)
    assert "K3" not in at_new_year  # not received yet

    mid_january = rows(qa, D(2027, 1, 20))
    k1 = mid_january["K1"]
    assert (k1.state, k1.extended, k1.due_on, k1.breached, k1.outcome) == (
        "closed",
        True,
        D(2027, 1, 20),
        False,
        "partially_upheld",
    )
    assert (mid_january["K2"].state, mid_january["K2"].breached) == ("closed", False)
    k3 = mid_january["K3"]
    assert (k3.state, k3.late, k3.withdrawn_on) == ("withdrawn", True, D(2027, 1, 20))

    at_easter = rows(qa, D(2027, 4, 20))
    assert (
        at_easter["K1"].stage,
        at_easter["K1"].due_on,
        at_easter["K1"].state,
        at_easter["K1"].breached,
    ) == ("stage_2", D(2027, 4, 19), "closed", True)

    on_the_day = rows(qa, D(2027, 6, 18))["K1"]
    assert (on_the_day.stage, on_the_day.state, on_the_day.due_on, on_the_day.breached) == (
        "stage_3",
        "open",
        D(2027, 6, 18),
        False,
    )
    assert rows(qa, D(2027, 6, 21))["K1"].breached is True  # the next working day

    # The quarter Jan-Mar 2027 (quarterly learning report): responses K1 stage 1 (on time)
    # and K2 (on time); K3 received and withdrawn; K1 stage 2 begun on 11 Mar.
    quarter = qa.complaints_summary(D(2027, 1, 1), D(2027, 3, 31))
    overall = quarter.overall
    assert (overall.received, overall.late, overall.withdrawn, overall.responses, overall.on_time) == (
        1,
        1,
        1,
        2,
        2,
    )
    assert overall.timeliness_share == 1.0
    assert {s.stage: s.begun for s in overall.by_stage} == {
        "stage_1": 1,
        "stage_2": 1,
        "stage_3": 0,
        "corporate": 0,
    }
    assert [item.learning for item in quarter.learning] == [("Return calls within a day",)]
    assert [t.key for t in quarter.by_service] == ["Children's Social Work", "Early Help"]

    # Six months Dec 2026 - May 2027 (report to senior managers): 3 received (1 corporate,
    # 1 late); responses K1 s1 (on time), K2 (on time), K1 s2 (late) -> 2 of 3 on time.
    half_year = qa.complaints_summary(D(2026, 12, 1), D(2027, 5, 31))
    overall = half_year.overall
    assert (overall.received, overall.corporate, overall.late, overall.responses, overall.on_time) == (
        3,
        1,
        1,
        3,
        2,
    )
    assert overall.timeliness_share == pytest.approx(2 / 3)
    assert overall.outcomes == {"upheld": 1, "partially_upheld": 1, "not_upheld": 1, "no_finding": 0}
    assert overall.themes == {"communication": 2, "delay": 1, "placement": 1}
    assert (overall.open_at_end, overall.overdue_at_end) == (1, 0)  # K1 at stage 3, due 18 Jun
    east = {t.key: t for t in half_year.by_team}["T-EAST-1"]
    assert (east.received, east.responses, east.on_time, east.withdrawn) == (2, 2, 1, 1)

    voice = qa.voice_summary(D(2027, 1, 1), D(2027, 3, 31))
    assert {t.key: (t.feedback, t.compliments) for t in voice.by_team} == {
        "T-EAST-1": (1, 0),
        "T-WEST-1": (0, 1),
    }


def test_R_CMP_1_to_6_end_to_end_on_every_back_end(qa: QualityAssurance) -> None:
    qa.record_many([*organisation(), *SCENARIO])
    position, stats = qa.position, qa.stats()
    with pytest.raises(RuleViolation) as backwards:
        qa.record_json(
            {
                "type": "ComplaintEscalated",
                "complaint_id": "K1",
                "to_stage": "stage_1",
                "requested_on": "2027-05-07",
            }
        )
    with pytest.raises(RuleViolation) as after_withdrawal:
        qa.record_json(
            {
                "type": "ComplaintResponded",
                "complaint_id": "K3",
                "stage": "stage_1",
                "responded_on": "2027-01-21",
                "outcome": "upheld",
            }
        )
    assert (backwards.value.field, backwards.value.rule) == ("to_stage", "R-CMP-5")
    assert (after_withdrawal.value.field, after_withdrawal.value.rule) == ("responded_on", "R-CMP-5")
    assert (qa.position, qa.stats()) == (position, stats)
    check_scenario(qa)


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A store that outlives its connection: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kentqa.db'}"
    url: str = request.getfixturevalue("make_postgres_db")()
    return url


def test_rows_survive_reconnecting_and_follow_a_policy_change_without_a_rebuild(durable_url: str) -> None:
    """The register is computed at query time: a council that shortens its corporate
    timescale to 15 working days sees K2 due Tue 12 Jan 2027 on reconnecting (Thu 17 Dec +
    15: 18 Dec (1), 21-24 (2-5), 29-31 (6-8), 4-8 Jan (9-13), 11 (14), 12 (15))."""
    with kq.connect(durable_url, policy=kq.Policy()) as qa:
        qa.record_many([*organisation(), *SCENARIO])
    with kq.connect(durable_url, policy=kq.Policy()) as qa:
        check_scenario(qa)
    local = attrs.evolve(kq.Policy(), corporate_complaint_working_days=15)
    with kq.connect(durable_url, policy=local) as qa:
        assert rows(qa, D(2027, 1, 4))["K2"].due_on == D(2027, 1, 12)
        assert rows(qa, D(2027, 1, 4))["K1"].due_on == D(2027, 1, 6)
