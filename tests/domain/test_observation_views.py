"""Summaries by team, service and area, the annual learning view, and R-ACC-1 scoping of all three."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance

D = dt.date.fromisoformat

TEAMS = [
    ("T1", "Children's Social Work", "East"),
    ("T2", "Early Help", "West"),
    ("T3", "Early Help", "East"),
]
# worker, team, role
STAFF = [
    ("P1", "T1", "practitioner"),
    ("P4", "T1", "practitioner"),
    ("P2", "T2", "practitioner"),
    ("P3", "T3", "practitioner"),
    ("TM1", "T1", "team_manager"),
    ("IRO1", "T1", "iro"),
    ("SM2", "T2", "service_manager"),
    ("AD3", "T3", "assistant_director"),
    ("QA", "T1", "qa_unit"),
    ("PSW", "T2", "principal_social_worker"),
    ("DIR", "T3", "director"),
]


def build(policy: kq.Policy) -> QualityAssurance:
    qa = kq.connect("memory://", policy=policy)
    qa.record_many(
        [{"type": "TeamRegistered", "team_id": t, "name": t, "service": s, "area": a} for t, s, a in TEAMS]
        + [
            {
                "type": "WorkerRegistered",
                "worker_id": w,
                "team_id": t,
                "role": r,
                "experience": "experienced",
                "registered_on": "2026-01-05",
            }
            for w, t, r in STAFF
        ]
    )
    return qa


@pytest.fixture
def qa() -> Iterator[QualityAssurance]:
    with build(kq.Policy()) as app:
        yield app


def seen(qa: QualityAssurance, who: str | None, on: str = "2026-03-01") -> list[str]:
    return [r.worker_id for r in qa.observation_compliance(as_of=D(on), as_worker=who)]


def test_R_ACC_1_each_role_sees_its_scope(qa: QualityAssurance) -> None:
    everyone = ["P1", "P4", "P2", "P3"]  # sorted by team: T1, T2, T3
    assert seen(qa, None) == everyone
    assert seen(qa, "P1") == ["P1"]  # practitioner: own row
    assert seen(qa, "TM1") == ["P1", "P4"]  # team manager: their team
    assert seen(qa, "IRO1") == ["P1", "P4"]  # policy: IROs see their team
    assert seen(qa, "SM2") == ["P2", "P3"]  # service manager: Early Help (T2, T3)
    assert seen(qa, "AD3") == ["P1", "P4", "P3"]  # assistant director: East (T1, T3)
    for all_seeing in ("QA", "PSW", "DIR"):
        assert seen(qa, all_seeing) == everyone


def test_R_ACC_1_the_principal_team_is_the_one_on_as_of(qa: QualityAssurance) -> None:
    qa.record_json({"type": "WorkerMoved", "worker_id": "TM1", "team_id": "T2", "moved_on": "2026-06-01"})
    assert seen(qa, "TM1", "2026-05-31") == ["P1", "P4"]
    assert seen(qa, "TM1", "2026-06-01") == ["P2"]


def test_R_ACC_1_a_principal_who_has_left_sees_nothing(qa: QualityAssurance) -> None:
    qa.record_json({"type": "WorkerLeft", "worker_id": "QA", "left_on": "2026-06-01"})
    assert seen(qa, "QA", "2026-05-31") == ["P1", "P4", "P2", "P3"]
    assert seen(qa, "QA", "2026-06-01") == []
    assert qa.observation_summary(as_of=D("2026-06-01"), as_worker="QA") == []


def test_R_ACC_1_the_matrix_lives_in_the_policy() -> None:
    with build(kq.Policy(access={"team_manager": "area", "practitioner": "team"})) as qa:
        assert seen(qa, "TM1") == ["P1", "P4", "P3"]  # East
        assert seen(qa, "P2") == ["P2"]  # alone in T2
        assert seen(qa, "P1") == ["P1", "P4"]


def test_summaries_by_team_service_and_area_count_statuses(qa: QualityAssurance) -> None:
    # On 2026-12-20 everyone registered 5 Jan 2026 is due 5 Jan 2027: due soon (16 days).
    qa.record_json(
        {
            "type": "ObservationRecorded",
            "observation_id": "O1",
            "worker_id": "P1",
            "observer_id": "TM1",
            "observed_on": "2026-06-01",
            "setting": "practice",
            "judgements": {},
            "overall": "good",
        }
    )
    qa.record_json(
        {"type": "SupervisionHeld", "worker_id": "P1", "supervisor_id": "TM1", "held_on": "2026-06-10"}
    )
    qa.record_json({"type": "WorkerLeft", "worker_id": "P2", "left_on": "2026-11-30"})
    # P1: observed 1 Jun -> due 1 Jun 2027, compliant, reflection missed (no review by 10 Jun).
    # P4, P3: due soon. P2: gone.
    by_team = {r.key: r for r in qa.observation_summary(as_of=D("2026-12-20"), by="team")}
    assert sorted(by_team) == ["T1", "T3"]
    t1 = by_team["T1"]
    assert (t1.workers, t1.compliant, t1.due_soon, t1.overdue, t1.reflection_missed) == (2, 1, 1, 0, 1)
    assert t1.compliant_share == 0.5 and t1.by == "team"
    by_service = {r.key: r for r in qa.observation_summary(as_of=D("2026-12-20"), by="service")}
    assert {k: (r.workers, r.due_soon) for k, r in by_service.items()} == {
        "Children's Social Work": (2, 1),
        "Early Help": (1, 1),
    }
    by_area = {r.key: r for r in qa.observation_summary(as_of=D("2026-12-20"), by="area")}
    assert {k: (r.workers, r.compliant) for k, r in by_area.items()} == {"East": (3, 1)}
    # Overdue a month later for those not observed.
    late = {r.key: r for r in qa.observation_summary(as_of=D("2027-02-01"), by="area")}
    assert (late["East"].overdue, late["East"].compliant, late["East"].compliant_share) == (
        2,
        1,
        pytest.approx(1 / 3),
    )
    # Scoped (R-ACC-1): the Early Help service manager sees only T3 now that P2 left.
    assert [
        (r.key, r.workers) for r in qa.observation_summary(as_of=D("2026-12-20"), by="team", as_worker="SM2")
    ] == [("T3", 1)]


def _observe(
    qa: QualityAssurance, oid: str, wid: str, on: str, setting: str, overall: str, **grades: str
) -> None:
    qa.record_json(
        {
            "type": "ObservationRecorded",
            "observation_id": oid,
            "worker_id": wid,
            "observer_id": "TM1",
            "observed_on": on,
            "setting": setting,
            "judgements": grades,
            "overall": overall,
        }
    )


def test_learning_view_counts_judgements_per_area_for_the_period(qa: QualityAssurance) -> None:
    _observe(
        qa,
        "O1",
        "P1",
        "2026-04-01",
        "practice",
        "good",
        planning_and_purpose="outstanding",
        professionalism="good",
    )
    _observe(
        qa, "O2", "P2", "2026-09-30", "practice", "inadequate", planning_and_purpose="requires_improvement"
    )
    _observe(qa, "O3", "P3", "2026-06-15", "meeting", "good", partner_feedback="good")
    _observe(
        qa, "O4", "P1", "2027-04-01", "practice", "outstanding", planning_and_purpose="inadequate"
    )  # after
    rows = {r.area: r for r in qa.observation_learning(start=D("2026-04-01"), end=D("2026-09-30"))}
    assert list(rows) == [a.value for a in kq.ObservationArea] + ["overall"]
    p = rows["planning_and_purpose"]
    assert (p.outstanding, p.good, p.requires_improvement, p.inadequate, p.judged) == (1, 0, 1, 0, 2)
    assert p.good_or_better_share == 0.5
    o = rows["overall"]
    assert (o.outstanding, o.good, o.requires_improvement, o.inadequate, o.judged) == (0, 2, 0, 1, 3)
    assert (
        rows["knowledge_and_theory"].judged == 0 and rows["knowledge_and_theory"].good_or_better_share is None
    )
    # A period still running counts only what happened by as_of: O2 (30 Sep) is left out.
    running = {
        r.area: r
        for r in qa.observation_learning(start=D("2026-04-01"), end=D("2027-03-31"), as_of=D("2026-09-29"))
    }
    assert (running["overall"].good, running["overall"].inadequate) == (2, 0)
    practice = {
        r.area: r
        for r in qa.observation_learning(start=D("2026-04-01"), end=D("2026-09-30"), setting="practice")
    }
    assert practice["overall"].judged == 2 and practice["partner_feedback"].judged == 0
    # Scoped: the team manager of T1 sees only P1's observation; a filter by team does the same.
    mine = {
        r.area: r
        for r in qa.observation_learning(start=D("2026-01-01"), end=D("2026-12-31"), as_worker="TM1")
    }
    assert (mine["overall"].judged, mine["professionalism"].good) == (1, 1)
    assert qa.observation_learning(start=D("2026-01-01"), end=D("2026-12-31"), team="T1") == list(
        mine.values()
    )


def test_learning_view_files_an_observation_under_the_team_of_its_day(qa: QualityAssurance) -> None:
    _observe(qa, "O1", "P1", "2026-04-01", "practice", "good")
    qa.record_json({"type": "WorkerMoved", "worker_id": "P1", "team_id": "T2", "moved_on": "2026-05-01"})
    _observe(qa, "O2", "P1", "2026-06-01", "practice", "inadequate")
    t1 = {r.area: r for r in qa.observation_learning(start=D("2026-01-01"), end=D("2026-12-31"), team="T1")}
    t2 = {r.area: r for r in qa.observation_learning(start=D("2026-01-01"), end=D("2026-12-31"), team="T2")}
    assert (t1["overall"].good, t1["overall"].inadequate) == (1, 0)
    assert (t2["overall"].good, t2["overall"].inadequate) == (0, 1)
