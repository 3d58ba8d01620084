"""Escalation stages, responses and endings by business date (R-ESC-1..5; decision 0200)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference
from kentqa_domain.values import EscalationStage
from tests.domain.plan_oracle import escalations_oracle

D = dt.date
RAISED = {"type": "EscalationRaised", "escalation_id": "E1", "raised_by": "IRO1", "raised_on": "2026-03-02",
          "stage": "team_manager", "reason": "drift", "child_ref": "L1"}


def progressed(to: str, on: str) -> dict[str, Any]:
    return {"type": "EscalationProgressed", "escalation_id": "E1", "to_stage": to, "progressed_on": on}


def responded(on: str, by: str = "TM1") -> dict[str, Any]:
    return {"type": "EscalationResponded", "escalation_id": "E1", "responded_on": on, "by": by, "response": "Noted"}


RESOLVED = {"type": "EscalationResolved", "escalation_id": "E1", "resolved_on": "2026-03-20", "outcome": "Plan agreed"}
REFERRED = {"type": "EscalationReferredToCafcass", "escalation_id": "E1", "referred_on": "2026-03-20"}


@pytest.fixture
def esc(memory_qa: QualityAssurance) -> QualityAssurance:
    memory_qa.record_many(
        [
            {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-01-05"},
            RAISED,
            responded("2026-03-04"),
            progressed("head_of_service", "2026-03-16"),
        ]
    )
    return memory_qa


def _refused(app: QualityAssurance, obj: dict[str, Any], error: type[InvalidEvent], field: str | None, rule: str) -> None:
    before = (app.position, app.stats())
    with pytest.raises(error) as caught:
        app.record_json(obj)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert (app.position, app.stats()) == before


@pytest.mark.parametrize(
    ("obj", "field", "rule"),
    [
        (progressed("informal", "2026-03-18"), "to_stage", "R-ESC-1"),  # below the raised stage
        (progressed("team_manager", "2026-03-18"), "to_stage", "R-ESC-1"),  # not above it
        (progressed("director", "2026-02-27"), "progressed_on", "R-ESC-1"),  # before raising
        (progressed("service_manager", "2026-03-17"), "to_stage", "R-ESC-1"),  # after head_of_service: back
        (progressed("director", "2026-03-13"), "to_stage", "R-ESC-1"),  # before head_of_service, higher
        (responded("2026-03-01"), "responded_on", "R-ESC-1"),  # before raising
    ],
)
def test_stages_never_go_back_r_esc_1(esc: QualityAssurance, obj: dict[str, Any], field: str, rule: str) -> None:
    """R-ESC-1: stages in order by date; may skip, never go back; nothing before raising."""
    _refused(esc, obj, RuleViolation, field, rule)


def test_a_late_progression_filling_a_skipped_stage_is_accepted_r_esc_1(esc: QualityAssurance) -> None:
    """R-ESC-1: service_manager on 9 Mar, typed up after head_of_service on 16 Mar, fits
    between team_manager (2 Mar) and head_of_service: accepted; the stage as of 10 Mar is
    service_manager, with its response due 5 working days after 9 Mar: 16 Mar."""
    esc.record_json(progressed("service_manager", "2026-03-09"))
    (row,) = esc.escalations(as_of=D(2026, 3, 10))
    assert (row.stage, row.stage_entered_on, row.response_due_on) == ("service_manager", D(2026, 3, 9), D(2026, 3, 16))
    (row,) = esc.escalations(as_of=D(2026, 3, 16))
    assert (row.stage, row.response_due_on) == ("head_of_service", D(2026, 3, 23))


@pytest.mark.parametrize("ending", [RESOLVED, REFERRED])
def test_nothing_after_resolution_or_referral_r_esc_4_r_esc_5(esc: QualityAssurance, ending: dict[str, Any]) -> None:
    """R-ESC-4, R-ESC-5: after the escalation ends, nothing dated later is recorded, and it
    ends once. A response typed up late but dated on or before the ending is history: accepted."""
    esc.record_json(ending)
    date_field = next(k for k in ending if k.endswith("_on"))
    _refused(esc, responded("2026-03-23"), RuleViolation, "responded_on", "R-ESC-5")
    _refused(esc, progressed("director", "2026-03-23"), RuleViolation, "progressed_on", "R-ESC-5")
    other = REFERRED if ending is RESOLVED else RESOLVED
    _refused(esc, other, RuleViolation, "escalation_id", "R-ESC-5")
    _refused(esc, {**other, next(k for k in other if k.endswith("_on")): "2026-03-30"}, RuleViolation,
             next(k for k in other if k.endswith("_on")), "R-ESC-5")
    _refused(esc, {**ending, date_field: "2026-03-21"}, ConflictingEvent, date_field, "idempotency")
    state = "resolved" if ending is RESOLVED else "referred"
    # head_of_service entered Mon 16 Mar: response due Mon 23 Mar; ended on 20 Mar
    (row,) = esc.escalations(as_of=D(2026, 3, 24))
    assert (row.state, row.closed_on, row.response_overdue) == (state, D(2026, 3, 20), False)
    # the day before it ended, it was open, and the head of service's response not yet due
    (row,) = esc.escalations(as_of=D(2026, 3, 19))
    assert (row.state, row.response_due_on, row.response_overdue) == ("open", D(2026, 3, 23), False)
    esc.record_json(responded("2026-03-18", by="HOS1"))  # late, dated before the ending
    assert esc.stats()["EscalationResponded"] == 2


def test_a_late_response_clears_the_overdue_response_r_esc_2(esc: QualityAssurance) -> None:
    """R-ESC-2: head_of_service entered Mon 16 Mar 2026, response due Mon 23 Mar. As of Tue
    24 Mar it is overdue; a response dated Wed 18 Mar typed up on the 25th clears it, for
    every as_of from the 18th; the team manager stage's response of 4 Mar does not count for it."""
    (row,) = esc.escalations(as_of=D(2026, 3, 24))
    assert (row.stage, row.response_due_on, row.response_overdue) == ("head_of_service", D(2026, 3, 23), True)
    esc.record_json(responded("2026-03-18", by="HOS1"))
    (row,) = esc.escalations(as_of=D(2026, 3, 24))
    assert row.response_overdue is False


def test_an_ending_before_recorded_activity_is_refused_r_esc_4_r_esc_5(esc: QualityAssurance) -> None:
    """An escalation cannot have ended before a response or stage already recorded on it."""
    _refused(esc, {**RESOLVED, "resolved_on": "2026-03-10"}, RuleViolation, "resolved_on", "R-ESC-5")
    _refused(esc, {**REFERRED, "referred_on": "2026-03-10"}, RuleViolation, "referred_on", "R-ESC-4")
    _refused(esc, {**REFERRED, "referred_on": "2026-03-01"}, RuleViolation, "referred_on", "R-ESC-1")


def test_unknown_escalation_or_child(memory_qa: QualityAssurance) -> None:
    _refused(memory_qa, responded("2026-03-04"), UnknownReference, "escalation_id", "reference")
    _refused(memory_qa, RAISED, UnknownReference, "child_ref", "reference")
    _refused(memory_qa, {**RAISED, "child_ref": None, "team_id": "T-NONE"}, UnknownReference, "team_id", "reference")


# --- a state machine: random commands against a plain model of R-ESC-1..5 -----------------

BASE = D(2026, 12, 14)  # the weeks around Christmas 2026
STAGES = list(EscalationStage)
offsets = st.integers(0, 45)
AS_OF = [BASE + dt.timedelta(days=k) for k in range(0, 80, 4)]


class EscalationMachine(RuleBasedStateMachine):
    """R-ESC-1..5: each command is accepted exactly when a plain model says so; a refused
    command stores nothing; the rows equal the oracle's; the stage never goes back over time;
    nothing accepted is dated after the ending."""

    escalations = Bundle("escalations")

    @initialize()
    def connect(self) -> None:
        self.qa = kq.connect("memory://", policy=kq.Policy())
        self.accepted: list[ev.Event] = []
        self.model: dict[str, dict[str, Any]] = {}

    def teardown(self) -> None:
        if hasattr(self, "qa"):
            self.qa.close()

    def _try(self, event: ev.Event, expected: str) -> None:
        """``expected`` is "new", "same" (an identical re-send) or an error class name."""
        before = (self.qa.position, self.qa.stats())
        try:
            self.qa.record(event)
        except InvalidEvent as exc:
            assert type(exc).__name__ == expected, (event, exc, expected)
            assert (self.qa.position, self.qa.stats()) == before
            return
        assert expected in ("new", "same"), (event, expected)
        if expected == "new":
            self.accepted.append(event)
            assert self.qa.position > before[0]
        else:
            assert (self.qa.position, self.qa.stats()) == before

    @rule(target=escalations, day=offsets, stage=st.sampled_from(STAGES))
    def raise_one(self, day: int, stage: EscalationStage) -> str:
        eid = f"E{len(self.model)}"
        on = BASE + dt.timedelta(days=day)
        self._try(ev.EscalationRaised(escalation_id=eid, raised_by="IRO1", raised_on=on, stage=stage, reason="drift"), "new")
        self.model[eid] = {"raised_on": on, "stage": stage, "progressions": {}, "responses": set(), "last": on, "end": None}
        return eid

    def _dated_ok(self, m: dict[str, Any], on: dt.date) -> str | None:
        if on < m["raised_on"]:
            return "RuleViolation"
        if m["end"] is not None and on > m["end"][1]:
            return "RuleViolation"
        return None

    @rule(eid=escalations, day=offsets, by=st.sampled_from(["TM1", "SM1"]))
    def respond(self, eid: str, day: int, by: str) -> None:
        m, on = self.model[eid], BASE + dt.timedelta(days=day)
        if (on, by) in m["responses"]:
            expected = "same"
        else:
            expected = self._dated_ok(m, on) or "new"
        self._try(ev.EscalationResponded(escalation_id=eid, responded_on=on, by=by, response="ok"), expected)
        if expected == "new":
            m["responses"].add((on, by))
            m["last"] = max(m["last"], on)

    @rule(eid=escalations, day=offsets, to=st.sampled_from(STAGES))
    def progress(self, eid: str, day: int, to: EscalationStage) -> None:
        m, on = self.model[eid], BASE + dt.timedelta(days=day)
        if to in m["progressions"]:
            expected = "same" if m["progressions"][to] == on else "ConflictingEvent"
        else:
            expected = self._dated_ok(m, on) or "new"
            if expected == "new":
                goes_back = STAGES.index(to) <= STAGES.index(m["stage"]) or any(
                    (d < on and STAGES.index(s) > STAGES.index(to)) or (d > on and STAGES.index(s) < STAGES.index(to))
                    for s, d in m["progressions"].items()
                )
                expected = "RuleViolation" if goes_back else "new"
        self._try(ev.EscalationProgressed(escalation_id=eid, to_stage=to, progressed_on=on), expected)
        if expected == "new":
            m["progressions"][to] = on
            m["last"] = max(m["last"], on)

    @rule(eid=escalations, day=offsets, resolve=st.booleans())
    def end(self, eid: str, day: int, resolve: bool) -> None:
        m, on = self.model[eid], BASE + dt.timedelta(days=day)
        kind = "resolved" if resolve else "referred"
        if m["end"] is not None:
            expected = "same" if m["end"] == (kind, on) else ("ConflictingEvent" if m["end"][0] == kind else "RuleViolation")
        else:
            expected = self._dated_ok(m, on) or ("RuleViolation" if on < m["last"] else "new")
        event: ev.Event = (
            ev.EscalationResolved(escalation_id=eid, resolved_on=on, outcome="done")
            if resolve
            else ev.EscalationReferredToCafcass(escalation_id=eid, referred_on=on)
        )
        self._try(event, expected)
        if expected == "new":
            m["end"] = (kind, on)

    @invariant()
    def rows_agree_with_the_oracle(self) -> None:
        if not hasattr(self, "qa"):
            return
        for as_of in AS_OF[::5]:
            rows = [
                (r.escalation_id, r.stage.value, r.state.value, r.raised_on, r.response_due_on,
                 r.response_overdue, r.working_days_open, r.breached)
                for r in self.qa.escalations(as_of=as_of)
            ]
            assert rows == escalations_oracle(self.accepted, self.qa.policy, as_of)

    @invariant()
    def stage_never_goes_back_and_nothing_after_the_end(self) -> None:
        if not hasattr(self, "qa"):
            return
        ranks: dict[str, int] = {}
        for as_of in AS_OF:
            for row in self.qa.escalations(as_of=as_of):
                assert STAGES.index(row.stage) >= ranks.get(row.escalation_id, -1)
                ranks[row.escalation_id] = STAGES.index(row.stage)
        for event in self.accepted:
            m = self.model[event.escalation_id]  # type: ignore[attr-defined]
            if m["end"] is not None:
                assert event.business_date <= m["end"][1]


EscalationMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestEscalationMachine = EscalationMachine.TestCase
