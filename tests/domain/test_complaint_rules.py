"""The complaint write model: stage order, closure and withdrawal (R-CMP-5), one extension
(R-CMP-1, R-CMP-2), none for the panel (R-CMP-3), the corporate route (R-CMP-6); every
refusal names its field and rule and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.domain import Casebook
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference
from tests.conftest import organisation

RECEIVED = {
    "type": "ComplaintReceived", "complaint_id": "K1", "received_on": "2026-12-18",
    "complainant": "parent_carer", "service": "Children's Social Work", "team_id": "T-EAST-1",
}
CORPORATE = {**RECEIVED, "complaint_id": "KC", "statutory": False}


def extend(stage: str, on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintTimescaleExtended", "complaint_id": cid, "stage": stage, "extended_on": on}


def respond(stage: str, on: str, cid: str = "K1", outcome: str = "not_upheld") -> dict[str, Any]:
    return {"type": "ComplaintResponded", "complaint_id": cid, "stage": stage, "responded_on": on, "outcome": outcome}


def escalate(stage: str, on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintEscalated", "complaint_id": cid, "to_stage": stage, "requested_on": on}


def withdraw(on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintWithdrawn", "complaint_id": cid, "withdrawn_on": on}


@pytest.fixture
def qa() -> Iterator[QualityAssurance]:
    with kq.connect("memory://", policy=kq.Policy()) as app:
        app.record_many(organisation())
        app.record_many([RECEIVED, CORPORATE])
        yield app


def refused(qa: QualityAssurance, event: dict[str, Any]) -> InvalidEvent:
    """Record ``event`` expecting a refusal; assert nothing was stored or changed."""
    position, stats = qa.position, qa.stats()
    register = qa.complaints_register(as_of=dt.date(2030, 1, 1))
    with pytest.raises(InvalidEvent) as caught:
        qa.record_json(event)
    assert qa.position == position
    assert qa.stats() == stats
    assert qa.complaints_register(as_of=dt.date(2030, 1, 1)) == register
    return caught.value


# (events recorded first, the refused event, error class, field, rule)
REFUSALS = [
    pytest.param([], escalate("stage_1", "2026-12-20"), RuleViolation, "to_stage", "R-CMP-5", id="escalate-to-the-stage-it-is-at"),
    pytest.param([], escalate("stage_3", "2026-12-20"), RuleViolation, "to_stage", "R-CMP-5", id="skip-stage-2"),
    pytest.param([escalate("stage_2", "2027-01-10")], escalate("stage_1", "2027-01-11"), RuleViolation, "to_stage", "R-CMP-5", id="backwards"),
    pytest.param([], escalate("stage_2", "2026-12-17"), RuleViolation, "requested_on", "R-CMP-5", id="request-before-receipt"),
    pytest.param([respond("stage_1", "2027-01-05")], escalate("stage_2", "2027-01-04"), RuleViolation, "requested_on", "R-CMP-5", id="request-before-the-stage-1-response"),
    pytest.param([], respond("stage_2", "2027-01-05"), RuleViolation, "stage", "R-CMP-5", id="respond-to-a-stage-never-requested"),
    pytest.param([], extend("stage_2", "2027-01-05"), RuleViolation, "stage", "R-CMP-5", id="extend-a-stage-never-requested"),
    pytest.param([], respond("stage_1", "2026-12-17"), RuleViolation, "responded_on", "R-CMP-5", id="response-before-receipt"),
    pytest.param([escalate("stage_2", "2027-01-10")], respond("stage_1", "2027-01-11"), RuleViolation, "responded_on", "R-CMP-5", id="stage-1-response-after-stage-2-request"),
    pytest.param([escalate("stage_2", "2027-01-10")], respond("stage_2", "2027-01-09"), RuleViolation, "responded_on", "R-CMP-5", id="stage-2-response-before-its-request"),
    pytest.param([respond("stage_1", "2027-01-05")], extend("stage_1", "2027-01-06"), RuleViolation, "extended_on", "R-CMP-5", id="extend-after-the-response-closed-the-stage"),
    pytest.param([extend("stage_1", "2027-01-05")], respond("stage_1", "2027-01-04"), RuleViolation, "responded_on", "R-CMP-5", id="response-before-the-extension"),
    pytest.param([escalate("stage_2", "2027-01-10"), escalate("stage_3", "2027-03-01")], extend("stage_3", "2027-03-02"), RuleViolation, "stage", "R-CMP-3", id="no-panel-extension"),
    pytest.param([extend("stage_1", "2027-01-04")], extend("stage_1", "2027-01-05"), ConflictingEvent, "extended_on", "idempotency", id="second-extension"),
    pytest.param([respond("stage_1", "2027-01-04")], respond("stage_1", "2027-01-05"), ConflictingEvent, "responded_on", "idempotency", id="second-response"),
    pytest.param([withdraw("2027-01-04")], respond("stage_1", "2027-01-05"), RuleViolation, "responded_on", "R-CMP-5", id="response-after-withdrawal"),
    pytest.param([withdraw("2027-01-04")], escalate("stage_2", "2027-01-05"), RuleViolation, "requested_on", "R-CMP-5", id="request-after-withdrawal"),
    pytest.param([withdraw("2027-01-04")], extend("stage_1", "2027-01-05"), RuleViolation, "extended_on", "R-CMP-5", id="extension-after-withdrawal"),
    pytest.param([respond("stage_1", "2027-01-05")], withdraw("2027-01-04"), RuleViolation, "withdrawn_on", "R-CMP-5", id="withdrawal-before-a-recorded-response"),
    pytest.param([], extend("stage_1", "2026-12-21", cid="KC"), RuleViolation, "stage", "R-CMP-6", id="corporate-extension"),
    pytest.param([], escalate("stage_2", "2026-12-21", cid="KC"), RuleViolation, "to_stage", "R-CMP-6", id="corporate-escalation"),
    pytest.param([], respond("stage_2", "2026-12-21", cid="KC"), RuleViolation, "stage", "R-CMP-6", id="corporate-stage-2-response"),
    pytest.param([], respond("stage_1", "2026-12-21", cid="NOPE"), UnknownReference, "complaint_id", "reference", id="unknown-complaint"),
    pytest.param([], withdraw("2026-12-21", cid="NOPE"), UnknownReference, "complaint_id", "reference", id="withdraw-unknown-complaint"),
    pytest.param([], {**RECEIVED, "complaint_id": "K9", "team_id": "T-NOWHERE"}, UnknownReference, "team_id", "reference", id="complaint-about-an-unknown-team"),
    pytest.param([], {"type": "ComplimentReceived", "compliment_id": "C1", "received_on": "2027-01-04", "from_role": "parent_carer", "team_id": "T-NOWHERE"}, UnknownReference, "team_id", "reference", id="compliment-about-an-unknown-team"),
    pytest.param([], {"type": "FeedbackReceived", "feedback_id": "F1", "received_on": "2027-01-04", "source": "child", "channel": "momo", "team_id": "T-NOWHERE"}, UnknownReference, "team_id", "reference", id="feedback-about-an-unknown-team"),
]


@pytest.mark.parametrize(("before", "event", "error", "field", "rule"), REFUSALS)
def test_R_CMP_1_to_6_refusals_name_field_and_rule_and_store_nothing(
    qa: QualityAssurance,
    before: list[dict[str, Any]],
    event: dict[str, Any],
    error: type[InvalidEvent],
    field: str | None,
    rule: str,
) -> None:
    qa.record_many(before)
    caught = refused(qa, event)
    assert type(caught) is error
    assert caught.event_type == event["type"]
    assert caught.field == field
    assert caught.rule == rule
    assert rule in str(caught)


def stages_of(qa: QualityAssurance, as_of: str) -> dict[str, tuple[str, str]]:
    rows = qa.complaints_register(as_of=dt.date.fromisoformat(as_of))
    return {r.complaint_id: (r.stage.value, r.state) for r in rows}


def test_R_CMP_5_stages_move_forward_and_a_response_closes_its_stage(qa: QualityAssurance) -> None:
    qa.record(kq.events.parse(respond("stage_1", "2027-01-05", outcome="not_upheld")))
    assert stages_of(qa, "2027-01-05")["K1"] == ("stage_1", "closed")
    qa.record_json(escalate("stage_2", "2027-01-12"))
    assert stages_of(qa, "2027-01-11")["K1"] == ("stage_1", "closed")  # before the request
    assert stages_of(qa, "2027-01-12")["K1"] == ("stage_2", "open")
    qa.record_json(respond("stage_2", "2027-02-10", outcome="partially_upheld"))
    qa.record_json(escalate("stage_3", "2027-02-20"))
    assert stages_of(qa, "2027-02-20")["K1"] == ("stage_3", "open")
    qa.record_json(respond("stage_3", "2027-03-15", outcome="upheld"))
    assert stages_of(qa, "2027-03-15")["K1"] == ("stage_3", "closed")
    refused(qa, escalate("stage_1", "2027-03-16"))


def test_R_CMP_5_a_response_typed_up_after_the_next_request_is_accepted_if_dated_before_it(
    qa: QualityAssurance,
) -> None:
    """Late events (SPEC section 2): the stage 1 response of 5 Jan is recorded after the
    stage 2 request of 12 Jan. Business dates decide, not recording order (decision 0401)."""
    qa.record_json(escalate("stage_2", "2027-01-12"))
    qa.record_json(extend("stage_1", "2027-01-04"))
    qa.record_json(respond("stage_1", "2027-01-05"))
    rows = {r.complaint_id: r for r in qa.complaints_register(as_of=dt.date(2027, 1, 6))}
    assert (rows["K1"].stage, rows["K1"].state, rows["K1"].extended) == ("stage_1", "closed", True)


def test_R_CMP_5_withdrawal_closes_all_but_earlier_facts_may_arrive_late(qa: QualityAssurance) -> None:
    qa.record_json(withdraw("2027-01-08"))
    assert stages_of(qa, "2027-01-08")["K1"] == ("stage_1", "withdrawn")
    assert stages_of(qa, "2027-01-07")["K1"] == ("stage_1", "open")
    qa.record_json(extend("stage_1", "2027-01-04"))  # dated before the withdrawal: accepted
    refused(qa, extend("stage_1", "2027-01-09", cid="K1"))
    refused(qa, respond("stage_1", "2027-01-09"))


def test_R_CMP_5_withdrawal_after_a_response_leaves_the_complaint_closed(qa: QualityAssurance) -> None:
    """Withdrawal closes what is open; a stage already answered stays closed (decision 0400)."""
    qa.record_json(respond("stage_1", "2027-01-05"))
    qa.record_json(withdraw("2027-01-06"))
    rows = {r.complaint_id: r for r in qa.complaints_register(as_of=dt.date(2027, 2, 1))}
    assert rows["K1"].state == "closed"
    assert rows["K1"].withdrawn_on == dt.date(2027, 1, 6)


def test_R_CMP_6_the_corporate_route_has_one_stage_and_its_own_timescale(qa: QualityAssurance) -> None:
    """Received Fri 18 Dec 2026, 20 working days skipping 25 and 28 Dec and 1 Jan:
    Mon 21 .. Thu 24 Dec (1-4), Tue 29 .. Thu 31 (5-7), Mon 4 .. Fri 8 Jan (8-12),
    Mon 11 .. Fri 15 (13-17), Mon 18 (18), Tue 19 (19), Wed 20 Jan 2027 (20).
    """
    rows = {r.complaint_id: r for r in qa.complaints_register(as_of=dt.date(2027, 1, 4))}
    assert rows["KC"].statutory is False
    assert rows["KC"].stage == "stage_1"
    assert rows["KC"].due_on == dt.date(2027, 1, 20)
    qa.record_json(respond("stage_1", "2027-01-20", cid="KC"))
    rows = {r.complaint_id: r for r in qa.complaints_register(as_of=dt.date(2027, 2, 1))}
    assert (rows["KC"].state, rows["KC"].breached) == ("closed", False)


def test_recording_the_same_complaint_event_twice_is_a_no_op(qa: QualityAssurance) -> None:
    first = qa.record_json(respond("stage_1", "2027-01-05"))
    assert qa.record_json(respond("stage_1", "2027-01-05")) == first
    assert qa.stats()["ComplaintResponded"] == 1


@pytest.mark.parametrize(("stage", "rule"), [("stage_1", "R-CMP-1"), ("stage_2", "R-CMP-2")])
def test_R_CMP_1_and_2_the_write_model_itself_allows_one_extension_per_stage(stage: str, rule: str) -> None:
    """Recording refuses a second, different extension earlier (same identity: a
    ConflictingEvent); the aggregate keeps the rule too, for callers of the write model."""
    book = Casebook()
    for obj in [*organisation()[:1], RECEIVED, escalate("stage_2", "2027-01-10"), extend(stage, "2027-01-11")]:
        event = kq.events.parse(obj)
        if stage == "stage_1" and isinstance(event, kq.events.ComplaintEscalated):
            continue
        book.check(event)
        book.apply(event)
    with pytest.raises(RuleViolation) as caught:
        book.check(kq.events.parse(extend(stage, "2027-01-12")))
    assert (caught.value.field, caught.value.rule) == ("stage", rule)
