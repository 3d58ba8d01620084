"""R-TML-1 (SPEC 9.2): reviews and conferences held, and held in time, by kind, overall and by
team and by chair: against a plain oracle for random plan histories in any recording order,
worked examples (a review on its due date is in time, a day late is not; the initial
conference's 15 working days across Christmas and Easter), R-ACC-1 scoping and bad arguments."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.areas.plans.projection import FOLDED
from kentqa_domain.areas.plans.timeliness import ReviewTimeliness, TimelinessKind, TimelinessRow
from kentqa_domain.areas.plans.timeliness_queries import computed_reviews, stored_reviews
from kentqa_domain.errors import InvalidInput
from kentqa_domain.values import Action, ReviewKind
from tests.domain.plan_oracle import nth_working_day_after
from tests.domain.timeliness_oracle import ALL_KINDS, timeliness_oracle
from tests.plan_strategies import FIRST_DAY, as_of_dates, histories, organisation_events, record_in_any_order

SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
D = dt.date


def _tallies(rows: list[TimelinessRow]) -> set[tuple[str, str | None, str, int, int, int]]:
    return {(r.by, r.key, r.kind.value, r.held, r.held_in_time, r.without_due_date) for r in rows}


@SETTINGS
@given(histories(), st.integers(0, 2**32), st.lists(as_of_dates(), min_size=2, max_size=3))
def test_timeliness_matches_the_oracle_in_any_recording_order(
    events: list[ev.Event], seed: int, days: list[dt.date]
) -> None:
    """R-TML-1: for random plan histories recorded in a random order, every row is the plain
    computation over the events (due dates from SPEC section 4, teams from decision 0201)."""
    start, *ends = sorted(days)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        record_in_any_order(qa, events, seed)
        for as_of in ends:
            for first in (FIRST_DAY, start):
                rows = qa.review_timeliness(first, as_of, as_of=as_of)
                assert _tallies(rows) == timeliness_oracle(events, qa.policy, first, as_of, as_of)
                assert len(rows) == len(_tallies(rows))
                for r in rows:
                    assert r.share_in_time == (r.held_in_time / r.held if r.held else None)
                    assert r.held_in_time + r.without_due_date <= r.held
                overall = [r for r in rows if r.by == "overall"]
                assert [r.kind.value for r in overall] == list(ALL_KINDS)
                for by in ("team", "chair"):  # every review counts once in each grouping
                    assert sum(r.held for r in rows if r.by == by) == sum(r.held for r in overall)


def _review(r: ReviewTimeliness) -> tuple[object, ...]:
    return (r.review_id, r.held_on, r.kind, r.due_on, r.in_time, r.team_id, r.chair_id)


@SETTINGS
@given(histories(), st.integers(0, 2**32), st.integers(0, 400), as_of_dates())
def test_about_now_the_stored_rows_are_the_reviews_the_facts_give(
    events: list[ev.Event], seed: int, days_after: int, start: dt.date
) -> None:
    """R-TML-1 about now (on or after every fact, under the policy that derived the rows): the
    reviews are read from ``kentqa_review_timeliness`` (no document decoded), and they are
    exactly the reviews the facts give, each with the same kind, due date, team and chair; the
    query matches the oracle. Before the latest fact they are computed from the facts."""
    horizon = max(e.business_date for e in events if isinstance(e, FOLDED))
    as_of = horizon + dt.timedelta(days=days_after)
    start = min(start, as_of)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        record_in_any_order(qa, events, seed)
        with qa._viewing() as view:
            plans = view.projection("child_plans")
            assert plans.rows_answer(as_of, qa.policy)
            assert not plans.rows_answer(horizon - dt.timedelta(days=1), qa.policy)
            stored = stored_reviews(view, start, as_of)
            computed, _workers = computed_reviews(view, start, as_of, as_of)
        assert sorted(map(_review, stored)) == sorted(map(_review, computed))
        rows = qa.review_timeliness(start, as_of, as_of=as_of)
        assert _tallies(rows) == timeliness_oracle(events, qa.policy, start, as_of, as_of)


# --- worked examples --------------------------------------------------------------------


def _lac_child(review_on: D, second_on: D | None = None) -> list[ev.Event]:
    """Looked after from Wednesday 2 September 2026: R-LAC-1 the first review is due on the
    20th working day after, Wednesday 30 September 2026."""
    out: list[ev.Event] = [
        ev.ChildBecameLookedAfter(child_ref="C-LAC", on=D(2026, 9, 2), iro_id="IRO-1"),
        ev.ReviewHeld(
            review_id="R-1", child_ref="C-LAC", kind=ReviewKind.LOOKED_AFTER_REVIEW, held_on=review_on
        ),
    ]
    if second_on is not None:
        out.append(
            ev.ReviewHeld(
                review_id="R-2", child_ref="C-LAC", kind=ReviewKind.LOOKED_AFTER_REVIEW, held_on=second_on
            )
        )
    return out


def _overall(qa: kq.QualityAssurance, kind: TimelinessKind) -> TimelinessRow:
    rows = qa.review_timeliness(D(2026, 9, 1), D(2027, 12, 31), as_of=D(2027, 12, 31))
    return next(r for r in rows if r.by == "overall" and r.kind is kind)


@pytest.mark.parametrize(
    ("held_on", "in_time"), [(D(2026, 9, 30), 1), (D(2026, 10, 1), 0), (D(2026, 9, 3), 1)]
)
def test_a_first_review_on_its_due_date_is_in_time_and_a_day_late_is_not(held_on: D, in_time: int) -> None:
    """R-LAC-1, R-TML-1: due on the 20th working day after becoming looked after."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation_events(), *_lac_child(held_on)])
        row = _overall(qa, TimelinessKind.FIRST_LOOKED_AFTER_REVIEW)
        assert (row.held, row.held_in_time, row.share_in_time) == (1, in_time, float(in_time))


@pytest.mark.parametrize(("second_on", "in_time"), [(D(2026, 12, 30), 1), (D(2026, 12, 31), 0)])
def test_a_second_review_is_due_three_months_after_the_first(second_on: D, in_time: int) -> None:
    """R-LAC-2: first review on 30 September 2026, the second due on 30 December 2026 (months
    need not land on a working day); the first still counts, in time."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation_events(), *_lac_child(D(2026, 9, 30), second_on)])
        second = _overall(qa, TimelinessKind.SECOND_LOOKED_AFTER_REVIEW)
        assert (second.held, second.held_in_time) == (1, in_time)
        assert _overall(qa, TimelinessKind.FIRST_LOOKED_AFTER_REVIEW).held_in_time == 1


@pytest.mark.parametrize(("held_on", "in_time"), [(D(2025, 4, 6), 1), (D(2025, 4, 7), 0)])
def test_a_short_break_series_has_its_first_review_three_months_after_the_first_break(
    held_on: D, in_time: int
) -> None:
    """R-LAC-8 through the drift register's schedule: legal status V4 from 6 January 2025, the
    first review due on 6 April 2025 (not 20 working days after)."""
    events = [
        *organisation_events(),
        ev.ChildBecameLookedAfter(child_ref="C-SB", on=D(2025, 1, 6), iro_id="IRO-1", legal_status="V4"),
        ev.ReviewHeld(
            review_id="R-1", child_ref="C-SB", kind=ReviewKind.LOOKED_AFTER_REVIEW, held_on=held_on
        ),
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        rows = qa.review_timeliness(D(2025, 1, 1), D(2025, 12, 31), as_of=D(2025, 12, 31))
        first = next(
            r for r in rows if r.by == "overall" and r.kind is TimelinessKind.FIRST_LOOKED_AFTER_REVIEW
        )
        assert (first.held, first.held_in_time) == (1, in_time)


@pytest.mark.parametrize(("held_on", "in_time"), [(D(2026, 10, 29), 1), (D(2026, 10, 30), 0)])
def test_a_review_after_a_placement_for_adoption_is_due_four_weeks_after_it(held_on: D, in_time: int) -> None:
    """R-ADO-1: placed on 1 October 2026, the next review is due on 29 October 2026; the
    review before the placement keeps the due date it had (R-LAC-1)."""
    events = [
        *organisation_events(),
        *_lac_child(D(2026, 9, 30), held_on),
        ev.PlacedForAdoption(child_ref="C-LAC", placed_on=D(2026, 10, 1)),
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        second = _overall(qa, TimelinessKind.SECOND_LOOKED_AFTER_REVIEW)
        assert (second.held, second.held_in_time) == (1, in_time)
        assert _overall(qa, TimelinessKind.FIRST_LOOKED_AFTER_REVIEW).held_in_time == 1


def _enquiry(discussed_on: D, conference_on: D) -> list[ev.Event]:
    return [
        ev.StrategyDiscussionHeld(child_ref="C-CP", held_on=discussed_on, section_47=True),
        ev.ReviewHeld(
            review_id="IC-1",
            child_ref="C-CP",
            kind=ReviewKind.INITIAL_CP_CONFERENCE,
            held_on=conference_on,
            chair_id="CPC-1",
        ),
    ]


@pytest.mark.parametrize(
    ("discussed_on", "due_on"),
    [
        # Christmas 2026: 25, 28 December and 1 January are bank holidays (26 Dec is a Saturday)
        (D(2026, 12, 18), D(2027, 1, 13)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March
        (D(2027, 3, 19), D(2027, 4, 13)),
    ],
)
def test_the_initial_conference_counts_working_days_across_christmas_and_easter(
    discussed_on: D, due_on: D
) -> None:
    """R-CP-1, R-TML-1: the initial conference is due on the 15th working day after the section
    47 strategy discussion; held that day it is in time, the next working day it is not."""
    policy = kq.Policy()
    assert nth_working_day_after(policy, discussed_on, 15) == due_on
    assert policy.calendar.is_working_day(due_on)
    late = due_on + dt.timedelta(days=1)
    for held_on, in_time in ((due_on, 1), (late, 0)):
        with kq.connect("memory://", policy=policy) as qa:
            qa.record_many([*organisation_events(), *_enquiry(discussed_on, held_on)])
            row = _overall(qa, TimelinessKind.INITIAL_CP_CONFERENCE)
            assert (row.held, row.held_in_time) == (1, in_time)
            chair = next(
                r
                for r in qa.review_timeliness(D(2026, 9, 1), D(2027, 12, 31), as_of=D(2027, 12, 31))
                if r.by == "chair"
            )
            assert (chair.key, chair.held, chair.held_in_time) == ("CPC-1", 1, in_time)


def test_the_initial_conference_is_due_from_the_latest_section_47_discussion() -> None:
    """R-CP-1 revised: a second strategy discussion of the enquiry restarts the clock."""
    events = [
        *organisation_events(),
        ev.StrategyDiscussionHeld(child_ref="C-CP", held_on=D(2026, 10, 1), section_47=True),
        *_enquiry(D(2026, 10, 20), D(2026, 11, 10)),  # 15 working days after 20 Oct: 10 Nov
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        assert _overall(qa, TimelinessKind.INITIAL_CP_CONFERENCE).held_in_time == 1


def test_a_conference_with_no_strategy_discussion_has_no_due_date() -> None:
    """Decision 0966: held, without a due date, not in time."""
    conference = ev.ReviewHeld(
        review_id="IC-1", child_ref="C-CP", kind=ReviewKind.INITIAL_CP_CONFERENCE, held_on=D(2026, 10, 5)
    )
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation_events(), conference])
        row = _overall(qa, TimelinessKind.INITIAL_CP_CONFERENCE)
        assert (row.held, row.held_in_time, row.without_due_date, row.share_in_time) == (1, 0, 1, 0.0)


def test_only_reviews_held_in_the_period_and_by_as_of_count() -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation_events(), *_lac_child(D(2026, 9, 30), D(2026, 12, 31))])
        rows = qa.review_timeliness(D(2026, 10, 1), D(2026, 12, 31), as_of=D(2026, 12, 31))
        assert {r.kind for r in rows if r.held} == {TimelinessKind.SECOND_LOOKED_AFTER_REVIEW}
        rows = qa.review_timeliness(D(2026, 9, 1), D(2026, 12, 31), as_of=D(2026, 12, 30))
        assert {r.kind for r in rows if r.held} == {TimelinessKind.FIRST_LOOKED_AFTER_REVIEW}
        assert rows.position == qa.position
        assert rows[0].to_dict() == {
            "by": "overall",
            "key": None,
            "kind": "first_looked_after_review",
            "held": 1,
            "held_in_time": 1,
            "share_in_time": 1.0,
            "without_due_date": 0,
        }


# --- R-ACC-1 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("later_fact", [False, True], ids=["stored-rows", "computed-from-facts"])
def test_timeliness_is_scoped_to_what_the_principal_may_see(later_fact: bool) -> None:
    """R-ACC-1: a review counts for a team manager of its team (the action owner's, decision
    0201) or of its chair's team; a practitioner elsewhere sees nothing; the QA unit sees all.
    Alike from the stored rows (about now) and from the facts (a fact dated after ``as_of``)."""
    events = [
        *organisation_events(),
        ev.WorkerRegistered(
            worker_id="TM-A",
            team_id="T-A",
            role="team_manager",
            experience="experienced",
            registered_on=D(2026, 1, 5),
        ),
        ev.WorkerRegistered(
            worker_id="TM-B",
            team_id="T-B",
            role="team_manager",
            experience="experienced",
            registered_on=D(2026, 1, 5),
        ),
        ev.WorkerRegistered(
            worker_id="QA-1",
            team_id="T-IRO",
            role="qa_unit",
            experience="experienced",
            registered_on=D(2026, 1, 5),
        ),
        ev.ChildBecameLookedAfter(child_ref="C-LAC", on=D(2026, 9, 2)),
        ev.ReviewHeld(
            review_id="R-1",
            child_ref="C-LAC",
            kind=ReviewKind.LOOKED_AFTER_REVIEW,
            held_on=D(2026, 9, 30),
            chair_id="X-CHAIR",
            actions=(Action(action_id="A-1", description="visit", owner_id="SW-1", due_on=D(2026, 10, 30)),),
        ),
    ]
    if later_fact:
        events.append(
            ev.WorkerRegistered(
                worker_id="SW-9",
                team_id="T-B",
                role="practitioner",
                experience="experienced",
                registered_on=D(2027, 1, 11),
            )
        )
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(events)
        with qa._viewing() as view:
            assert view.projection("child_plans").rows_answer(D(2026, 12, 31), qa.policy) is not later_fact

        def held(who: str | None) -> int:
            rows = qa.review_timeliness(D(2026, 9, 1), D(2026, 12, 31), as_of=D(2026, 12, 31), as_worker=who)
            return sum(r.held for r in rows if r.by == "overall")

        assert held(None) == held("QA-1") == held("TM-A") == 1
        assert held("TM-B") == held("SW-2") == 0
        team_rows = [
            r
            for r in qa.review_timeliness(D(2026, 9, 1), D(2026, 12, 31), as_of=D(2026, 12, 31))
            if r.by == "team"
        ]
        assert [(r.key, r.held) for r in team_rows] == [("T-A", 1)]


# --- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("2026-13-01", "2026-12-31"), {"as_of": "2026-12-31"}, "start"),
        (("2026-10-01", 20261231), {"as_of": "2026-12-31"}, "end"),
        (("2026-10-01", "2026-12-31"), {"as_of": "yesterday"}, "as_of"),
        (("2026-12-31", "2026-10-01"), {"as_of": "2026-12-31"}, "end"),
        (("2026-10-01", "2026-12-31"), {"as_of": "2026-12-31", "as_worker": 7}, "as_worker"),
    ],
)
def test_bad_arguments_are_refused_naming_them(
    args: tuple[object, ...], kwargs: dict[str, object], field: str
) -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        with pytest.raises(InvalidInput) as raised:
            qa.review_timeliness(*args, **kwargs)  # type: ignore[arg-type]
        assert raised.value.field == field
        assert "review_timeliness" in str(raised.value)


def test_as_of_is_required() -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa, pytest.raises(TypeError):
        qa.review_timeliness("2026-10-01", "2026-12-31")  # type: ignore[call-arg]
