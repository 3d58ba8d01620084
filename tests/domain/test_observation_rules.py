"""Observation compliance, rule by rule (R-OBS-1..5), with JSON events as a new user writes them.

Every expected date below is worked out by hand from SPEC section 4 in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import RuleViolation, UnknownReference

D = dt.date.fromisoformat


@pytest.fixture
def qa() -> Iterator[QualityAssurance]:
    with kq.connect("memory://", policy=kq.Policy()) as app:
        app.record_many(
            [
                {
                    "type": "TeamRegistered",
                    "team_id": "T1",
                    "name": "East CSW",
                    "service": "Children's Social Work",
                    "area": "East",
                },
                {
                    "type": "TeamRegistered",
                    "team_id": "T2",
                    "name": "West EH",
                    "service": "Early Help",
                    "area": "West",
                },
                {
                    "type": "TeamRegistered",
                    "team_id": "T3",
                    "name": "East EH",
                    "service": "Early Help",
                    "area": "East",
                },
            ]
        )
        yield app


def worker(
    qa: QualityAssurance,
    wid: str,
    registered_on: str,
    *,
    experience: str = "experienced",
    team: str = "T1",
    role: str = "practitioner",
    asye_started_on: str | None = None,
) -> None:
    qa.record_json(
        {
            "type": "WorkerRegistered",
            "worker_id": wid,
            "team_id": team,
            "role": role,
            "experience": experience,
            "registered_on": registered_on,
            "asye_started_on": asye_started_on,
        }
    )


_seq = iter(range(1, 1_000_000))


def observe(
    qa: QualityAssurance,
    wid: str,
    on: str,
    *,
    setting: str = "practice",
    oid: str | None = None,
    overall: str = "good",
    judgements: dict[str, str] | None = None,
) -> str:
    oid = oid or f"O{next(_seq)}"
    qa.record_json(
        {
            "type": "ObservationRecorded",
            "observation_id": oid,
            "worker_id": wid,
            "observer_id": "TM1",
            "observed_on": on,
            "setting": setting,
            "judgements": judgements or {"planning_and_purpose": "good"},
            "overall": overall,
        }
    )
    return oid


def record(qa: QualityAssurance, type_: str, **fields: Any) -> None:
    qa.record_json({"type": type_, **fields})


def row(qa: QualityAssurance, wid: str, as_of: str) -> Any:
    rows = [r for r in qa.observation_compliance(as_of=D(as_of)) if r.worker_id == wid]
    assert len(rows) <= 1
    return rows[0] if rows else None


# --- R-OBS-1 ASYE ---------------------------------------------------------------------------


def test_R_OBS_1_asye_observations_due_at_3_6_and_11_months_from_registration(qa: QualityAssurance) -> None:
    worker(qa, "A", "2026-01-05", experience="asye")
    r = row(qa, "A", "2026-01-05")
    assert (r.requirement, r.next_due_on, r.last_observed_on) == ("asye", D("2026-04-05"), None)  # +3 months
    observe(qa, "A", "2026-03-01")
    assert row(qa, "A", "2026-03-01").next_due_on == D("2026-07-05")  # 2nd: +6 months
    observe(qa, "A", "2026-06-20")
    assert row(qa, "A", "2026-06-20").next_due_on == D("2026-12-05")  # 3rd: +11 months
    # As of a date before the 2nd observation, only the 1st counts.
    assert row(qa, "A", "2026-06-19").next_due_on == D("2026-07-05")


def test_R_OBS_1_asye_start_date_overrides_registration(qa: QualityAssurance) -> None:
    worker(qa, "A", "2026-01-05", experience="asye", asye_started_on="2025-11-30")
    # 30 Nov 2025 + 3 months = 28 Feb 2026 (clamped to the month end).
    assert row(qa, "A", "2026-01-05").next_due_on == D("2026-02-28")


def test_R_OBS_1_observations_before_the_asye_start_do_not_count(qa: QualityAssurance) -> None:
    worker(qa, "A", "2026-01-05", experience="asye", asye_started_on="2026-02-01")
    observe(qa, "A", "2026-01-20")  # before the ASYE year began
    r = row(qa, "A", "2026-02-10")
    assert r.next_due_on == D("2026-05-01")  # still the 1st: 1 Feb + 3 months
    assert r.last_observed_on == D("2026-01-20")


def test_R_OBS_1_as_of_before_a_later_asye_start_counts_no_observation(qa: QualityAssurance) -> None:
    """R-OBS-1 counts practice observations dated from the ASYE start up to ``as_of``; with
    ``as_of`` before the start that is none, however many observations fall before the start
    or after ``as_of`` (regression: hypothesis found the count going negative, which picked
    the 11-month point instead of the 3-month one).
    """
    worker(qa, "A", "2024-02-28", experience="asye", asye_started_on="2024-03-01")
    record(qa, "SupervisionHeld", worker_id="A", supervisor_id="TM1", held_on="2024-01-29")
    observe(qa, "A", "2023-11-30")  # history from an earlier system (decision 0104)
    observe(qa, "A", "2023-11-30")
    observe(qa, "A", "2024-02-29")  # after as_of below, and still before the ASYE start
    record(qa, "WorkerLeft", worker_id="A", left_on="2024-02-29")  # the last activity's day
    r = row(qa, "A", "2024-02-28")
    # Nothing counted: the 1st is due 1 Mar 2024 + 3 months = 1 Jun 2024, 94 days away.
    assert (r.requirement, r.last_observed_on, r.next_due_on, r.status) == (
        "asye",
        D("2023-11-30"),
        D("2024-06-01"),
        "compliant",
    )
    # R-OBS-4: the supervision of 29 Jan 2024 followed the 30 Nov observations with no review.
    assert r.reflection_missed is True
    assert row(qa, "A", "2024-02-29") is None  # R-OBS-5: left that day
    assert row(qa, "A", "2024-02-27") is None  # not yet registered


def test_R_OBS_1_after_three_observations_the_next_is_12_months_after_the_latest(
    qa: QualityAssurance,
) -> None:
    """Decision 0101: all three done, ASYE not yet completed -> latest + 12 months, still 'asye'."""
    worker(qa, "A", "2026-01-05", experience="asye")
    for on in ("2026-02-01", "2026-05-01", "2026-09-30"):
        observe(qa, "A", on)
    r = row(qa, "A", "2026-10-01")
    assert (r.requirement, r.next_due_on) == ("asye", D("2027-09-30"))


def test_R_OBS_1_ends_at_asye_completed_then_R_OBS_2_from_the_latest_observation(
    qa: QualityAssurance,
) -> None:
    worker(qa, "A", "2026-01-05", experience="asye")
    observe(qa, "A", "2026-03-15")
    record(qa, "ASYECompleted", worker_id="A", completed_on="2026-12-20", passed=True)
    before = row(qa, "A", "2026-12-19")
    assert (before.requirement, before.next_due_on) == ("asye", D("2026-07-05"))
    after = row(qa, "A", "2026-12-20")  # from that date: R-OBS-2
    assert (after.requirement, after.next_due_on) == ("annual", D("2027-03-15"))
    assert after.status == "compliant"  # 85 days ahead


def test_R_OBS_1_only_an_asye_worker_completes_and_not_before_the_start(qa: QualityAssurance) -> None:
    worker(qa, "E", "2026-01-05")
    worker(qa, "A", "2026-01-05", experience="asye", asye_started_on="2026-02-01")
    before = qa.stats()
    with pytest.raises(RuleViolation, match="R-OBS-1") as info:
        record(qa, "ASYECompleted", worker_id="E", completed_on="2026-12-20")
    assert info.value.field == "worker_id"
    with pytest.raises(RuleViolation, match="R-OBS-1") as info:
        record(qa, "ASYECompleted", worker_id="A", completed_on="2026-01-31")
    assert info.value.field == "completed_on"
    assert qa.stats() == before


# --- R-OBS-2 experienced ------------------------------------------------------------------


def test_R_OBS_2_due_12_months_after_registration_then_after_the_latest_observation(
    qa: QualityAssurance,
) -> None:
    worker(qa, "E", "2026-01-05")
    r = row(qa, "E", "2026-01-05")
    assert (r.requirement, r.next_due_on, r.status) == ("annual", D("2027-01-05"), "compliant")
    observe(qa, "E", "2026-05-31")
    observe(qa, "E", "2026-03-01")  # typed up late: the latest by date still wins
    assert row(qa, "E", "2026-06-01").next_due_on == D("2027-05-31")
    assert row(qa, "E", "2026-04-01").next_due_on == D("2027-03-01")  # as of April, only March counts
    assert row(qa, "E", "2027-06-01").status == "overdue"


def test_R_OBS_2_month_end_and_leap_years(qa: QualityAssurance) -> None:
    worker(qa, "L", "2023-02-28")
    assert row(qa, "L", "2023-03-01").next_due_on == D("2024-02-28")  # not the 29th
    observe(qa, "L", "2024-02-29")
    assert row(qa, "L", "2024-03-01").next_due_on == D("2025-02-28")  # 29 Feb + 12 months
    worker(qa, "M", "2024-08-31", experience="asye")
    assert row(qa, "M", "2024-09-01").next_due_on == D("2024-11-30")  # 31 Aug + 3 months
    observe(qa, "M", "2024-10-01")
    assert row(qa, "M", "2024-10-01").next_due_on == D("2025-02-28")  # 31 Aug + 6 months
    worker(qa, "N", "2023-08-31", experience="asye")
    observe(qa, "N", "2023-09-01")
    assert row(qa, "N", "2023-09-02").next_due_on == D("2024-02-29")  # leap year: 29 Feb


# --- R-OBS-3 support ----------------------------------------------------------------------


def test_R_OBS_3_support_due_interval_after_the_later_of_flag_and_latest_observation(
    qa: QualityAssurance,
) -> None:
    worker(qa, "S", "2026-01-05")
    observe(qa, "S", "2026-02-10")
    record(qa, "SupportNeedFlagged", worker_id="S", flagged_on="2026-03-01", interval_months=3)
    r = row(qa, "S", "2026-03-01")
    assert (r.requirement, r.next_due_on) == ("support", D("2026-06-01"))  # flag is later: 1 Mar + 3
    observe(qa, "S", "2026-04-15")
    assert row(qa, "S", "2026-04-15").next_due_on == D("2026-07-15")  # observation is later: + 3
    assert row(qa, "S", "2026-02-28").requirement == "annual"  # not yet flagged


def test_R_OBS_3_never_later_than_R_OBS_2_would_make_it(qa: QualityAssurance) -> None:
    worker(qa, "S", "2026-01-05")
    observe(qa, "S", "2026-02-10")
    record(qa, "SupportNeedFlagged", worker_id="S", flagged_on="2026-03-01", interval_months=12)
    r = row(qa, "S", "2026-03-02")
    # 12 months after the flag is 1 Mar 2027; R-OBS-2 says 10 Feb 2027: the earlier wins.
    assert (r.requirement, r.next_due_on) == ("support", D("2027-02-10"))


def test_R_OBS_3_ends_when_cleared_and_a_same_day_clear_wins(qa: QualityAssurance) -> None:
    worker(qa, "S", "2026-01-05")
    record(qa, "SupportNeedFlagged", worker_id="S", flagged_on="2026-03-01", interval_months=2)
    record(qa, "SupportNeedCleared", worker_id="S", cleared_on="2026-04-01")
    assert row(qa, "S", "2026-03-31").next_due_on == D("2026-05-01")
    r = row(qa, "S", "2026-04-01")
    assert (r.requirement, r.next_due_on) == ("annual", D("2027-01-05"))
    # Decision 0103: flagged and cleared on one day -> not flagged that day.
    record(qa, "SupportNeedFlagged", worker_id="S", flagged_on="2026-06-01", interval_months=1)
    record(qa, "SupportNeedCleared", worker_id="S", cleared_on="2026-06-01")
    assert row(qa, "S", "2026-06-01").requirement == "annual"


def test_R_OBS_3_a_later_flag_replaces_the_interval(qa: QualityAssurance) -> None:
    worker(qa, "S", "2026-01-05")
    record(qa, "SupportNeedFlagged", worker_id="S", flagged_on="2026-03-01", interval_months=6)
    record(qa, "SupportNeedFlagged", worker_id="S", flagged_on="2026-04-10", interval_months=1)
    assert row(qa, "S", "2026-04-09").next_due_on == D("2026-09-01")
    assert row(qa, "S", "2026-04-10").next_due_on == D("2026-05-10")


def test_R_OBS_3_support_for_an_asye_worker_is_never_later_than_R_OBS_1(qa: QualityAssurance) -> None:
    """Decision 0102: in the ASYE year the ceiling is the R-OBS-1 date."""
    worker(qa, "A", "2026-01-05", experience="asye")
    record(qa, "SupportNeedFlagged", worker_id="A", flagged_on="2026-01-20", interval_months=6)
    r = row(qa, "A", "2026-01-20")
    assert (r.requirement, r.next_due_on) == ("support", D("2026-04-05"))  # R-OBS-1's 3 months
    record(qa, "SupportNeedFlagged", worker_id="A", flagged_on="2026-02-01", interval_months=1)
    assert row(qa, "A", "2026-02-01").next_due_on == D("2026-03-01")  # support is sooner


# --- R-OBS-4 reflection -------------------------------------------------------------------


def test_R_OBS_4_reflection_missed_from_the_next_supervision_without_review(qa: QualityAssurance) -> None:
    worker(qa, "R", "2026-01-05")
    observe(qa, "R", "2026-03-01")
    record(
        qa, "SupervisionHeld", worker_id="R", supervisor_id="TM1", held_on="2026-03-01"
    )  # same day: not after
    record(qa, "SupervisionHeld", worker_id="R", supervisor_id="TM1", held_on="2026-03-10")
    assert row(qa, "R", "2026-03-09").reflection_missed is False
    assert row(qa, "R", "2026-03-10").reflection_missed is True


def test_R_OBS_4_review_on_or_before_the_supervision_counts_a_later_one_does_not(
    qa: QualityAssurance,
) -> None:
    worker(qa, "R", "2026-01-05")
    on_time = observe(qa, "R", "2026-03-01")
    record(qa, "ObservationShared", observation_id=on_time, shared_on="2026-03-02")
    record(qa, "ReflectiveReviewHeld", observation_id=on_time, held_on="2026-03-10")
    record(qa, "SupervisionHeld", worker_id="R", supervisor_id="TM1", held_on="2026-03-10")
    assert row(qa, "R", "2026-04-01").reflection_missed is False
    late = observe(qa, "R", "2026-05-01")
    record(qa, "SupervisionHeld", worker_id="R", supervisor_id="TM1", held_on="2026-05-20")
    record(qa, "ReflectiveReviewHeld", observation_id=late, held_on="2026-05-21")
    assert row(qa, "R", "2026-05-19").reflection_missed is False
    assert row(qa, "R", "2026-06-01").reflection_missed is True  # held after the supervision


def test_R_OBS_4_a_late_typed_supervision_before_the_known_one_decides(qa: QualityAssurance) -> None:
    worker(qa, "R", "2026-01-05")
    oid = observe(qa, "R", "2026-03-01")
    record(qa, "SupervisionHeld", worker_id="R", supervisor_id="TM1", held_on="2026-04-01")
    record(qa, "ReflectiveReviewHeld", observation_id=oid, held_on="2026-03-20")
    assert row(qa, "R", "2026-04-02").reflection_missed is False
    record(qa, "SupervisionHeld", worker_id="R", supervisor_id="TM2", held_on="2026-03-15")  # typed late
    assert row(qa, "R", "2026-03-14").reflection_missed is False
    assert row(qa, "R", "2026-03-15").reflection_missed is True  # the next supervision had no review


def test_R_OBS_4_applies_to_meeting_observations_too(qa: QualityAssurance) -> None:
    worker(qa, "R", "2026-01-05")
    observe(qa, "R", "2026-03-01", setting="meeting")
    record(qa, "SupervisionHeld", worker_id="R", supervisor_id="TM1", held_on="2026-03-10")
    r = row(qa, "R", "2026-03-10")
    assert r.reflection_missed is True and r.last_observed_on is None


def test_R_OBS_4_follow_ups_need_a_known_observation_and_nothing_is_stored(qa: QualityAssurance) -> None:
    worker(qa, "R", "2026-01-05")
    oid = observe(qa, "R", "2026-03-01")
    before, position = qa.stats(), qa.position
    with pytest.raises(UnknownReference) as info:
        record(qa, "ReflectiveReviewHeld", observation_id="NOPE", held_on="2026-03-10")
    assert (info.value.event_type, info.value.field) == ("ReflectiveReviewHeld", "observation_id")
    with pytest.raises(UnknownReference):
        record(qa, "ObservationShared", observation_id="NOPE", shared_on="2026-03-10")
    with pytest.raises(RuleViolation, match="R-OBS-4"):
        record(qa, "ReflectiveReviewHeld", observation_id=oid, held_on="2026-02-28")
    assert (qa.stats(), qa.position) == (before, position)


# --- R-OBS-5 status, meetings, leavers, movers --------------------------------------------


def test_R_OBS_5_status_boundaries(qa: QualityAssurance) -> None:
    worker(qa, "E", "2026-01-05")  # due 5 Jan 2027
    assert row(qa, "E", "2026-12-07").status == "compliant"  # 29 days before
    assert row(qa, "E", "2026-12-08").status == "due_soon"  # 28 days before
    assert row(qa, "E", "2027-01-05").status == "due_soon"  # the due date itself
    assert row(qa, "E", "2027-01-06").status == "overdue"  # after it


def test_R_OBS_5_due_soon_window_is_policy_and_needs_no_rebuild(qa: QualityAssurance) -> None:
    worker(qa, "E", "2026-01-05")
    qa.policy = kq.Policy(due_soon_days=7)
    assert row(qa, "E", "2026-12-08").status == "compliant"
    assert row(qa, "E", "2026-12-29").status == "due_soon"


def test_R_OBS_5_meeting_observations_never_count(qa: QualityAssurance) -> None:
    worker(qa, "E", "2026-01-05")
    worker(qa, "A", "2026-01-05", experience="asye")
    observe(qa, "E", "2026-06-01", setting="meeting")
    observe(qa, "A", "2026-02-01", setting="meeting")
    assert row(qa, "E", "2026-07-01").next_due_on == D("2027-01-05")
    assert row(qa, "A", "2026-07-01").next_due_on == D("2026-04-05")


def test_R_OBS_5_leavers_drop_out_from_their_leaving_date(qa: QualityAssurance) -> None:
    worker(qa, "E", "2026-01-05")
    record(qa, "WorkerLeft", worker_id="E", left_on="2026-06-30")
    assert row(qa, "E", "2026-06-29") is not None
    assert row(qa, "E", "2026-06-30") is None


def test_R_OBS_5_movers_count_under_the_new_team_from_the_move_date(qa: QualityAssurance) -> None:
    worker(qa, "E", "2026-01-05", team="T1")
    record(qa, "WorkerMoved", worker_id="E", team_id="T3", moved_on="2026-06-01")
    record(qa, "WorkerMoved", worker_id="E", team_id="T2", moved_on="2026-04-01")  # typed late
    assert row(qa, "E", "2026-03-31").team_id == "T1"
    assert row(qa, "E", "2026-04-01").team_id == "T2"
    assert row(qa, "E", "2026-06-01").team_id == "T3"
    assert [r.worker_id for r in qa.observation_compliance(as_of=D("2026-05-01"), team="T2")] == ["E"]
    assert qa.observation_compliance(as_of=D("2026-07-01"), team="T2") == []


def test_R_OBS_5_events_after_as_of_are_ignored_and_only_practitioners_have_rows(
    qa: QualityAssurance,
) -> None:
    worker(qa, "E", "2026-01-05")
    worker(qa, "TM", "2026-01-05", role="team_manager")
    worker(qa, "LATER", "2026-09-01")
    observe(qa, "E", "2026-08-01")
    record(qa, "WorkerLeft", worker_id="E", left_on="2026-10-01")
    rows = qa.observation_compliance(as_of=D("2026-07-31"))
    assert [(r.worker_id, r.last_observed_on) for r in rows] == [("E", None)]


def test_R_OBS_5_nothing_at_work_after_leaving(qa: QualityAssurance) -> None:
    worker(qa, "E", "2026-01-05")
    record(qa, "SupervisionHeld", worker_id="E", supervisor_id="TM1", held_on="2026-05-01")
    before, position = qa.stats(), qa.position
    with pytest.raises(RuleViolation, match="R-OBS-5") as info:
        record(qa, "WorkerLeft", worker_id="E", left_on="2026-04-30")  # before a supervision
    assert info.value.field == "left_on"
    with pytest.raises(RuleViolation, match="R-OBS-5"):
        record(qa, "WorkerMoved", worker_id="E", team_id="T2", moved_on="2025-12-31")  # before registration
    assert (qa.stats(), qa.position) == (before, position)
    record(qa, "WorkerLeft", worker_id="E", left_on="2026-05-01")  # the same day is their last
    position = qa.position
    with pytest.raises(RuleViolation, match="R-OBS-5") as info:
        observe(qa, "E", "2026-05-02")
    assert (info.value.event_type, info.value.field) == ("ObservationRecorded", "observed_on")
    with pytest.raises(RuleViolation, match="R-OBS-5"):
        record(qa, "SupervisionHeld", worker_id="E", supervisor_id="TM1", held_on="2026-05-02")
    with pytest.raises(RuleViolation, match="R-OBS-5"):
        record(qa, "WorkerMoved", worker_id="E", team_id="T2", moved_on="2026-05-02")
    assert qa.position == position


def test_an_observation_of_an_unregistered_worker_is_refused_and_nothing_stored(qa: QualityAssurance) -> None:
    before, position = qa.stats(), qa.position
    with pytest.raises(UnknownReference, match="never registered") as info:
        observe(qa, "GHOST", "2026-03-01")
    assert (info.value.event_type, info.value.field, info.value.rule) == (
        "ObservationRecorded",
        "worker_id",
        "reference",
    )
    with pytest.raises(UnknownReference):
        record(qa, "SupervisionHeld", worker_id="GHOST", supervisor_id="TM1", held_on="2026-03-01")
    assert (qa.stats(), qa.position) == (before, position)
    assert qa.observation_compliance(as_of=D("2026-03-02")) == []


def test_rows_are_sorted_by_team_then_worker_and_enums_compare_to_their_values(qa: QualityAssurance) -> None:
    worker(qa, "B", "2026-01-05", team="T2")
    worker(qa, "A", "2026-01-05", team="T2")
    worker(qa, "C", "2026-01-05", team="T1")
    rows = qa.observation_compliance(as_of=D("2026-02-01"))
    assert [(r.team_id, r.worker_id) for r in rows] == [("T1", "C"), ("T2", "A"), ("T2", "B")]
    assert rows[0].status.value == "compliant" and rows[0].requirement.value == "annual"


def test_query_arguments_are_checked(qa: QualityAssurance) -> None:
    with pytest.raises(UnknownReference, match="team"):
        qa.observation_compliance(as_of=D("2026-02-01"), team="T9")
    with pytest.raises(UnknownReference, match=r"observation_compliance\.as_worker"):
        qa.observation_compliance(as_of=D("2026-02-01"), as_worker="NOBODY")
    with pytest.raises(kq.errors.InvalidInput, match="by"):
        qa.observation_summary(as_of=D("2026-02-01"), by="district")
    with pytest.raises(kq.errors.InvalidInput, match="setting"):
        qa.observation_learning(start=D("2026-01-01"), end=D("2026-12-31"), setting="lunch")
    with pytest.raises(kq.errors.InvalidInput, match="end"):
        qa.observation_learning(start=D("2026-12-31"), end=D("2026-01-01"))
    with pytest.raises(kq.errors.InvalidInput, match=r"observation_compliance\.as_of"):
        qa.observation_compliance(as_of=20260201)  # type: ignore[arg-type]
    # SPEC 9.5: a datetime stands for its date
    assert qa.observation_compliance(as_of=dt.datetime(2026, 2, 1, 9, 0)) == qa.observation_compliance(
        as_of=D("2026-02-01")
    )
