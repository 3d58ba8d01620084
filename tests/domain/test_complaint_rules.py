"""The complaint write model: stage order, closure and withdrawal (R-CMP-5), one extension
(R-CMP-1, R-CMP-2), none for the panel (R-CMP-3), the corporate route (R-CMP-6), the panel,
its report and the Ombudsman (R-CMP-7); every refusal names its field and rule and stores
nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference
from kentqa_domain.recording.write_model import WriteModel
from tests.conftest import organisation

RECEIVED = {
    "type": "ComplaintReceived",
    "complaint_id": "K1",
    "received_on": "2026-12-18",
    "complainant": "parent_carer",
    "service": "Children's Social Work",
    "team_id": "T-EAST-1",
}
CORPORATE = {**RECEIVED, "complaint_id": "KC", "statutory": False}


def extend(stage: str, on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintTimescaleExtended", "complaint_id": cid, "stage": stage, "extended_on": on}


def respond(stage: str, on: str, cid: str = "K1", outcome: str = "not_upheld") -> dict[str, Any]:
    return {
        "type": "ComplaintResponded",
        "complaint_id": cid,
        "stage": stage,
        "responded_on": on,
        "outcome": outcome,
    }


def escalate(stage: str, on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintEscalated", "complaint_id": cid, "to_stage": stage, "requested_on": on}


def withdraw(on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintWithdrawn", "complaint_id": cid, "withdrawn_on": on}


def panel(on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintPanelHeld", "complaint_id": cid, "held_on": on}


def report(on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintPanelReported", "complaint_id": cid, "reported_on": on}


def refer(on: str, cid: str = "K1") -> dict[str, Any]:
    return {"type": "ComplaintReferredToOmbudsman", "complaint_id": cid, "referred_on": on}


#: K1 at stage 3, requested Mon 1 Mar 2027 (the panel due 30 working days later, Wed 14 Apr).
AT_STAGE_3 = [escalate("stage_2", "2027-01-10"), escalate("stage_3", "2027-03-01")]


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
    pytest.param(
        [],
        escalate("stage_1", "2026-12-20"),
        RuleViolation,
        "to_stage",
        "R-CMP-5",
        id="escalate-to-the-stage-it-is-at",
    ),
    pytest.param(
        [], escalate("stage_3", "2026-12-20"), RuleViolation, "to_stage", "R-CMP-5", id="skip-stage-2"
    ),
    pytest.param(
        [escalate("stage_2", "2027-01-10")],
        escalate("stage_1", "2027-01-11"),
        RuleViolation,
        "to_stage",
        "R-CMP-5",
        id="backwards",
    ),
    pytest.param(
        [],
        escalate("stage_2", "2026-12-17"),
        RuleViolation,
        "requested_on",
        "R-CMP-5",
        id="request-before-receipt",
    ),
    pytest.param(
        [respond("stage_1", "2027-01-05")],
        escalate("stage_2", "2027-01-04"),
        RuleViolation,
        "requested_on",
        "R-CMP-5",
        id="request-before-the-stage-1-response",
    ),
    pytest.param(
        [],
        respond("stage_2", "2027-01-05"),
        RuleViolation,
        "stage",
        "R-CMP-5",
        id="respond-to-a-stage-never-requested",
    ),
    pytest.param(
        [],
        extend("stage_2", "2027-01-05"),
        RuleViolation,
        "stage",
        "R-CMP-5",
        id="extend-a-stage-never-requested",
    ),
    pytest.param(
        [],
        respond("stage_1", "2026-12-17"),
        RuleViolation,
        "responded_on",
        "R-CMP-5",
        id="response-before-receipt",
    ),
    pytest.param(
        [escalate("stage_2", "2027-01-10")],
        respond("stage_1", "2027-01-11"),
        RuleViolation,
        "responded_on",
        "R-CMP-5",
        id="stage-1-response-after-stage-2-request",
    ),
    pytest.param(
        [escalate("stage_2", "2027-01-10")],
        respond("stage_2", "2027-01-09"),
        RuleViolation,
        "responded_on",
        "R-CMP-5",
        id="stage-2-response-before-its-request",
    ),
    pytest.param(
        [respond("stage_1", "2027-01-05")],
        extend("stage_1", "2027-01-06"),
        RuleViolation,
        "extended_on",
        "R-CMP-5",
        id="extend-after-the-response-closed-the-stage",
    ),
    pytest.param(
        [extend("stage_1", "2027-01-05")],
        respond("stage_1", "2027-01-04"),
        RuleViolation,
        "responded_on",
        "R-CMP-5",
        id="response-before-the-extension",
    ),
    pytest.param(
        [escalate("stage_2", "2027-01-10"), escalate("stage_3", "2027-03-01")],
        extend("stage_3", "2027-03-02"),
        RuleViolation,
        "stage",
        "R-CMP-3",
        id="no-panel-extension",
    ),
    pytest.param(
        [extend("stage_1", "2027-01-04")],
        extend("stage_1", "2027-01-05"),
        ConflictingEvent,
        "extended_on",
        "idempotency",
        id="second-extension",
    ),
    pytest.param(
        [respond("stage_1", "2027-01-04")],
        respond("stage_1", "2027-01-05"),
        ConflictingEvent,
        "responded_on",
        "idempotency",
        id="second-response",
    ),
    pytest.param(
        [withdraw("2027-01-04")],
        respond("stage_1", "2027-01-05"),
        RuleViolation,
        "responded_on",
        "R-CMP-5",
        id="response-after-withdrawal",
    ),
    pytest.param(
        [withdraw("2027-01-04")],
        escalate("stage_2", "2027-01-05"),
        RuleViolation,
        "requested_on",
        "R-CMP-5",
        id="request-after-withdrawal",
    ),
    pytest.param(
        [withdraw("2027-01-04")],
        extend("stage_1", "2027-01-05"),
        RuleViolation,
        "extended_on",
        "R-CMP-5",
        id="extension-after-withdrawal",
    ),
    pytest.param(
        [respond("stage_1", "2027-01-05")],
        withdraw("2027-01-04"),
        RuleViolation,
        "withdrawn_on",
        "R-CMP-5",
        id="withdrawal-before-a-recorded-response",
    ),
    pytest.param(
        [],
        extend("stage_1", "2026-12-21", cid="KC"),
        RuleViolation,
        "stage",
        "R-CMP-6",
        id="corporate-extension",
    ),
    pytest.param(
        [],
        escalate("stage_2", "2026-12-21", cid="KC"),
        RuleViolation,
        "to_stage",
        "R-CMP-6",
        id="corporate-escalation",
    ),
    pytest.param(
        [],
        respond("stage_2", "2026-12-21", cid="KC"),
        RuleViolation,
        "stage",
        "R-CMP-6",
        id="corporate-stage-2-response",
    ),
    pytest.param(
        [],
        respond("stage_1", "2026-12-21", cid="NOPE"),
        UnknownReference,
        "complaint_id",
        "reference",
        id="unknown-complaint",
    ),
    pytest.param(
        [],
        withdraw("2026-12-21", cid="NOPE"),
        UnknownReference,
        "complaint_id",
        "reference",
        id="withdraw-unknown-complaint",
    ),
    pytest.param(
        [],
        {**RECEIVED, "complaint_id": "K9", "team_id": "T-NOWHERE"},
        UnknownReference,
        "team_id",
        "reference",
        id="complaint-about-an-unknown-team",
    ),
    pytest.param(
        [],
        {
            "type": "ComplimentReceived",
            "compliment_id": "C1",
            "received_on": "2027-01-04",
            "from_role": "parent_carer",
            "team_id": "T-NOWHERE",
        },
        UnknownReference,
        "team_id",
        "reference",
        id="compliment-about-an-unknown-team",
    ),
    pytest.param(
        [],
        {
            "type": "FeedbackReceived",
            "feedback_id": "F1",
            "received_on": "2027-01-04",
            "source": "child",
            "channel": "momo",
            "team_id": "T-NOWHERE",
        },
        UnknownReference,
        "team_id",
        "reference",
        id="feedback-about-an-unknown-team",
    ),
    # R-CMP-7: the panel, its report, the council's response, the Ombudsman.
    pytest.param([], panel("2027-01-05"), RuleViolation, "complaint_id", "R-CMP-7", id="panel-at-stage-1"),
    pytest.param(
        AT_STAGE_3[:1], panel("2027-01-12"), RuleViolation, "complaint_id", "R-CMP-7", id="panel-at-stage-2"
    ),
    pytest.param(
        AT_STAGE_3,
        panel("2027-02-28"),
        RuleViolation,
        "held_on",
        "R-CMP-7",
        id="panel-before-the-stage-3-request",
    ),
    pytest.param(
        [*AT_STAGE_3, panel("2027-03-20")],
        panel("2027-03-22"),
        ConflictingEvent,
        "held_on",
        "idempotency",
        id="second-panel",
    ),
    pytest.param(
        [], panel("2026-12-21", cid="KC"), RuleViolation, "complaint_id", "R-CMP-6", id="corporate-panel"
    ),
    pytest.param(
        AT_STAGE_3,
        report("2027-03-20"),
        RuleViolation,
        "complaint_id",
        "R-CMP-7",
        id="report-without-a-panel",
    ),
    pytest.param(
        [*AT_STAGE_3, panel("2027-03-20")],
        report("2027-03-19"),
        RuleViolation,
        "reported_on",
        "R-CMP-7",
        id="report-before-the-panel",
    ),
    pytest.param(
        [*AT_STAGE_3, respond("stage_3", "2027-03-25")],
        panel("2027-03-26"),
        RuleViolation,
        "held_on",
        "R-CMP-7",
        id="panel-after-the-stage-3-response",
    ),
    pytest.param(
        [*AT_STAGE_3, panel("2027-03-20"), respond("stage_3", "2027-03-25")],
        report("2027-03-26"),
        RuleViolation,
        "reported_on",
        "R-CMP-7",
        id="report-after-the-stage-3-response",
    ),
    pytest.param(
        [*AT_STAGE_3, panel("2027-03-20"), report("2027-03-24")],
        respond("stage_3", "2027-03-23"),
        RuleViolation,
        "responded_on",
        "R-CMP-7",
        id="response-before-the-report",
    ),
    pytest.param(
        [*AT_STAGE_3, panel("2027-03-20")],
        respond("stage_3", "2027-03-19"),
        RuleViolation,
        "responded_on",
        "R-CMP-7",
        id="response-before-the-panel",
    ),
    pytest.param(
        [*AT_STAGE_3, withdraw("2027-03-10")],
        panel("2027-03-11"),
        RuleViolation,
        "held_on",
        "R-CMP-5",
        id="panel-after-withdrawal",
    ),
    pytest.param(
        [], refer("2026-12-21"), RuleViolation, "referred_on", "R-CMP-7", id="premature-referral-at-stage-1"
    ),
    pytest.param(
        AT_STAGE_3,
        refer("2027-04-14"),
        RuleViolation,
        "referred_on",
        "R-CMP-7",
        id="premature-referral-on-the-panel-due-date",
    ),
    pytest.param(
        [respond("stage_1", "2027-01-05")],
        refer("2027-06-01"),
        RuleViolation,
        "referred_on",
        "R-CMP-7",
        id="referral-after-stage-1-answered",
    ),
    pytest.param(
        [respond("stage_1", "2027-01-05")],
        refer("2027-01-04"),
        RuleViolation,
        "referred_on",
        "R-CMP-7",
        id="referral-before-a-recorded-fact",
    ),
    pytest.param(
        [withdraw("2027-01-04")],
        refer("2027-06-01"),
        RuleViolation,
        "referred_on",
        "R-CMP-5",
        id="referral-after-withdrawal",
    ),
    pytest.param(
        [refer("2027-06-01")],
        refer("2027-06-02"),
        ConflictingEvent,
        "referred_on",
        "idempotency",
        id="second-referral",
    ),
    pytest.param(
        [refer("2027-06-01")],
        respond("stage_1", "2027-05-01"),
        RuleViolation,
        "responded_on",
        "R-CMP-7",
        id="anything-after-the-referral",
    ),
    pytest.param(
        [refer("2027-06-01")],
        withdraw("2027-06-02"),
        RuleViolation,
        "withdrawn_on",
        "R-CMP-7",
        id="withdrawal-after-the-referral",
    ),
    pytest.param(
        [refer("2027-06-01")],
        escalate("stage_2", "2027-06-02"),
        RuleViolation,
        "requested_on",
        "R-CMP-7",
        id="request-after-the-referral",
    ),
    pytest.param(
        [],
        {**RECEIVED, "complaint_id": "K8", "child_ref": "C-NOPE"},
        UnknownReference,
        "child_ref",
        "reference",
        id="complaint-about-an-unknown-child",
    ),
    pytest.param(
        [],
        panel("2027-01-05", cid="NOPE"),
        UnknownReference,
        "complaint_id",
        "reference",
        id="panel-of-an-unknown-complaint",
    ),
]


@pytest.mark.parametrize(("before", "event", "error", "field", "rule"), REFUSALS)
def test_R_CMP_1_to_7_refusals_name_field_and_rule_and_store_nothing(
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
    book = WriteModel()
    for obj in [
        *organisation()[:1],
        RECEIVED,
        escalate("stage_2", "2027-01-10"),
        extend(stage, "2027-01-11"),
    ]:
        event = kq.events.parse(obj)
        if stage == "stage_1" and isinstance(event, kq.events.ComplaintEscalated):
            continue
        book.check(event)
        book.apply(event)
    with pytest.raises(RuleViolation) as caught:
        book.check(kq.events.parse(extend(stage, "2027-01-12")))
    assert (caught.value.field, caught.value.rule) == ("stage", rule)


def test_R_CMP_7_the_register_is_due_for_the_panel_then_its_report_then_the_response(
    qa: QualityAssurance,
) -> None:
    """Stage 3 requested Mon 1 Mar 2027: the panel by Wed 14 Apr (30 working days, skipping
    Good Friday 26 Mar and Easter Monday 29 Mar). Held Thu 22 Apr: its report by Thu 29 Apr
    (5). Reported Fri 30 Apr: the response by Mon 24 May (15, skipping the bank holiday of
    Mon 3 May). Answered on 24 May, then referred to the Ombudsman: state ombudsman."""
    qa.record_many(AT_STAGE_3, allow_future=True)

    def row(as_of: str) -> Any:
        return {r.complaint_id: r for r in qa.complaints_register(as_of=dt.date.fromisoformat(as_of))}["K1"]

    assert (row("2027-03-02").due_for, row("2027-03-02").due_on) == ("panel", dt.date(2027, 4, 14))
    qa.record_many([panel("2027-04-22"), report("2027-04-30")], allow_future=True)
    late = row("2027-04-21")
    assert (late.due_for, late.due_on, late.breached) == ("panel", dt.date(2027, 4, 14), True)
    assert (row("2027-04-22").due_for, row("2027-04-22").due_on) == ("panel_report", dt.date(2027, 4, 29))
    assert (row("2027-04-30").due_for, row("2027-04-30").due_on) == ("response", dt.date(2027, 5, 24))
    qa.record_many([respond("stage_3", "2027-05-24"), refer("2027-06-10")], allow_future=True)
    answered = row("2027-05-24")
    assert (answered.state, answered.breached) == ("closed", False)
    referred = row("2027-06-10")
    assert (referred.state, referred.referred_on, referred.breached) == (
        "ombudsman",
        dt.date(2027, 6, 10),
        False,
    )
    assert [
        r.complaint_id for r in qa.complaints_register(as_of=dt.date(2027, 6, 10), state="ombudsman")
    ] == ["K1"]


def test_R_CMP_7_a_referral_is_accepted_once_the_council_is_out_of_time(qa: QualityAssurance) -> None:
    """Stage 1 received Fri 18 Dec 2026 was due Wed 6 Jan 2027 (decision 0960)."""
    refused(qa, refer("2027-01-06"))
    qa.record_json(refer("2027-01-07"), allow_future=True)
    [row] = [r for r in qa.complaints_register(as_of=dt.date(2027, 1, 7)) if r.complaint_id == "K1"]
    assert (row.state, row.breached) == ("ombudsman", True)


def test_a_complaint_about_a_child_is_forgotten_with_the_child(tmp_path: Any) -> None:
    """SPEC 9.2: the complaint's child_ref is sealed with the child's key; the register shows
    the reference until the child is forgotten and its token after; the stored row, the log
    and the database file never hold the reference in clear."""
    path = tmp_path / "kentqa.db"
    with kq.connect(f"sqlite:///{path}", policy=kq.Policy()) as app:
        app.record_many(organisation())
        app.record_json({"type": "ChildBecameLookedAfter", "child_ref": "CHILD-7731", "on": "2026-06-01"})
        app.record_json({**RECEIVED, "complaint_id": "K7", "child_ref": "CHILD-7731"}, allow_future=True)
        [row] = [r for r in app.complaints_register(as_of=dt.date(2027, 1, 4)) if r.complaint_id == "K7"]
        assert row.child_ref == "CHILD-7731"
        [(token,)] = app.view().select("SELECT child_token FROM kentqa_complaints WHERE complaint_id = 'K7'")
        assert token.startswith("anon-")
        erasure = app.forget_child("CHILD-7731", on=dt.date(2026, 12, 1))
        assert erasure.token == token
        [row] = [r for r in app.complaints_register(as_of=dt.date(2027, 1, 4)) if r.complaint_id == "K7"]
        assert row.child_ref == token
    assert b"CHILD-7731" not in path.read_bytes()
    with kq.connect(f"sqlite:///{path}", policy=kq.Policy()) as again:  # a replay reads the token too
        [row] = [r for r in again.complaints_register(as_of=dt.date(2027, 1, 4)) if r.complaint_id == "K7"]
        assert row.child_ref == token
