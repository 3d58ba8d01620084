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
RAISED = {
    "type": "EscalationRaised",
    "escalation_id": "E1",
    "raised_by": "IRO1",
    "raised_on": "2026-03-02",
    "stage": "team_manager",
    "reason": "drift",
    "child_ref": "L1",
}


def progressed(to: str, on: str) -> dict[str, Any]:
    return {"type": "EscalationProgressed", "escalation_id": "E1", "to_stage": to, "progressed_on": on}


def responded(on: str, by: str = "TM1") -> dict[str, Any]:
    return {
        "type": "EscalationResponded",
        "escalation_id": "E1",
        "responded_on": on,
        "by": by,
        "response": "Noted",
    }


RESOLVED = {
    "type": "EscalationResolved",
    "escalation_id": "E1",
    "resolved_on": "2026-03-20",
    "outcome": "Plan agreed",
}
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


def _refused(
    app: QualityAssurance, obj: dict[str, Any], error: type[InvalidEvent], field: str | None, rule: str
) -> None:
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
def test_stages_never_go_back_r_esc_1(
    esc: QualityAssurance, obj: dict[str, Any], field: str, rule: str
) -> None:
    """R-ESC-1: stages in order by date; may skip, never go back; nothing before raising."""
    _refused(esc, obj, RuleViolation, field, rule)


def test_a_late_progression_filling_a_skipped_stage_is_accepted_r_esc_1(esc: QualityAssurance) -> None:
    """R-ESC-1: service_manager on 9 Mar, typed up after head_of_service on 16 Mar, fits
    between team_manager (2 Mar) and head_of_service: accepted; the stage as of 10 Mar is
    service_manager, with its response due 5 working days after 9 Mar: 16 Mar."""
    esc.record_json(progressed("service_manager", "2026-03-09"))
    (row,) = esc.escalations(as_of=D(2026, 3, 10))
    assert (row.stage, row.stage_entered_on, row.response_due_on) == (
        "service_manager",
        D(2026, 3, 9),
        D(2026, 3, 16),
    )
    (row,) = esc.escalations(as_of=D(2026, 3, 16))
    assert (row.stage, row.response_due_on) == ("head_of_service", D(2026, 3, 23))


@pytest.mark.parametrize("ending", [RESOLVED, REFERRED])
def test_nothing_after_resolution_or_referral_r_esc_4_r_esc_5(
    esc: QualityAssurance, ending: dict[str, Any]
) -> None:
    """R-ESC-4, R-ESC-5: after the escalation ends, nothing dated later is recorded, and it
    ends once. A response typed up late but dated on or before the ending is history: accepted."""
    esc.record_json(ending)
    date_field = next(k for k in ending if k.endswith("_on"))
    _refused(esc, responded("2026-03-23"), RuleViolation, "responded_on", "R-ESC-5")
    _refused(esc, progressed("director", "2026-03-23"), RuleViolation, "progressed_on", "R-ESC-5")
    other = REFERRED if ending is RESOLVED else RESOLVED
    _refused(esc, other, RuleViolation, "escalation_id", "R-ESC-5")
    _refused(
        esc,
        {**other, next(k for k in other if k.endswith("_on")): "2026-03-30"},
        RuleViolation,
        next(k for k in other if k.endswith("_on")),
        "R-ESC-5",
    )
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
    _refused(
        memory_qa,
        {**RAISED, "child_ref": None, "team_id": "T-NONE"},
        UnknownReference,
        "team_id",
        "reference",
    )


# --- R-ESC-3 revised (SPEC 9.2): the 20 working days run from the first formal stage ------

JUNE = [
    {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2025-01-06"},
    {**RAISED, "raised_on": "2025-06-02", "stage": "informal"},
    progressed("team_manager", "2025-06-20"),
]


def test_an_escalation_made_formal_later_is_not_in_breach_a_month_after_raising_r_esc_3(
    memory_qa: QualityAssurance,
) -> None:
    """R-ESC-3 revised (the issue's example): raised informally on Mon 2 June 2025, made
    formal (team_manager) on Fri 20 June. On Wed 2 July it has been open 22 working days but
    formal for 8 only: not in breach. The limit's last day is Fri 18 July (20 working days
    after 20 June); from Mon 21 July it is breached."""
    memory_qa.record_many(JUNE)
    (row,) = memory_qa.escalations(as_of=D(2025, 7, 2))
    assert (row.working_days_open, row.breached) == (22, False)
    assert (row.target_from, row.target_due_on) == (D(2025, 6, 20), D(2025, 7, 18))
    (row,) = memory_qa.escalations(as_of=D(2025, 7, 18))
    assert row.breached is False
    (row,) = memory_qa.escalations(as_of=D(2025, 7, 21))
    assert row.breached is True
    breach = [
        n for n in memory_qa.notifications(as_of=D(2025, 7, 21)) if n.kind.value == "escalation_breached"
    ]
    assert [(n.due_on, "formal from 2025-06-20" in n.message) for n in breach] == [(D(2025, 7, 18), True)]
    assert not [
        n for n in memory_qa.notifications(as_of=D(2025, 7, 2)) if n.kind.value == "escalation_breached"
    ]


def test_the_policy_may_count_from_raising_r_esc_3(memory_qa: QualityAssurance) -> None:
    """R-ESC-3 revised, the policy alternative ``escalation_target_from="raising"``: the same
    escalation is in breach on 2 July (more than 20 working days after 2 June; the limit's
    last day was Mon 30 June)."""
    policy = kq.Policy(escalation_target_from="raising")
    with kq.connect("memory://", policy=policy) as qa:
        qa.record_many(JUNE)
        (row,) = qa.escalations(as_of=D(2025, 7, 2))
        assert (row.target_from, row.target_due_on, row.breached) == (D(2025, 6, 2), D(2025, 6, 30), True)
        assert [
            n.due_on for n in qa.notifications(as_of=D(2025, 7, 2)) if n.kind.value == "escalation_breached"
        ] == [D(2025, 6, 30)]
    with pytest.raises(ValueError, match="escalation_target_from must be one of first_formal_stage, raising"):
        kq.Policy(escalation_target_from="from raising")


def test_an_informal_escalation_has_its_response_time_only_r_esc_2_r_esc_3(
    memory_qa: QualityAssurance,
) -> None:
    """R-ESC-3 revised: an escalation that stays informal is never in breach (its response
    time, R-ESC-2, still falls due); one resolved while informal keeps no breach either. One
    raised at a formal stage counts from raising, as before."""
    memory_qa.record_many(
        [
            {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2025-01-06"},
            {**RAISED, "raised_on": "2025-06-02", "stage": "informal"},
            {**RAISED, "escalation_id": "E2", "raised_on": "2025-06-02"},
        ]
    )
    e1, e2 = memory_qa.escalations(as_of=D(2025, 9, 1))
    assert (e1.target_from, e1.target_due_on, e1.response_overdue, e1.breached) == (None, None, True, False)
    assert (e2.target_from, e2.target_due_on, e2.breached) == (D(2025, 6, 2), D(2025, 6, 30), True)
    memory_qa.record_json({**RESOLVED, "resolved_on": "2025-08-01"})
    (e1, _) = memory_qa.escalations(as_of=D(2025, 9, 1))
    assert (e1.state, e1.breached) == ("resolved", False)


# --- R-ESC-4 revised (SPEC 9.2): Cafcass only for a child looked after on the date ---------

CP_ONLY = [
    {"type": "StrategyDiscussionHeld", "child_ref": "P1", "held_on": "2026-02-02"},
    {
        "type": "ReviewHeld",
        "review_id": "ICPC1",
        "child_ref": "P1",
        "kind": "initial_cp_conference",
        "held_on": "2026-02-20",
    },
    {**RAISED, "escalation_id": "EP", "child_ref": "P1"},
    {**RAISED, "escalation_id": "ET", "child_ref": None, "team_id": None},
]


@pytest.mark.parametrize(
    ("escalation_id", "field"),
    [("EP", "referred_on"), ("ET", "escalation_id")],
    ids=["child-on-a-cp-plan-only", "about-no-child"],
)
def test_referral_to_cafcass_needs_a_looked_after_child_r_esc_4(
    esc: QualityAssurance, escalation_id: str, field: str
) -> None:
    """R-ESC-4 revised: referral to Cafcass is the IRO's power for a looked-after child. An
    escalation about a child only on a CP plan is refused naming ``referred_on``; one about
    no child (a team or practice, decision 0971) naming ``escalation_id``. Nothing is stored
    (position and counts unchanged) and the escalation stays open, to be resolved."""
    esc.record_many(CP_ONLY)
    _refused(esc, {**REFERRED, "escalation_id": escalation_id}, RuleViolation, field, "R-ESC-4")
    row = next(r for r in esc.escalations(as_of=D(2026, 3, 24)) if r.escalation_id == escalation_id)
    assert row.state == "open"
    esc.record_json({**RESOLVED, "escalation_id": escalation_id})


def test_referral_only_on_a_day_the_child_is_looked_after_r_esc_4(memory_qa: QualityAssurance) -> None:
    """R-ESC-4 revised, by the referral date: L1 looked after 5 Jan to 13 Mar 2026 (both days
    count, R-LAC-7). A referral on 16 Mar is refused; on 13 Mar it is accepted. Looked after
    again from 1 Apr: a second escalation may be referred on 2 Apr."""
    memory_qa.record_many(
        [
            {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-01-05"},
            {"type": "ChildCeasedLookedAfter", "child_ref": "L1", "on": "2026-03-13"},
            RAISED,
            {**RAISED, "escalation_id": "E2"},
        ]
    )
    _refused(memory_qa, {**REFERRED, "referred_on": "2026-03-16"}, RuleViolation, "referred_on", "R-ESC-4")
    memory_qa.record_json({**REFERRED, "referred_on": "2026-03-13"})
    _refused(
        memory_qa,
        {**REFERRED, "escalation_id": "E2", "referred_on": "2026-04-02"},
        RuleViolation,
        "referred_on",
        "R-ESC-4",
    )
    memory_qa.record_json({"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-04-01"})
    memory_qa.record_json({**REFERRED, "escalation_id": "E2", "referred_on": "2026-04-02"})
    assert [r.state for r in memory_qa.escalations(as_of=D(2026, 4, 2))] == ["referred", "referred"]


# --- a state machine: random commands against a plain model of R-ESC-1..5 -----------------

BASE = D(2026, 12, 14)  # the weeks around Christmas 2026
STAGES = list(EscalationStage)
offsets = st.integers(0, 45)
AS_OF = [BASE + dt.timedelta(days=k) for k in range(0, 80, 4)]


#: The children escalations are about, and the days each is looked after (R-ESC-4 revised):
#: looked after throughout, looked after until BASE + 20 days, on a CP plan only; None: no child.
CHILDREN: dict[str | None, Any] = {
    "L-IN": lambda on: on >= BASE - dt.timedelta(days=30),
    "L-OUT": lambda on: BASE - dt.timedelta(days=30) <= on <= BASE + dt.timedelta(days=20),
    "P-CP": lambda on: False,
    None: lambda on: False,
}


class EscalationMachine(RuleBasedStateMachine):
    """R-ESC-1..5: each command is accepted exactly when a plain model says so; a refused
    command stores nothing; the rows equal the oracle's (R-ESC-3 revised: the breach counts
    from the first formal stage); the stage never goes back over time; nothing accepted is
    dated after the ending; a referral to Cafcass is accepted only for an escalation about a
    child looked after on the referral date (R-ESC-4 revised)."""

    escalations = Bundle("escalations")
    policy = kq.Policy()

    @initialize()
    def connect(self) -> None:
        self.qa = kq.connect("memory://", policy=self.policy)
        self.qa.record_many(
            [
                ev.ChildBecameLookedAfter(child_ref="L-IN", on=BASE - dt.timedelta(days=30)),
                ev.ChildBecameLookedAfter(child_ref="L-OUT", on=BASE - dt.timedelta(days=30)),
                ev.ChildCeasedLookedAfter(child_ref="L-OUT", on=BASE + dt.timedelta(days=20)),
                ev.StrategyDiscussionHeld(child_ref="P-CP", held_on=BASE - dt.timedelta(days=10)),
            ]
        )
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

    @rule(
        target=escalations, day=offsets, stage=st.sampled_from(STAGES), child=st.sampled_from(list(CHILDREN))
    )
    def raise_one(self, day: int, stage: EscalationStage, child: str | None) -> str:
        eid = f"E{len(self.model)}"
        on = BASE + dt.timedelta(days=day)
        self._try(
            ev.EscalationRaised(
                escalation_id=eid,
                raised_by="IRO1",
                raised_on=on,
                stage=stage,
                reason="drift",
                child_ref=child,
            ),
            "new",
        )
        self.model[eid] = {
            "raised_on": on,
            "stage": stage,
            "progressions": {},
            "responses": set(),
            "last": on,
            "end": None,
            "child": child,
        }
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
                    (d < on and STAGES.index(s) > STAGES.index(to))
                    or (d > on and STAGES.index(s) < STAGES.index(to))
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
            expected = (
                "same"
                if m["end"] == (kind, on)
                else ("ConflictingEvent" if m["end"][0] == kind else "RuleViolation")
            )
        else:
            expected = self._dated_ok(m, on) or ("RuleViolation" if on < m["last"] else "new")
            if expected == "new" and not resolve and not CHILDREN[m["child"]](on):
                expected = "RuleViolation"  # R-ESC-4 revised: only about a child looked after that day
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
                (
                    r.escalation_id,
                    r.stage.value,
                    r.state.value,
                    r.raised_on,
                    r.response_due_on,
                    r.response_overdue,
                    r.working_days_open,
                    r.breached,
                )
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


class EscalationFromRaisingMachine(EscalationMachine):
    """The same, under the policy alternative of R-ESC-3 revised: the limit runs from raising."""

    policy = kq.Policy(escalation_target_from="raising")


EscalationFromRaisingMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None
)
TestEscalationFromRaisingMachine = EscalationFromRaisingMachine.TestCase
