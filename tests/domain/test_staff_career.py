"""Staff over a career (SPEC 9.3), worked examples on memory, SQLite and PostgreSQL.

A promotion on a date, a rejoiner, an extended ASYE and a failed one, each with the dates
worked out by hand beside it; the refusals of the new write-model rules name field and rule
and store nothing (position and stats unchanged). Rules: R-OBS-1..3 and R-OBS-5 as revised by
SPEC 9.3; decisions 0990-0992.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import InvalidEvent, RuleViolation, UnknownReference

D = dt.date.fromisoformat
TEAMS = [
    {"type": "TeamRegistered", "team_id": t, "name": t, "service": "Children's Social Work", "area": a}
    for t, a in (("T1", "East"), ("T2", "West"))
]


def record(qa: QualityAssurance, kind: str, **fields: Any) -> int:
    return qa.record_json({"type": kind, **fields})


def worker(
    qa: QualityAssurance, wid: str, on: str, *, experience: str = "experienced", team: str = "T1"
) -> None:
    start = {"asye_started_on": on} if experience == "asye" else {}
    record(
        qa,
        "WorkerRegistered",
        worker_id=wid,
        team_id=team,
        role="practitioner",
        experience=experience,
        registered_on=on,
        **start,
    )


def observe(qa: QualityAssurance, wid: str, on: str, oid: str) -> None:
    record(
        qa,
        "ObservationRecorded",
        observation_id=oid,
        worker_id=wid,
        observer_id="M1",
        observed_on=on,
        setting="practice",
        judgements={"professionalism": "good"},
        overall="good",
    )


def row(qa: QualityAssurance, wid: str, as_of: str) -> Any:
    found = [r for r in qa.observation_compliance(as_of=D(as_of)) if r.worker_id == wid]
    return found[0] if found else None


def refused(
    qa: QualityAssurance, error: type[InvalidEvent], field: str, rule: str, obj: dict[str, Any]
) -> None:
    """The event is refused naming ``field`` and ``rule``, and nothing is stored."""
    position, stats = qa.position, qa.stats()
    with pytest.raises(error) as caught:
        qa.record_json(obj)
    assert (caught.value.field, caught.value.rule) == (field, rule), caught.value
    assert (qa.position, qa.stats()) == (position, stats)


@pytest.fixture
def staff(qa: QualityAssurance) -> QualityAssurance:
    qa.record_many(TEAMS)
    return qa


def test_a_practitioner_promoted_to_team_manager_leaves_R_OBS_1_to_3_from_that_date(
    staff: QualityAssurance,
) -> None:
    worker(staff, "P", "2025-01-06")
    observe(staff, "P", "2025-06-10", "O1")
    record(staff, "WorkerRoleChanged", worker_id="P", role="team_manager", changed_on="2026-04-01")
    # R-OBS-2 before the promotion: 12 months after 10 Jun 2025.
    before = row(staff, "P", "2026-03-31")
    assert (before.requirement, before.next_due_on) == ("annual", D("2026-06-10"))
    assert row(staff, "P", "2026-04-01") is None  # a team manager from that day: no row
    assert row(staff, "P", "2026-07-01") is None  # and so never overdue as a practitioner
    assert staff.stats()["WorkerRoleChanged"] == 1


def test_a_role_change_back_to_practitioner_restarts_the_schedule(staff: QualityAssurance) -> None:
    """Decision 0990: back in scope as a new joiner would be: due 12 months after the change."""
    worker(staff, "P", "2025-01-06")
    observe(staff, "P", "2025-06-10", "O1")
    record(staff, "WorkerRoleChanged", worker_id="P", role="team_manager", changed_on="2025-09-01")
    record(staff, "WorkerRoleChanged", worker_id="P", role="practitioner", changed_on="2026-02-02")
    back = row(staff, "P", "2026-02-02")
    assert (back.last_observed_on, back.next_due_on, back.status) == (None, D("2027-02-02"), "compliant")


def test_a_role_change_needs_a_registered_worker_in_post(staff: QualityAssurance) -> None:
    worker(staff, "P", "2025-01-06")
    record(staff, "WorkerLeft", worker_id="P", left_on="2025-12-31")
    change = {"type": "WorkerRoleChanged", "worker_id": "P", "role": "team_manager"}
    refused(staff, RuleViolation, "changed_on", "R-OBS-5", {**change, "changed_on": "2026-01-05"})
    refused(staff, RuleViolation, "changed_on", "R-OBS-5", {**change, "changed_on": "2024-12-31"})
    refused(
        staff,
        UnknownReference,
        "worker_id",
        "reference",
        {**change, "worker_id": "NOBODY", "changed_on": "2025-06-01"},
    )
    record(
        staff, "WorkerRoleChanged", worker_id="P", role="team_manager", changed_on="2025-12-31"
    )  # last day


def test_a_rejoiner_is_counted_again_from_the_day_they_rejoin(staff: QualityAssurance) -> None:
    worker(staff, "R", "2024-01-08")
    observe(staff, "R", "2025-11-03", "O1")
    record(staff, "WorkerLeft", worker_id="R", left_on="2026-01-30")
    record(staff, "WorkerRejoined", worker_id="R", team_id="T2", rejoined_on="2026-04-01")
    # Before leaving: R-OBS-2, 12 months after 3 Nov 2025, under T1.
    before = row(staff, "R", "2026-01-29")
    assert (before.team_id, before.next_due_on) == ("T1", D("2026-11-03"))
    assert row(staff, "R", "2026-01-30") is None  # R-OBS-5: dropped out on the leaving date
    assert row(staff, "R", "2026-03-31") is None  # away
    # Decision 0990: back as a new joiner, in the new team: due 12 months after rejoining;
    # the observation of the earlier employment does not count.
    back = row(staff, "R", "2026-04-01")
    assert (back.team_id, back.requirement, back.last_observed_on, back.next_due_on) == (
        "T2",
        "annual",
        None,
        D("2027-04-01"),
    )
    observe(staff, "R", "2026-05-20", "O2")
    assert row(staff, "R", "2026-06-01").next_due_on == D("2027-05-20")
    # Observations and supervisions while away stay refused (R-OBS-5), naming the date field.
    refused(
        staff,
        RuleViolation,
        "observed_on",
        "R-OBS-5",
        {
            "type": "ObservationRecorded",
            "observation_id": "O-AWAY",
            "worker_id": "R",
            "observer_id": "M1",
            "observed_on": "2026-03-01",
            "setting": "practice",
            "judgements": {},
            "overall": "good",
        },
    )
    refused(
        staff,
        RuleViolation,
        "held_on",
        "R-OBS-5",
        {"type": "SupervisionHeld", "worker_id": "R", "supervisor_id": "M1", "held_on": "2026-02-15"},
    )
    # An observation of the earlier employment, typed late, is still accepted.
    observe(staff, "R", "2026-01-15", "O-LATE")
    # A rejoiner leaves again (each leaving is its own fact: decision 0990) and may return again.
    record(staff, "WorkerLeft", worker_id="R", left_on="2026-09-30")
    record(staff, "WorkerRejoined", worker_id="R", team_id="T1", rejoined_on="2026-11-02")
    assert row(staff, "R", "2026-10-15") is None
    assert row(staff, "R", "2026-11-02").next_due_on == D("2027-11-02")
    assert staff.stats()["WorkerLeft"] == 2 and staff.stats()["WorkerRejoined"] == 2


def test_rejoining_refusals_name_field_and_rule_and_store_nothing(staff: QualityAssurance) -> None:
    worker(staff, "R", "2024-01-08")
    back = {"type": "WorkerRejoined", "worker_id": "R", "team_id": "T1", "rejoined_on": "2026-04-01"}
    refused(staff, RuleViolation, "worker_id", "R-OBS-5", back)  # has not left
    record(staff, "WorkerLeft", worker_id="R", left_on="2026-01-30")
    refused(staff, RuleViolation, "rejoined_on", "R-OBS-5", {**back, "rejoined_on": "2026-01-30"})
    refused(staff, UnknownReference, "team_id", "reference", {**back, "team_id": "T9"})
    refused(staff, UnknownReference, "worker_id", "reference", {**back, "worker_id": "NOBODY"})
    # Left already: another leaving waits for a rejoining.
    refused(
        staff,
        RuleViolation,
        "worker_id",
        "R-OBS-5",
        {"type": "WorkerLeft", "worker_id": "R", "left_on": "2026-03-01"},
    )
    first = staff.record_json(back)
    assert staff.record_json(back) == first  # sent again: a no-op returning the first position


def test_an_extended_ASYE_stretches_R_OBS_1s_review_points(staff: QualityAssurance) -> None:
    worker(staff, "A", "2026-01-05", experience="asye")
    record(
        staff,
        "ASYEExtended",
        worker_id="A",
        extended_to="2027-07-05",
        reason="Part-time (0.6 FTE)",
        extended_on="2026-03-01",
    )
    # Before the extension was agreed: 3 months after the start.
    assert row(staff, "A", "2026-02-01").next_due_on == D("2026-04-05")
    # The year is 365 days; extended, 546. The 1st point, 90 days in, becomes 90*546//365 = 134
    # days: 19 May 2026.
    assert row(staff, "A", "2026-03-01").next_due_on == D("2026-05-19")
    observe(staff, "A", "2026-05-10", "O1")
    # The 2nd point, 181 days in: 181*546//365 = 270 days, 2 Oct 2026.
    assert row(staff, "A", "2026-06-01").next_due_on == D("2026-10-02")
    observe(staff, "A", "2026-09-20", "O2")
    # The 3rd point, 334 days in: 334*546//365 = 499 days, 19 May 2027.
    assert row(staff, "A", "2026-10-01").next_due_on == D("2027-05-19")
    record(staff, "ASYECompleted", worker_id="A", completed_on="2027-07-05", passed=True)
    done = row(staff, "A", "2027-07-05")
    assert (done.requirement, done.next_due_on) == ("annual", D("2027-09-20"))


def test_an_extension_only_for_an_ASYE_worker_to_after_the_end_in_force(staff: QualityAssurance) -> None:
    worker(staff, "A", "2026-01-05", experience="asye")
    worker(staff, "E", "2026-01-05")
    ext = {"type": "ASYEExtended", "worker_id": "A", "extended_to": "2027-07-05", "reason": "Sick leave"}
    refused(staff, RuleViolation, "worker_id", "R-OBS-1", {**ext, "worker_id": "E"})
    refused(staff, RuleViolation, "extended_to", "R-OBS-1", {**ext, "extended_to": "2027-01-05"})  # the end
    refused(staff, UnknownReference, "worker_id", "reference", {**ext, "worker_id": "NOBODY"})
    refused(staff, InvalidEvent, "extended_to", "date-order", {**ext, "extended_on": "2027-08-01"})
    staff.record_json(ext)
    refused(staff, RuleViolation, "extended_to", "R-OBS-1", {**ext, "extended_to": "2027-03-01"})  # shorter
    staff.record_json({**ext, "extended_to": "2027-10-05", "reason": "Further sick leave"})


def test_a_failed_ASYE_flags_the_worker_for_support_from_that_date(staff: QualityAssurance) -> None:
    worker(staff, "F", "2025-01-06", experience="asye")
    for n, day in enumerate(("2025-03-20", "2025-06-20", "2025-11-20")):
        observe(staff, "F", day, f"O{n}")
    record(staff, "ASYECompleted", worker_id="F", completed_on="2026-01-06", passed=False)
    # Three observations done: the next is 12 months after the latest (decision 0101).
    assert row(staff, "F", "2026-01-05").next_due_on == D("2026-11-20")
    # R-OBS-3 from the failed completion, default interval 6 months (revised, SPEC 9.3): 6 months
    # after the later of the latest observation and the flag, 6 Jul 2026 (before 20 Nov).
    flagged = row(staff, "F", "2026-01-06")
    assert (flagged.requirement, flagged.next_due_on) == ("support", D("2026-07-06"))
    record(staff, "SupportNeedCleared", worker_id="F", cleared_on="2026-05-01")
    cleared = row(staff, "F", "2026-05-01")
    assert (cleared.requirement, cleared.next_due_on) == ("annual", D("2026-11-20"))


def test_a_passed_ASYE_flags_nothing(staff: QualityAssurance) -> None:
    worker(staff, "G", "2025-01-06", experience="asye")
    record(staff, "ASYECompleted", worker_id="G", completed_on="2026-01-06")  # passed by default
    assert row(staff, "G", "2026-01-06").requirement == "annual"


def test_a_batch_in_any_order_records_a_career_with_order_true(staff: QualityAssurance) -> None:
    """SPEC 9.5: registration, leaving, rejoining, promotion and extension, given newest first."""
    batch = [
        {"type": "WorkerRoleChanged", "worker_id": "B", "role": "team_manager", "changed_on": "2026-09-01"},
        {"type": "WorkerRejoined", "worker_id": "B", "team_id": "T2", "rejoined_on": "2026-03-02"},
        {"type": "WorkerLeft", "worker_id": "B", "left_on": "2025-12-19"},
        {
            "type": "ASYEExtended",
            "worker_id": "B",
            "extended_to": "2025-12-01",
            "reason": "Absence",
            "extended_on": "2024-10-01",
        },
        {
            "type": "WorkerRegistered",
            "worker_id": "B",
            "team_id": "T1",
            "role": "practitioner",
            "experience": "asye",
            "registered_on": "2024-06-03",
        },
    ]
    result = staff.record_many(batch, order=True)
    assert (result.new, result.refused) == (5, 0)
    assert row(staff, "B", "2026-08-31").team_id == "T2"
    assert row(staff, "B", "2026-09-01") is None


def test_notifications_follow_the_career(staff: QualityAssurance) -> None:
    """observation_overdue (R-OBS-5): none for a practitioner promoted before falling due; a
    rejoiner's is keyed by their new due date and addressed to their new team."""
    worker(staff, "P", "2025-01-06")  # due 6 Jan 2026 (R-OBS-2) ...
    record(staff, "WorkerRoleChanged", worker_id="P", role="team_manager", changed_on="2025-12-01")
    worker(staff, "R", "2024-01-08")
    record(staff, "WorkerLeft", worker_id="R", left_on="2024-06-28")
    record(staff, "WorkerRejoined", worker_id="R", team_id="T2", rejoined_on="2025-01-06")
    overdue = [n for n in staff.notifications(as_of=D("2026-01-07")) if n.kind == "observation_overdue"]
    # ... P is a team manager by then; R was due 12 months after rejoining, 6 Jan 2026.
    assert [(n.key, n.team_id) for n in overdue] == [("observation_overdue:worker:R:2026-01-06", "T2")]
