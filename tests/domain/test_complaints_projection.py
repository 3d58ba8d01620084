"""The complaints register and summaries against plain oracles, in any recording order
(R-CMP-1..7). Oracles live in tests/complaint_histories.py and count working days one date
at a time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

import attrs
from hypothesis import event as hypothesis_event
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.values import Complainant, ComplaintStage, Outcome
from tests.complaint_histories import (
    TEAMS,
    business_order,
    causal_order,
    complaint_histories,
    complaint_rows,
    folded,
    nth_working_day_after,
    one_year_after,
    oracle_register,
    oracle_responses,
    oracle_timeliness_share,
    register_as_dicts,
)
from tests.conftest import organisation

AS_OF = st.dates(dt.date(2026, 9, 1), dt.date(2028, 3, 31))


def store(events: Sequence[ev.Event]) -> QualityAssurance:
    qa = kq.connect("memory://", policy=kq.Policy())
    qa.record_many(organisation())
    qa.record_many(events)  # raises on the first refusal
    return qa


@settings(max_examples=150, deadline=None)
@given(complaint_histories(), st.randoms(use_true_random=False), st.lists(AS_OF, min_size=1, max_size=4))
def test_R_CMP_5_any_recording_order_that_respects_causes_is_accepted_with_the_same_rows(
    history: list[ev.Event], rnd: Any, dates: list[dt.date]
) -> None:
    """Late events: a history consistent by business date is accepted in any order in which
    each event follows the complaint (and the stage) it is about, and every register and
    summary is the same as when it was recorded in business-date order."""
    shuffled = list(history)
    rnd.shuffle(shuffled)
    ordered = causal_order(shuffled)
    note(f"recorded as {[type(e).__name__ for e in ordered]}")
    with store(business_order(history)) as expected, store(ordered) as actual:
        for as_of in dates:
            assert actual.complaints_register(as_of=as_of) == expected.complaints_register(as_of=as_of)
        start, end = min(dates), max(dates)
        assert actual.complaints_summary(start, end) == expected.complaints_summary(start, end)


@settings(max_examples=150, deadline=None)
@given(complaint_histories(), st.randoms(use_true_random=False), AS_OF)
def test_the_complaints_projection_is_the_same_whatever_order_events_arrive_in(
    history: list[ev.Event], rnd: Any, as_of: dt.date
) -> None:
    """Folded directly, without the write model: any permutation gives the same rows in the
    store (documents' row tables) and the same register."""
    shuffled = list(history)
    rnd.shuffle(shuffled)
    with folded(history) as first, folded(shuffled) as second:
        assert complaint_rows(first) == complaint_rows(second)
        assert first.complaints_register(as_of=as_of) == second.complaints_register(as_of=as_of)


@settings(max_examples=200, deadline=None)
@given(complaint_histories(), AS_OF)
def test_R_CMP_1_to_6_the_register_matches_the_oracle(history: list[ev.Event], as_of: dt.date) -> None:
    """Stage, state, due date, extended, breached and late from SPEC's words (oracle_register),
    from the stored projection folded directly."""
    with folded(history) as qa:
        rows = qa.complaints_register(as_of=as_of)
    assert register_as_dicts(rows) == oracle_register(history, as_of)


@settings(max_examples=200, deadline=None)
@given(complaint_histories(), AS_OF, AS_OF)
def test_the_timeliness_share_matches_the_oracle_overall_and_by_team(
    history: list[ev.Event], a: dt.date, b: dt.date
) -> None:
    """Timeliness share = responses on or before their due date / responses, in the period
    (R-CMP-1..3, R-CMP-6 deadlines), overall and per team."""
    start, end = min(a, b), max(a, b)
    with store(history) as qa:
        summary = qa.complaints_summary(start, end)
    assert summary.overall.timeliness_share == oracle_timeliness_share(history, start, end)
    for tally in summary.by_team:
        assert tally.timeliness_share == oracle_timeliness_share(history, start, end, team_id=tally.key)


def oracle_counts(events: Sequence[ev.Event], start: dt.date, end: dt.date) -> dict[str, Any]:
    """Volumes, stages, outcomes, themes, withdrawals and late complaints in [start, end]."""

    def inside(day: dt.date) -> bool:
        return start <= day <= end

    received = {e.complaint_id: e for e in events if isinstance(e, ev.ComplaintReceived)}
    begun: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    counts: dict[str, Any] = {"received": 0, "late": 0, "corporate": 0, "withdrawn": 0}
    for e in events:
        if isinstance(e, ev.ComplaintReceived) and inside(e.received_on):
            counts["received"] += 1
            counts["corporate"] += not e.statutory
            counts["late"] += e.matter_on is not None and e.received_on > one_year_after(e.matter_on)
            begun["stage_1" if e.statutory else "corporate"] += 1
            themes.update(set(e.themes))
        if isinstance(e, ev.ComplaintEscalated) and inside(e.requested_on):
            begun[e.to_stage.value] += 1
        if isinstance(e, ev.ComplaintWithdrawn) and inside(e.withdrawn_on):
            counts["withdrawn"] += 1
    outcomes = Counter(
        (r["stage"], r["outcome"]) for r in oracle_responses(events) if inside(r["responded_on"])
    )
    counts["begun"] = {k: v for k, v in begun.items() if v}
    counts["outcomes"] = {k: v for k, v in outcomes.items() if v}
    counts["themes"] = dict(themes)
    counts["open_at_end"] = sum(
        1
        for row in oracle_register(events, end)
        if row["state"] == "open" and received[row["complaint_id"]].received_on <= end
    )
    return counts


@settings(max_examples=150, deadline=None)
@given(complaint_histories(), AS_OF, AS_OF)
def test_summary_volumes_stages_outcomes_and_themes_match_the_oracle(
    history: list[ev.Event], a: dt.date, b: dt.date
) -> None:
    start, end = min(a, b), max(a, b)
    with folded(history) as qa:
        summary = qa.complaints_summary(start, end)
    overall = summary.overall
    got = {
        "received": overall.received,
        "late": overall.late,
        "corporate": overall.corporate,
        "withdrawn": overall.withdrawn,
        "begun": {s.stage: s.begun for s in overall.by_stage if s.begun},
        "outcomes": {(s.stage, o): n for s in overall.by_stage for o, n in s.outcomes.items() if n},
        "themes": overall.themes,
        "open_at_end": overall.open_at_end,
    }
    assert got == oracle_counts(history, start, end)
    # The groups partition the whole: every count adds up across services and across teams.
    for groups in (summary.by_service, summary.by_team):
        assert sum(t.received for t in groups) == overall.received
        assert sum(t.responses for t in groups) == overall.responses
        assert sum(t.on_time for t in groups) == overall.on_time
        assert sum(t.open_at_end for t in groups) == overall.open_at_end
    assert {t.key for t in summary.by_team} <= {*TEAMS, None}
    # the same items (two stages of one complaint may be answered on one day) ...
    learnt = sorted(
        (e.responded_on, e.complaint_id, e.learning, e.actions)
        for e in history
        if isinstance(e, ev.ComplaintResponded)
        and start <= e.responded_on <= end
        and (e.learning or e.actions)
    )
    assert sorted((i.responded_on, i.complaint_id, i.learning, i.actions) for i in summary.learning) == learnt
    # ... listed by day, complaint and stage (the stage as the summary names it: corporate or statutory)
    keys = [(i.responded_on, i.complaint_id, i.stage) for i in summary.learning]
    assert keys == sorted(keys)


# --- a state machine over arbitrary commands ---------------------------------------------------

IDS = ("K1", "K2", "K3")
DAYS = st.integers(0, 90).map(lambda n: dt.date(2026, 12, 1) + dt.timedelta(days=n))
#: Follow-ups are dated relative to the complaint's receipt, a few of them before it.
OFFSETS = st.integers(-5, 70)
STAGES = st.sampled_from(list(ComplaintStage))
#: Most follow-ups are about stage 1, which every complaint has.
FOLLOW_UP_STAGES = st.sampled_from([*[ComplaintStage.STAGE_1] * 3, *ComplaintStage])


class ComplaintMachine(RuleBasedStateMachine):
    """Arbitrary complaint commands, many of them invalid. Invariants: a refusal stores
    nothing; the register equals the oracle over the accepted events; the accepted events,
    re-recorded in business-date order into a fresh store, are all accepted again and give
    the same register (R-CMP-5 is judged on business dates, not recording order)."""

    def __init__(self) -> None:
        super().__init__()
        self.qa = kq.connect("memory://", policy=kq.Policy())
        self.qa.record_many(organisation())
        self.accepted: list[ev.Event] = []

    def teardown(self) -> None:
        self.qa.close()

    def when(self, cid: str, offset: int) -> dt.date:
        received = [
            e.received_on
            for e in self.accepted
            if isinstance(e, ev.ComplaintReceived) and e.complaint_id == cid
        ]
        return (received[0] if received else dt.date(2026, 12, 1)) + dt.timedelta(days=offset)

    def attempt(self, event: ev.Event) -> None:
        position, stats = self.qa.position, self.qa.stats()
        try:
            self.qa.record(event)
        except InvalidEvent as exc:
            assert exc.rule and exc.event_type == type(event).__name__
            assert exc.field in {f.name for f in attrs.fields(type(event))}, exc  # names its field
            assert (self.qa.position, self.qa.stats()) == (position, stats)
            hypothesis_event(f"refused {type(event).__name__} [{exc.rule}]")
            return
        if self.qa.position > position:
            self.accepted.append(event)
            event_label = f"accepted {type(event).__name__}"
            hypothesis_event(event_label)

    @rule(cid=st.sampled_from(IDS), on=DAYS, statutory=st.booleans(), matter=st.none() | DAYS)
    def receive(self, cid: str, on: dt.date, statutory: bool, matter: dt.date | None) -> None:
        self.attempt(
            ev.ComplaintReceived(
                complaint_id=cid,
                received_on=on,
                complainant=Complainant.CHILD,
                service="Children's Social Work",
                team_id="T-EAST-1",
                statutory=statutory,
                matter_on=min(matter, on) if matter else None,
            )
        )

    @rule(cid=st.sampled_from(IDS), stage=FOLLOW_UP_STAGES, offset=OFFSETS)
    def extend(self, cid: str, stage: ComplaintStage, offset: int) -> None:
        on = self.when(cid, offset)
        self.attempt(ev.ComplaintTimescaleExtended(complaint_id=cid, stage=stage, extended_on=on))

    @rule(
        cid=st.sampled_from(IDS),
        stage=FOLLOW_UP_STAGES,
        offset=OFFSETS,
        outcome=st.sampled_from(list(Outcome)),
    )
    def respond(self, cid: str, stage: ComplaintStage, offset: int, outcome: Outcome) -> None:
        on = self.when(cid, offset)
        self.attempt(ev.ComplaintResponded(complaint_id=cid, stage=stage, responded_on=on, outcome=outcome))

    @rule(cid=st.sampled_from(IDS), stage=STAGES, offset=OFFSETS)
    def escalate(self, cid: str, stage: ComplaintStage, offset: int) -> None:
        on = self.when(cid, offset)
        self.attempt(ev.ComplaintEscalated(complaint_id=cid, to_stage=stage, requested_on=on))

    @rule(cid=st.sampled_from(IDS), offset=st.integers(-5, 120))
    def withdraw(self, cid: str, offset: int) -> None:
        self.attempt(ev.ComplaintWithdrawn(complaint_id=cid, withdrawn_on=self.when(cid, offset)))

    @rule(cid=st.sampled_from(IDS), offset=st.integers(-5, 120))
    def hold_panel(self, cid: str, offset: int) -> None:
        """R-CMP-7: many are refused (not at stage 3, before the request, a second panel)."""
        self.attempt(ev.ComplaintPanelHeld(complaint_id=cid, held_on=self.when(cid, offset)))

    @rule(cid=st.sampled_from(IDS), offset=st.integers(-5, 130))
    def report(self, cid: str, offset: int) -> None:
        self.attempt(ev.ComplaintPanelReported(complaint_id=cid, reported_on=self.when(cid, offset)))

    @rule(cid=st.sampled_from(IDS), offset=st.integers(-5, 200))
    def refer(self, cid: str, offset: int) -> None:
        """R-CMP-7: premature referrals are refused; an accepted one closes the file."""
        self.attempt(ev.ComplaintReferredToOmbudsman(complaint_id=cid, referred_on=self.when(cid, offset)))

    @invariant()
    def register_matches_the_oracle(self) -> None:
        for as_of in (dt.date(2026, 12, 31), dt.date(2027, 2, 15), dt.date(2027, 12, 31)):
            rows = self.qa.complaints_register(as_of=as_of)
            assert register_as_dicts(rows) == oracle_register(self.accepted, as_of)

    @invariant()
    def business_order_is_accepted_too(self) -> None:
        with kq.connect("memory://", policy=kq.Policy()) as fresh:
            fresh.record_many(organisation())
            fresh.record_many(business_order(self.accepted))
            as_of = dt.date(2027, 12, 31)
            assert fresh.complaints_register(as_of=as_of) == self.qa.complaints_register(as_of=as_of)


ComplaintMachine.TestCase.settings = settings(max_examples=75, stateful_step_count=30, deadline=None)
TestComplaintMachine = ComplaintMachine.TestCase


# --- R-CMP-7: the stored rows against a plain fold ----------------------------------------------

#: ``kentqa_complaints`` columns that R-CMP-7 changes or adds.
_STAGE_3_COLUMNS = (
    "complaint_id, stage, state, due_for, due_on, panel_held_on, panel_reported_on, referred_on"
)


@settings(max_examples=200, deadline=None)
@given(complaint_histories())
def test_R_CMP_7_the_stored_rows_are_a_plain_fold_over_the_events(history: list[ev.Event]) -> None:
    """``kentqa_complaints`` after every fact: state (``ombudsman`` once referred), the next
    thing due and what it is for (the panel, its report, the response), and the panel's,
    report's and referral's dates, equal the oracle's fold over the events."""
    with folded(history) as qa:
        stored = qa.view().select(f"SELECT {_STAGE_3_COLUMNS} FROM kentqa_complaints ORDER BY complaint_id")
    oracle = {row["complaint_id"]: row for row in oracle_register(history, dt.date.max)}

    def first(kind: type[ev.Event], cid: str) -> Any:
        found = [e.business_date for e in history if isinstance(e, kind) and e.complaint_id == cid]  # type: ignore[attr-defined]
        return found[0].isoformat() if found else None

    expected = [
        (
            cid,
            row["stage"],
            row["state"],
            row["due_for"],
            row["due_on"].isoformat(),
            first(ev.ComplaintPanelHeld, cid),
            first(ev.ComplaintPanelReported, cid),
            first(ev.ComplaintReferredToOmbudsman, cid),
        )
        for cid, row in sorted(oracle.items())
    ]
    got = [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in r) for r in stored]
    assert got == expected
    hypothesis_event(f"states {sorted({r['state'] for r in oracle.values()})}")
    hypothesis_event(f"due for {sorted({r['due_for'] for r in oracle.values()})}")


@settings(max_examples=100, deadline=None)
@given(complaint_histories(), AS_OF)
def test_R_CMP_7_the_due_date_is_always_the_next_thing_due(history: list[ev.Event], as_of: dt.date) -> None:
    """An open row at stage 3 is due for the panel until it meets, then its report (5
    working days after the panel), then the response (15 working days after the report);
    due dates of R-CMP-7 never fall on a weekend or a bank holiday."""
    with folded(history) as qa:
        rows = qa.complaints_register(as_of=as_of)
    for row in rows:
        if row.stage is ComplaintStage.STAGE_3 and row.statutory:
            if row.panel_reported_on is not None:
                assert row.due_for == "response"
                assert row.due_on == nth_working_day_after(row.panel_reported_on, 15)
            elif row.panel_held_on is not None:
                assert row.due_for == "panel_report"
                assert row.due_on == nth_working_day_after(row.panel_held_on, 5)
            else:
                assert row.due_for == "panel"
            assert row.due_on.weekday() < 5
        else:
            assert row.due_for == "response"
        assert (row.state == "ombudsman") == (row.referred_on is not None)
