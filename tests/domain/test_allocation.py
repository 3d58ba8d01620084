"""Allocation (SPEC 9.2, issue 16; decision 0985): ``ChildAllocated``, ``IROAssigned``,
``CPChairAssigned`` and R-LAC-9 (an IRO appointed within 5 working days of becoming looked
after, IRO Handbook).

- R-LAC-9 against a plain oracle (working days counted one at a time, bank holidays and
  closure days from the calendar): the due date is the 5th working day after the period of
  care started, never a weekend, bank holiday or closure day, across Christmas, New Year and
  Easter; the row is there exactly while no IRO is named by ``as_of``, the child is still
  looked after and the due date has passed; on both the stored and the computed path.
- R-ACC-1: the allocated team's manager sees the child's rows, another team's does not;
  re-allocation moves them; with no allocation the rows' teams are decision 0201's.
- Bad input is refused naming the field and the rule, and nothing is stored.
- The rows' parties (team, worker, IRO, chair) against an oracle, the same in any recording
  order the rules allow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.plans.drift import DriftKind, DriftRow
from kentqa_domain.errors import InvalidEvent, RuleViolation, UnknownReference
from kentqa_domain.policy import Policy
from kentqa_domain.values import PlanKind
from tests.domain.plan_oracle import nth_working_day_after, working_days_between
from tests.plan_strategies import (
    as_of_dates,
    histories,
    natural_key,
    organisation_events,
    record_in_any_order,
)

D = dt.date
DAY = dt.timedelta(days=1)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

#: Starts around Christmas and New Year 2026/27 and 2027/28 and Easter 2027 and 2028.
HOLIDAY_STARTS = st.one_of(
    st.dates(D(2026, 12, 14), D(2027, 1, 8)),
    st.dates(D(2027, 3, 15), D(2027, 4, 5)),
    st.dates(D(2027, 12, 13), D(2028, 1, 7)),
    st.dates(D(2028, 4, 3), D(2028, 4, 21)),
)


def _iro_rows(qa: QualityAssurance, as_of: dt.date) -> list[DriftRow]:
    return [r for r in qa.drift_register(as_of=as_of) if r.kind is DriftKind.IRO_NOT_ASSIGNED]


# --- R-LAC-9 against the oracle ------------------------------------------------------------


@st.composite
def care_periods(draw: st.DrawFn) -> tuple[list[ev.Event], dt.date]:
    """One child looked after from a day near a holiday: its IRO named on the day, assigned
    later (or twice), or never; the period may end. Returns the events and the start."""
    start = draw(HOLIDAY_STARTS)
    named = draw(st.booleans()) and draw(st.booleans())
    out: list[ev.Event] = [
        *organisation_events(),
        ev.ChildBecameLookedAfter(child_ref="C1", on=start, iro_id="IRO-1" if named else None),
    ]
    day = start
    for _ in range(draw(st.integers(0, 2))):
        day += draw(st.integers(0, 14)) * DAY
        if not any(isinstance(e, ev.IROAssigned) and e.assigned_on == day for e in out):
            out.append(
                ev.IROAssigned(
                    child_ref="C1", assigned_on=day, iro_id=draw(st.sampled_from(["IRO-1", "IRO-2"]))
                )
            )
    if draw(st.booleans()):
        out.append(ev.ChildCeasedLookedAfter(child_ref="C1", on=day + draw(st.integers(0, 20)) * DAY))
    return out, start


def iro_oracle(
    events: list[ev.Event], policy: Policy, start: dt.date, as_of: dt.date
) -> set[tuple[dt.date, int]]:
    """(due on, working days overdue) of the child's ``iro_not_assigned`` row at ``as_of``."""
    due = nth_working_day_after(policy, start, policy.iro_appointment_working_days)
    ended = [e.on for e in events if isinstance(e, ev.ChildCeasedLookedAfter) and e.on <= as_of]
    named = [e for e in events if isinstance(e, ev.ChildBecameLookedAfter) and e.iro_id and e.on <= as_of]
    named += [e for e in events if isinstance(e, ev.IROAssigned) and e.assigned_on <= as_of]
    if start > as_of or ended or named or as_of <= due:
        return set()
    return {(due, working_days_between(policy, due, as_of))}


closures = st.sets(st.dates(D(2026, 12, 1), D(2028, 5, 31)), max_size=12)


@SETTINGS
@given(care_periods(), st.lists(st.integers(-5, 40), min_size=1, max_size=6), closures)
def test_iro_not_assigned_matches_the_oracle_across_holidays(
    drawn: tuple[list[ev.Event], dt.date], offsets: list[int], closed: set[dt.date]
) -> None:
    """R-LAC-9: due on the 5th working day after becoming looked after (never a weekend, bank
    holiday or closure day); overdue exactly while no IRO is named by ``as_of`` and the child
    is still looked after, on the computed path (before the latest fact) and the stored one."""
    events, start = drawn
    policy = kq.Policy(local_closure_days=closed)
    horizon = max(e.business_date for e in events)
    with kq.connect("memory://", policy=policy) as qa:
        qa.record_many(events)
        for offset in offsets:
            as_of = start + offset * DAY
            rows = _iro_rows(qa, as_of)
            assert {(r.due_on, r.working_days_overdue) for r in rows} == iro_oracle(
                events, policy, start, as_of
            )
            for row in rows:
                assert policy.calendar.is_working_day(row.due_on), row
                assert row.due_on.weekday() < 5 and row.due_on not in closed
                assert (row.plan, row.review_id, row.action_id, row.iro_id) == (
                    PlanKind.LOOKED_AFTER,
                    None,
                    None,
                    None,
                )
        after = horizon + max(offsets) * DAY
        assert {(r.due_on, r.working_days_overdue) for r in _iro_rows(qa, after)} == iro_oracle(
            events, policy, start, after
        )


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (
            D(2026, 12, 21),
            D(2026, 12, 30),
        ),  # Tue 22 - Thu 24, Christmas Fri 25, Mon 28 (Boxing Day), Tue 29, Wed 30
        (D(2026, 12, 24), D(2027, 1, 5)),  # Tue 29, Wed 30, Thu 31, New Year Fri 1 Jan, Mon 4, Tue 5
        (
            D(2027, 3, 23),
            D(2027, 4, 1),
        ),  # Wed 24, Thu 25, Good Friday 26, Easter Monday 29, Tue 30, Wed 31, Thu 1
        (D(2027, 3, 25), D(2027, 4, 5)),  # Tue 30, Wed 31, Thu 1, Fri 2, Mon 5
    ],
)
def test_iro_due_dates_worked_across_the_holidays(
    memory_qa: QualityAssurance, start: dt.date, due: dt.date
) -> None:
    """R-LAC-9 worked by hand: 5 working days after becoming looked after, bank holidays skipped.
    Overdue the next day (1 working day); an IRO assigned late clears it from that day on, and
    the register of a day before still shows it."""
    memory_qa.record_many([*organisation_events(), ev.ChildBecameLookedAfter(child_ref="L1", on=start)])
    assert _iro_rows(memory_qa, due) == []
    (row,) = _iro_rows(memory_qa, due + DAY)
    assert (row.due_on, row.working_days_overdue, row.iro_id) == (due, 1, None)
    late = due + 3 * DAY
    memory_qa.record(ev.IROAssigned(child_ref="L1", assigned_on=late, iro_id="IRO-2"))
    assert _iro_rows(memory_qa, late) == []
    assert [r.due_on for r in _iro_rows(memory_qa, late - DAY)] == [due]
    assert {r.iro_id for r in memory_qa.drift_register(as_of=late + 30 * DAY)} == {"IRO-2"}


def test_an_iro_named_on_becoming_looked_after_or_in_time_leaves_no_row(memory_qa: QualityAssurance) -> None:
    """R-LAC-9: named with ``ChildBecameLookedAfter(iro_id)`` or assigned by the due date."""
    memory_qa.record_many(
        [
            *organisation_events(),
            ev.ChildBecameLookedAfter(child_ref="L1", on=D(2027, 3, 1), iro_id="IRO-1"),
            ev.ChildBecameLookedAfter(child_ref="L2", on=D(2027, 3, 1)),
            ev.IROAssigned(child_ref="L2", assigned_on=D(2027, 3, 8), iro_id="IRO-1"),  # the 5th working day
        ]
    )
    assert _iro_rows(memory_qa, D(2027, 6, 1)) == []


def test_each_period_of_care_needs_its_iro(memory_qa: QualityAssurance) -> None:
    """R-LAC-9, R-LAC-7: ceasing to be looked after closes the row; a new period of care has its
    own 5 working days, and an IRO named in an earlier period does not count for it."""
    memory_qa.record_many(
        [
            *organisation_events(),
            ev.ChildBecameLookedAfter(child_ref="L1", on=D(2027, 1, 4)),
            ev.ChildCeasedLookedAfter(child_ref="L1", on=D(2027, 1, 20)),
        ]
    )
    assert [r.due_on for r in _iro_rows(memory_qa, D(2027, 1, 19))] == [D(2027, 1, 11)]
    assert _iro_rows(memory_qa, D(2027, 1, 20)) == []
    memory_qa.record_many(
        [
            ev.ChildBecameLookedAfter(child_ref="L2", on=D(2027, 1, 4)),
            ev.IROAssigned(child_ref="L2", assigned_on=D(2027, 1, 5), iro_id="IRO-1"),
            ev.ChildCeasedLookedAfter(child_ref="L2", on=D(2027, 2, 1)),
            ev.ChildBecameLookedAfter(child_ref="L2", on=D(2027, 5, 3)),
        ]
    )
    (row,) = [r for r in _iro_rows(memory_qa, D(2027, 5, 12)) if r.child_ref == "L2"]
    assert row.due_on == D(2027, 5, 10)  # Tue 4 - Fri 7, Mon 10 (no bank holiday)


# --- R-ACC-1: the allocated team sees the rows ----------------------------------------------

TEAMS = [
    ("T-A", "Children's Social Work", "East"),
    ("T-B", "Children's Social Work", "West"),
    ("T-IRO", "Safeguarding", "County"),
]
WORKERS = [
    ("SW-A", "T-A", "practitioner"),
    ("SW-B", "T-B", "practitioner"),
    ("TM-A", "T-A", "team_manager"),
    ("TM-B", "T-B", "team_manager"),
    ("IRO1", "T-IRO", "iro"),
    ("IRO2", "T-IRO", "iro"),
    ("CPC1", "T-IRO", "cp_chair"),
    ("QA1", "T-IRO", "qa_unit"),
]


@pytest.fixture
def council(memory_qa: QualityAssurance) -> QualityAssurance:
    """An imported child (no team can be inferred: no actions, escalations or chair) and a
    child on a CP plan; neither allocated yet."""
    memory_qa.record_many(
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
            for w, t, r in WORKERS
        ]
        + [
            {"type": "ChildBecameLookedAfter", "child_ref": "L1", "on": "2026-03-02"},
            {
                "type": "ReviewHeld",
                "review_id": "R1",
                "child_ref": "L1",
                "kind": "looked_after_review",
                "held_on": "2026-03-27",
            },
            {"type": "StrategyDiscussionHeld", "child_ref": "P1", "held_on": "2026-04-01"},
            {
                "type": "ReviewHeld",
                "review_id": "IC1",
                "child_ref": "P1",
                "kind": "initial_cp_conference",
                "held_on": "2026-04-20",
            },
        ]
    )
    return memory_qa


AS_OF = D(2026, 12, 1)


def _seen(qa: QualityAssurance, who: str | None, as_of: dt.date = AS_OF) -> set[tuple[str, str]]:
    return {(r.child_ref, r.kind.value) for r in qa.drift_register(as_of=as_of, as_worker=who)}


def test_an_unallocated_imported_child_is_seen_only_by_those_who_see_everything(
    council: QualityAssurance,
) -> None:
    """The issue's example: imported children have no team, so a team manager's register is empty."""
    everything = _seen(council, None)
    assert {child for child, _ in everything} == {"L1", "P1"}
    assert ("L1", "iro_not_assigned") in everything
    assert _seen(council, "QA1") == everything
    assert _seen(council, "TM-A") == set() and _seen(council, "TM-B") == set()
    assert {r.team_id for r in council.drift_register(as_of=D(2026, 12, 1))} == {None}


def test_the_allocated_teams_manager_sees_the_childs_rows_and_another_team_does_not(
    council: QualityAssurance,
) -> None:
    """R-ACC-1 (SPEC 9.2): a drift row's team is the allocated team on ``as_of``; the rows carry
    the allocated social worker, who sees them too (own rows)."""
    council.record_many(
        [
            ev.ChildAllocated(child_ref="L1", allocated_on=D(2026, 3, 2), team_id="T-A", worker_id="SW-A"),
            ev.ChildAllocated(child_ref="P1", allocated_on=D(2026, 4, 1), team_id="T-B"),
        ]
    )
    rows = council.drift_register(as_of=D(2026, 12, 1))
    assert {(r.child_ref, r.team_id, r.worker_id) for r in rows} == {
        ("L1", "T-A", "SW-A"),
        ("P1", "T-B", None),
    }
    l1 = {k for c, k in _seen(council, None) if c == "L1"}
    assert {k for c, k in _seen(council, "TM-A")} == l1 and {c for c, _ in _seen(council, "TM-A")} == {"L1"}
    assert {c for c, _ in _seen(council, "TM-B")} == {"P1"}
    assert {c for c, _ in _seen(council, "SW-A")} == {"L1"}
    assert _seen(council, "SW-B") == set()


def test_reallocation_moves_the_rows(council: QualityAssurance) -> None:
    """The team on ``as_of`` decides: before the re-allocation the first team sees the rows,
    from its day the second; a re-allocation typed up late changes the answers for its dates."""
    council.record(
        ev.ChildAllocated(child_ref="L1", allocated_on=D(2026, 3, 2), team_id="T-A", worker_id="SW-A")
    )
    council.record(
        ev.ChildAllocated(child_ref="L1", allocated_on=D(2026, 9, 1), team_id="T-B", worker_id="SW-B")
    )
    before, after = D(2026, 8, 31), D(2026, 9, 1)
    assert {c for c, _ in _seen(council, "TM-A", before)} == {"L1"} and _seen(
        council, "TM-B", before
    ) == set()
    assert _seen(council, "TM-A", after) == set() and {c for c, _ in _seen(council, "TM-B", after)} == {"L1"}
    assert {(r.team_id, r.worker_id) for r in council.drift_register(as_of=after) if r.child_ref == "L1"} == {
        ("T-B", "SW-B")
    }
    # a reallocation typed up late, dated in between
    council.record(ev.ChildAllocated(child_ref="L1", allocated_on=D(2026, 6, 1), team_id="T-B"))
    assert {c for c, _ in _seen(council, "TM-B", D(2026, 7, 1))} == {"L1"}
    assert {r.worker_id for r in council.drift_register(as_of=D(2026, 7, 1)) if r.child_ref == "L1"} == {None}


def test_the_iro_and_the_chair_on_the_rows_and_a_change_of_iro(council: QualityAssurance) -> None:
    """SPEC 9.2: the row's ``iro_id`` is the IRO on ``as_of`` (a change of IRO is an
    ``IROAssigned``); a CP row's ``chair_id`` is the CP Chair assigned, else its latest
    conference's chair. Both IROs' team sees the rows while they are the IRO."""
    council.record_many(
        [
            ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 3, 4), iro_id="IRO1"),
            ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 10, 1), iro_id="IRO2"),
            ev.CPChairAssigned(child_ref="P1", assigned_on=D(2026, 4, 2), chair_id="CPC1"),
        ]
    )

    def parties(as_of: dt.date) -> set[tuple[str, str | None, str | None]]:
        return {(r.child_ref, r.iro_id, r.chair_id) for r in council.drift_register(as_of=as_of)}

    assert parties(D(2026, 9, 30)) == {("L1", "IRO1", "IRO1"), ("P1", None, "CPC1")}
    # the chair of a looked-after row is the latest review's (the IRO then); the IRO is today's
    assert parties(D(2026, 10, 1)) == {("L1", "IRO2", "IRO1"), ("P1", None, "CPC1")}
    assert {c for c, _ in _seen(council, "IRO2", D(2026, 10, 1))} == {"L1", "P1"}  # team T-IRO
    assert ("L1", "iro_not_assigned") not in _seen(council, None, D(2026, 10, 1))


# --- refusals ----------------------------------------------------------------------------


def _child(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, **fields}


REFUSED = [
    (
        _child("ChildAllocated", child_ref="NOBODY", allocated_on="2026-05-01", team_id="T-A"),
        UnknownReference,
        "child_ref",
        "reference",
    ),
    (
        _child("ChildAllocated", child_ref="L1", allocated_on="2026-05-01", team_id="T-NONE"),
        UnknownReference,
        "team_id",
        "reference",
    ),
    (
        _child(
            "ChildAllocated", child_ref="L1", allocated_on="2026-05-01", team_id="T-A", worker_id="W-NONE"
        ),
        UnknownReference,
        "worker_id",
        "reference",
    ),
    (
        _child(
            "ChildAllocated", child_ref="L1", allocated_on="2026-07-01", team_id="T-A", worker_id="SW-LEFT"
        ),
        RuleViolation,
        "worker_id",
        "R-ACC-1",
    ),
    (
        _child("IROAssigned", child_ref="NOBODY", assigned_on="2026-05-01", iro_id="IRO1"),
        UnknownReference,
        "child_ref",
        "reference",
    ),
    (
        _child("IROAssigned", child_ref="L1", assigned_on="2026-05-01", iro_id="IRO-NONE"),
        UnknownReference,
        "iro_id",
        "reference",
    ),
    (
        _child("IROAssigned", child_ref="L1", assigned_on="2026-05-01", iro_id="SW-A"),
        RuleViolation,
        "iro_id",
        "R-LAC-9",
    ),
    (
        _child("IROAssigned", child_ref="L1", assigned_on="2026-05-01", iro_id="CPC1"),
        RuleViolation,
        "iro_id",
        "R-LAC-9",
    ),
    (
        _child("IROAssigned", child_ref="L1", assigned_on="2026-02-27", iro_id="IRO1"),
        RuleViolation,
        "assigned_on",
        "R-LAC-9",
    ),
    (
        _child("IROAssigned", child_ref="P1", assigned_on="2026-05-01", iro_id="IRO1"),
        RuleViolation,
        "assigned_on",
        "R-LAC-9",
    ),
    # a practitioner promoted to IRO from 1 Jun: not an IRO before it
    (
        _child("IROAssigned", child_ref="L1", assigned_on="2026-05-29", iro_id="SW-PROMOTED"),
        RuleViolation,
        "iro_id",
        "R-LAC-9",
    ),
    (
        _child("CPChairAssigned", child_ref="P1", assigned_on="2026-05-01", chair_id="IRO1"),
        RuleViolation,
        "chair_id",
        "R-CP-5",
    ),
    (
        _child("CPChairAssigned", child_ref="P1", assigned_on="2026-05-01", chair_id="CPC-NONE"),
        UnknownReference,
        "chair_id",
        "reference",
    ),
    (
        _child("CPChairAssigned", child_ref="L1", assigned_on="2026-05-01", chair_id="CPC1"),
        RuleViolation,
        "assigned_on",
        "R-CP-7",
    ),
    (
        _child("CPChairAssigned", child_ref="P1", assigned_on="2026-03-31", chair_id="CPC1"),
        RuleViolation,
        "assigned_on",
        "R-CP-7",
    ),
    # shape: refused before any rule is looked at
    (_child("IROAssigned", child_ref="L1", assigned_on="2026-05-01"), InvalidEvent, "iro_id", None),
    (
        _child("ChildAllocated", child_ref="L1", allocated_on="not a date", team_id="T-A"),
        InvalidEvent,
        "allocated_on",
        None,
    ),
]


@pytest.mark.parametrize(("obj", "error", "field", "rule"), REFUSED)
def test_bad_input_is_refused_naming_field_and_rule_and_nothing_is_stored(
    council: QualityAssurance, obj: dict[str, Any], error: type[InvalidEvent], field: str, rule: str | None
) -> None:
    council.record_many(
        [
            {
                "type": "WorkerRegistered",
                "worker_id": "SW-LEFT",
                "team_id": "T-A",
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": "2026-01-05",
            },
            {"type": "WorkerLeft", "worker_id": "SW-LEFT", "left_on": "2026-06-30"},
            {
                "type": "WorkerRegistered",
                "worker_id": "SW-PROMOTED",
                "team_id": "T-A",
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": "2026-01-05",
            },
            {
                "type": "WorkerRoleChanged",
                "worker_id": "SW-PROMOTED",
                "role": "iro",
                "changed_on": "2026-06-01",
            },
        ]
    )
    day = D(2026, 12, 1)
    before = (council.position, council.stats(), council.drift_register(as_of=day))
    with pytest.raises(error) as caught:
        council.record_json(obj)
    assert isinstance(caught.value, InvalidEvent)
    assert (caught.value.event_type, caught.value.field) == (obj["type"], field)
    if rule is not None:
        assert caught.value.rule == rule
    assert (council.position, council.stats(), council.drift_register(as_of=day)) == before


def test_a_role_change_and_a_rejoining_count_from_their_day(council: QualityAssurance) -> None:
    """The role is the one held on the assignment's day and the IRO is in post that day
    (decision 0985): a practitioner promoted to IRO on 1 Jun may be assigned from then (and
    from 1 May once an earlier promotion is typed up); an IRO who left and rejoined may be
    assigned again from the rejoining."""
    council.record_many(
        [
            ev.WorkerRegistered(
                worker_id="SW-P",
                team_id="T-A",
                role="practitioner",
                experience="experienced",
                registered_on=D(2026, 1, 5),
            ),
            ev.WorkerRoleChanged(worker_id="SW-P", role="iro", changed_on=D(2026, 6, 1)),
            ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 6, 1), iro_id="SW-P"),
            # a role change typed up late, dated before: the later assignment still holds
            ev.WorkerRoleChanged(worker_id="SW-P", role="iro", changed_on=D(2026, 5, 1)),
            ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 5, 4), iro_id="SW-P"),
        ]
    )
    with pytest.raises(RuleViolation, match="practitioner"):
        council.record(ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 4, 30), iro_id="SW-P"))
    council.record_many(
        [
            ev.WorkerLeft(worker_id="IRO2", left_on=D(2026, 6, 30)),
            ev.WorkerRejoined(worker_id="IRO2", team_id="T-IRO", rejoined_on=D(2026, 8, 3)),
            ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 6, 30), iro_id="IRO2"),  # their last day
            ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 8, 3), iro_id="IRO2"),
        ]
    )
    with pytest.raises(RuleViolation, match="left on 2026-06-30 and rejoined on 2026-08-03"):
        council.record(ev.IROAssigned(child_ref="L1", assigned_on=D(2026, 7, 15), iro_id="IRO2"))


def test_one_allocation_a_day(council: QualityAssurance) -> None:
    """Identity (child, date): the same allocation again is a no-op; another that day conflicts."""
    first = ev.ChildAllocated(child_ref="L1", allocated_on=D(2026, 5, 1), team_id="T-A")
    position = council.record(first)
    assert council.record(first) == position
    with pytest.raises(kq.errors.ConflictingEvent, match="team_id"):
        council.record(ev.ChildAllocated(child_ref="L1", allocated_on=D(2026, 5, 1), team_id="T-B"))


# --- the rows' parties against an oracle, in any recording order ---------------------------


def parties_oracle(events: list[ev.Event], row: DriftRow, as_of: dt.date) -> tuple[str | None, str | None]:
    """(team, IRO) of a row at ``as_of``: the team of the child's latest allocation dated by
    then (None: not allocated); for a looked-after row of a child that became looked after
    once, the IRO named last from that day (on becoming looked after, or assigned; an
    assignment wins a tie), else None."""
    mine = [e for e in events if getattr(e, "child_ref", None) == row.child_ref and e.business_date <= as_of]
    allocations = sorted((e.allocated_on, e.team_id) for e in mine if isinstance(e, ev.ChildAllocated))
    team = allocations[-1][1] if allocations else None
    named = sorted(
        [(e.on, 0, e.iro_id) for e in mine if isinstance(e, ev.ChildBecameLookedAfter) and e.iro_id]
        + [(e.assigned_on, 1, e.iro_id) for e in mine if isinstance(e, ev.IROAssigned)]
    )
    return team, named[-1][2] if named and row.plan is PlanKind.LOOKED_AFTER else None


@SETTINGS
@given(histories(), st.integers(0, 2**32), st.lists(as_of_dates(), min_size=1, max_size=3))
def test_rows_carry_the_allocated_team_and_the_iro_in_any_recording_order(
    events: list[ev.Event], seed: int, days: list[dt.date]
) -> None:
    """SPEC 9.2: recorded in natural order or shuffled (refused events sent again), the register
    is the same, every column; an allocated child's rows carry the latest allocation's team and
    the IRO named last in the open period."""
    with (
        kq.connect("memory://", policy=kq.Policy()) as ordered,
        kq.connect("memory://", policy=kq.Policy()) as shuffled,
    ):
        for event in sorted(events, key=natural_key):
            ordered.record(event)
        record_in_any_order(shuffled, events, seed)
        for as_of in days:
            rows = ordered.drift_register(as_of=as_of)
            assert rows == shuffled.drift_register(as_of=as_of)
            for row in rows:
                team, iro = parties_oracle(events, row, as_of)
                if team is not None:
                    assert row.team_id == team, row
                if _single_period(events, row.child_ref, as_of):
                    assert row.iro_id == iro, row
                if row.kind is DriftKind.IRO_NOT_ASSIGNED:
                    assert row.iro_id is None


def _single_period(events: list[ev.Event], child: str, as_of: dt.date) -> bool:
    """The child became looked after once by ``as_of`` (the oracle's period is then plain)."""
    return (
        sum(
            1
            for e in events
            if isinstance(e, ev.ChildBecameLookedAfter) and e.child_ref == child and e.on <= as_of
        )
        == 1
    )


def test_allocation_changes_who_a_row_concerns_never_what_is_due(council: QualityAssurance) -> None:
    """Allocations and a CP Chair's assignment change the rows' parties, not the rows."""
    before = [(r.child_ref, r.kind, r.due_on) for r in council.drift_register(as_of=D(2026, 12, 1))]
    council.record_many(
        [
            ev.CPChairAssigned(child_ref="P1", assigned_on=D(2026, 4, 1), chair_id="CPC1"),
            ev.ChildAllocated(child_ref="P1", allocated_on=D(2026, 4, 1), team_id="T-B"),
            ev.ChildAllocated(child_ref="L1", allocated_on=D(2026, 3, 2), team_id="T-A"),
        ]
    )
    after = [(r.child_ref, r.kind, r.due_on) for r in council.drift_register(as_of=D(2026, 12, 1))]
    assert after == before


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(histories())
def test_the_drawn_histories_never_send_one_identity_with_two_contents(events: list[ev.Event]) -> None:
    """The strategies' own promise (consistent by construction): one event per identity (one
    allocation, assignment or strategy discussion of a child a day), so no recording order
    meets a ``ConflictingEvent``."""
    from kentqa_domain.recording.identity import identity_of

    seen: dict[str, ev.Event] = {}
    for event in events:
        assert seen.setdefault(identity_of(event), event) == event
