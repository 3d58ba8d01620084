"""Recording: validation, references, idempotency, all-or-nothing (SPEC section 2)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference
from tests.conftest import organisation

OBS = {
    "type": "ObservationRecorded",
    "observation_id": "O1",
    "worker_id": "W1",
    "observer_id": "M9",
    "observed_on": "2026-03-03",
    "setting": "practice",
    "judgements": {"planning_and_purpose": "good"},
    "overall": "good",
}


def _snapshot(qa: QualityAssurance) -> tuple[int, dict[str, int]]:
    return qa.position, qa.stats()


def test_record_returns_increasing_positions(qa: QualityAssurance) -> None:
    positions = [qa.record_json(obj) for obj in organisation()]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert qa.stats()["TeamRegistered"] == 2


def test_record_accepts_event_objects(qa: QualityAssurance) -> None:
    pos = qa.record(kq.events.TeamRegistered(team_id="T1", name="A", service="Fostering", area="North"))
    assert pos == qa.position


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        ({**OBS, "worker_id": "nobody"}, "worker_id"),
        (
            {
                "type": "WorkerRegistered",
                "worker_id": "W9",
                "team_id": "T-NONE",
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": "2026-01-01",
            },
            "team_id",
        ),
        (
            {"type": "WorkerMoved", "worker_id": "W1", "team_id": "T-NONE", "moved_on": "2026-04-01"},
            "team_id",
        ),
        (
            {"type": "WorkerMoved", "worker_id": "W-NONE", "team_id": "T-EAST-1", "moved_on": "2026-04-01"},
            "worker_id",
        ),
        (
            {
                "type": "SupervisionHeld",
                "worker_id": "W-NONE",
                "supervisor_id": "M1",
                "held_on": "2026-04-01",
            },
            "worker_id",
        ),
        (
            {"type": "ObservationShared", "observation_id": "O-NONE", "shared_on": "2026-04-01"},
            "observation_id",
        ),
        (
            {"type": "ReflectiveReviewHeld", "observation_id": "O-NONE", "held_on": "2026-04-01"},
            "observation_id",
        ),
        (
            {
                "type": "ReviewHeld",
                "review_id": "R1",
                "child_ref": "C-NONE",
                "kind": "looked_after_review",
                "held_on": "2026-03-01",
            },
            "child_ref",
        ),
        (
            {
                "type": "MidwayReviewCompleted",
                "child_ref": "C-NONE",
                "plan": "looked_after",
                "completed_on": "2026-03-01",
                "by": "IRO1",
            },
            "child_ref",
        ),
        (
            {
                "type": "PlanActionCompleted",
                "child_ref": "C-LAC-1",
                "action_id": "A-NONE",
                "completed_on": "2026-03-01",
            },
            "action_id",
        ),
        (
            {
                "type": "ReviewQualityAssured",
                "review_id": "R-NONE",
                "assured_on": "2026-03-01",
                "by": "IRO1",
                "plan_reflects_needs": True,
                "actions_in_child_timeframe": True,
                "consistent_with_legal_duties": True,
            },
            "review_id",
        ),
        (
            {
                "type": "EscalationRaised",
                "escalation_id": "E1",
                "raised_by": "IRO1",
                "raised_on": "2026-03-01",
                "stage": "informal",
                "reason": "drift",
                "child_ref": "C-NONE",
            },
            "child_ref",
        ),
        (
            {
                "type": "EscalationResponded",
                "escalation_id": "E-NONE",
                "responded_on": "2026-03-01",
                "by": "TM1",
                "response": "ok",
            },
            "escalation_id",
        ),
        (
            {
                "type": "AuditActionCompleted",
                "audit_id": "A-NONE",
                "action_id": "x",
                "completed_on": "2026-03-01",
            },
            "audit_id",
        ),
        (
            {
                "type": "ComplaintResponded",
                "complaint_id": "K-NONE",
                "stage": "stage_1",
                "responded_on": "2026-03-01",
                "outcome": "upheld",
            },
            "complaint_id",
        ),
    ],
)
def test_unknown_subjects_are_refused_and_nothing_is_stored(
    qa: QualityAssurance, obj: dict[str, object], field: str
) -> None:
    qa.record_many(organisation())
    before = _snapshot(qa)
    with pytest.raises(UnknownReference) as caught:
        qa.record_json(obj)
    assert caught.value.field == field
    assert caught.value.event_type == obj["type"]
    assert _snapshot(qa) == before


def test_actors_need_not_be_registered(memory_qa: QualityAssurance) -> None:
    """Observer, auditor, chair, raiser, owner and `by` are recorded as given (SPEC section 2)."""
    memory_qa.record_many(organisation())
    memory_qa.record_json({**OBS, "observer_id": "SENIOR-LEADER-NOT-REGISTERED"})
    memory_qa.record_json(
        {
            "type": "EscalationRaised",
            "escalation_id": "E1",
            "raised_by": "IRO-X",
            "raised_on": "2026-03-01",
            "stage": "informal",
            "reason": "drift",
            "child_ref": "C-LAC-1",
        }
    )
    assert memory_qa.stats()["EscalationRaised"] == 1


def test_identical_re_recording_is_a_no_op_returning_the_first_position(qa: QualityAssurance) -> None:
    qa.record_many(organisation())
    first = qa.record_json(OBS)
    before = _snapshot(qa)
    assert qa.record_json(dict(OBS)) == first
    assert qa.record_many([OBS, OBS]) == [first, first]
    assert _snapshot(qa) == before


def test_same_identity_different_content_conflicts(qa: QualityAssurance) -> None:
    qa.record_many(organisation())
    qa.record_json(OBS)
    before = _snapshot(qa)
    with pytest.raises(ConflictingEvent) as caught:
        qa.record_json({**OBS, "overall": "inadequate"})
    assert caught.value.event_type == "ObservationRecorded" and caught.value.rule == "idempotency"
    assert _snapshot(qa) == before


def test_duplicates_within_one_batch_are_stored_once(memory_qa: QualityAssurance) -> None:
    positions = memory_qa.record_many([*organisation(), OBS, OBS])
    assert positions[-1] == positions[-2]
    assert memory_qa.stats()["ObservationRecorded"] == 1


def test_record_many_raises_at_the_first_refusal_after_storing_those_before(
    memory_qa: QualityAssurance,
) -> None:
    bad = {**OBS, "observation_id": "O2", "worker_id": "nobody"}
    later = {**OBS, "observation_id": "O3"}
    with pytest.raises(UnknownReference) as caught:
        memory_qa.record_many([*organisation(), OBS, bad, later])
    assert caught.value.index == len(organisation()) + 1
    assert memory_qa.stats()["ObservationRecorded"] == 1  # O1 stored, O3 not


def test_record_many_with_on_invalid_reports_and_goes_on(memory_qa: QualityAssurance) -> None:
    refused: list[tuple[int, InvalidEvent]] = []
    bad = {**OBS, "observation_id": "O2", "worker_id": "nobody"}
    later = {**OBS, "observation_id": "O3"}
    positions = memory_qa.record_many(
        [*organisation(), OBS, bad, {"type": "Nope"}, later], on_invalid=lambda i, e: refused.append((i, e))
    )
    n = len(organisation())
    assert [i for i, _ in refused] == [n + 1, n + 2]
    assert positions[n + 1] is None and positions[n + 2] is None and positions[n + 3] is not None
    assert memory_qa.stats()["ObservationRecorded"] == 2


def test_rule_violations_name_the_rule(memory_qa: QualityAssurance) -> None:
    memory_qa.record_many(organisation())
    with pytest.raises(RuleViolation) as caught:
        memory_qa.record_json({"type": "ASYECompleted", "worker_id": "W1", "completed_on": "2026-06-01"})
    assert caught.value.rule == "R-OBS-1"
    memory_qa.record_json(OBS)  # observed 3 March 2026
    with pytest.raises(RuleViolation) as caught:
        memory_qa.record_json(
            {"type": "ObservationShared", "observation_id": "O1", "shared_on": "2026-03-01"}
        )
    assert (caught.value.field, caught.value.rule) == ("shared_on", "R-OBS-4")


def test_batches_larger_than_one_chunk(memory_qa: QualityAssurance) -> None:
    feedback = [
        {
            "type": "FeedbackReceived",
            "feedback_id": f"F{i}",
            "received_on": "2026-05-01",
            "source": "child",
            "channel": "momo",
            "rating": 1 + i % 5,
        }
        for i in range(1_234)
    ]
    positions = memory_qa.record_many(feedback)
    assert len(positions) == 1_234 and positions == sorted(positions)
    assert memory_qa.stats() == {"FeedbackReceived": 1_234}


CHANGES = {
    "overall": "inadequate",
    "observer_id": "M8",
    "observed_on": "2026-03-04",
    "setting": "meeting",
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from(sorted(CHANGES)), min_size=1), st.booleans())
def test_a_conflict_names_the_identity_and_what_differs(
    memory_qa: QualityAssurance, changed: set[str], same_batch: bool
) -> None:
    """SPEC 9.5: ``ConflictingEvent`` names the identity and each field whose stored and sent
    values differ (stored before, or earlier in the same batch); nothing is stored."""
    if not memory_qa.stats():
        memory_qa.record_many(organisation())
    sent = {**OBS, **{name: CHANGES[name] for name in changed}}
    if same_batch:  # the first of the batch is stored, the second refused against it
        batch = [{**OBS, "observation_id": "O-BATCH"}, {**sent, "observation_id": "O-BATCH"}]
        with pytest.raises(ConflictingEvent) as caught:
            memory_qa.record_many(batch)
        assert caught.value.index == 1  # type: ignore[attr-defined]
    else:
        memory_qa.record_json(OBS)
        before = _snapshot(memory_qa)
        with pytest.raises(ConflictingEvent) as caught:
            memory_qa.record_json(sent)
        assert _snapshot(memory_qa) == before
    error = caught.value
    assert "observation_id=" in str(error)
    assert set(error.differences) == changed  # type: ignore[attr-defined]
    assert error.field in changed
    for name in changed:
        assert f"{name}: stored" in str(error)
