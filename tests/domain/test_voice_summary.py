"""The voice summary: compliments and feedback by source, channel, theme, rating and team
(framework 4.1, 4.3; SPEC section 5 ``voice_summary``), scoped by R-ACC-1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.voice.projection import Voice
from kentqa_domain.areas.voice.summary import summarise, summary
from kentqa_domain.areas.voice.tallies import Tallies, item_of, packed_of
from kentqa_domain.errors import InvalidInput
from kentqa_domain.values import FeedbackSource
from tests.complaint_histories import STAFF, oracle_voice, voice_as_dict, voice_items
from tests.conftest import organisation
from tests.memory_docs import MemoryDocs, fold

D = dt.date
PERIOD = st.dates(D(2026, 11, 1), D(2027, 6, 30))
CHILDREN_AND_FAMILIES = ("child", "young_person", "parent_carer")


def feedback(
    fid: str, on: str, source: str, channel: str, team: str | None, rating: int | None, *themes: str
) -> dict[str, Any]:
    return {
        "type": "FeedbackReceived",
        "feedback_id": fid,
        "received_on": on,
        "source": source,
        "channel": channel,
        "team_id": team,
        "rating": rating,
        "themes": list(themes),
    }


def compliment(cid: str, on: str, source: str, team: str | None, *themes: str) -> dict[str, Any]:
    return {
        "type": "ComplimentReceived",
        "compliment_id": cid,
        "received_on": on,
        "from_role": source,
        "team_id": team,
        "themes": list(themes),
    }


#: A quarter's voice (Jan-Mar 2027) in an East social work team and a West early help team.
SCENARIO = [
    feedback("F1", "2027-01-11", "child", "momo", "T-EAST-1", 2, "communication", "listened_to"),
    feedback("F2", "2027-02-03", "young_person", "consultation_form", "T-EAST-1", 1, "communication"),
    feedback("F3", "2027-02-17", "parent_carer", "conference_form", "T-EAST-1", 4, "listened_to"),
    compliment("C1", "2027-03-02", "parent_carer", "T-EAST-1", "listened_to"),
    feedback("F4", "2027-03-10", "partner", "survey", "T-EAST-1", 5, "communication"),
    feedback("F5", "2027-01-20", "parent_carer", "online_tool", "T-WEST-1", 5, "support"),
    feedback("F6", "2027-02-08", "child", "momo", "T-WEST-1", 4, "support", "activities"),
    compliment("C2", "2027-03-22", "young_person", "T-WEST-1", "support"),
    feedback("F7", "2027-03-15", "staff", "survey", "T-WEST-1", 2, "workload"),
    feedback("F8", "2026-12-20", "child", "momo", "T-EAST-1", 1, "communication"),  # before the quarter
    feedback("F9", "2027-01-05", "parent_carer", "advocate", None, None),  # no team, no theme
]


@pytest.fixture
def qa() -> Iterator[QualityAssurance]:
    with kq.connect("memory://", policy=kq.Policy()) as app:
        app.record_many([*organisation(), *STAFF, *SCENARIO])
        yield app


def by_key(tallies: Any) -> dict[Any, tuple[int, int, int, float | None]]:
    return {t.key: (t.feedback, t.compliments, t.rated, t.mean_rating) for t in tallies}


def test_what_are_children_and_families_telling_us_by_team_and_theme(qa: QualityAssurance) -> None:
    """Jan-Mar 2027, children, young people and parents/carers only: partner F4, staff F7
    and December's F8 are left out. Worked by hand from SCENARIO:

    - East, communication: F1 (2), F2 (1) -> 2 feedback, mean 1.5 — the concern to act on;
    - East, listened_to: F1 (2), F3 (4), compliment C1 -> 2 feedback + 1 compliment, mean 3.0;
    - West, support: F5 (5), F6 (4), compliment C2 -> 2 + 1, mean 4.5;
    - West, activities: F6 (4) -> 1, mean 4.0;
    - no team, no theme: F9 (unrated) -> 1, no mean.
    Within a team, themes come busiest first.
    """
    summary = qa.voice_summary(D(2027, 1, 1), D(2027, 3, 31), sources=CHILDREN_AND_FAMILIES)
    rows = [
        (t.team_id, t.theme, t.feedback, t.compliments, t.rated, t.mean_rating) for t in summary.by_team_theme
    ]
    assert rows == [
        ("T-EAST-1", "listened_to", 2, 1, 2, 3.0),
        ("T-EAST-1", "communication", 2, 0, 2, 1.5),
        ("T-WEST-1", "support", 2, 1, 2, 4.5),
        ("T-WEST-1", "activities", 1, 0, 1, 4.0),
        (None, None, 1, 0, 0, None),
    ]
    # Six feedback items (F1, F2, F3, F5, F6, F9), two compliments; ratings 2+1+4+5+4 = 16 over 5.
    assert (summary.overall.feedback, summary.overall.compliments, summary.overall.rated) == (6, 2, 5)
    assert summary.overall.mean_rating == pytest.approx(3.2)
    assert summary.overall.ratings == {1: 1, 2: 1, 3: 0, 4: 2, 5: 1}
    assert by_key(summary.by_team) == {
        "T-EAST-1": (3, 1, 3, pytest.approx(7 / 3)),
        "T-WEST-1": (2, 1, 2, 4.5),
        None: (1, 0, 0, None),
    }
    assert [t.key for t in summary.by_theme] == [
        "listened_to",
        "support",
        "communication",
        "activities",
        None,
    ]
    assert by_key(summary.by_source) == {
        "child": (2, 0, 2, 3.0),  # F1 (2), F6 (4)
        "young_person": (1, 1, 1, 1.0),  # F2 (1), compliment C2
        "parent_carer": (3, 1, 2, 4.5),  # F3 (4), F5 (5), F9 unrated, compliment C1
    }
    channels = by_key(summary.by_channel)
    assert channels["momo"] == (2, 0, 2, 3.0)
    assert channels["survey"] == (0, 0, 0, None)  # F4 and F7 came from a partner and staff
    assert sum(c[0] for c in channels.values()) == 6  # compliments carry no channel


def test_everyones_voice_by_default_and_partners_and_staff_on_request(qa: QualityAssurance) -> None:
    everyone = qa.voice_summary(D(2027, 1, 1), D(2027, 3, 31))
    assert [t.key for t in everyone.by_source] == [s.value for s in FeedbackSource]
    assert (everyone.overall.feedback, everyone.overall.compliments) == (8, 2)  # + F4, F7
    staff = qa.voice_summary(D(2027, 1, 1), D(2027, 3, 31), sources=["staff"])
    assert by_key(staff.by_team) == {"T-WEST-1": (1, 0, 1, 2.0)}
    assert [t.key for t in staff.by_theme] == ["workload"]


def test_R_ACC_1_voice_is_scoped_to_what_the_principal_may_see(qa: QualityAssurance) -> None:
    """A team manager sees their team; a service manager their service (Early Help is only
    T-WEST-1 here); a practitioner sees no team's rows; the QA unit sees everything."""
    period = (D(2027, 1, 1), D(2027, 3, 31))
    assert [t.key for t in qa.voice_summary(*period, as_worker="TM1").by_team] == ["T-EAST-1"]
    assert [t.key for t in qa.voice_summary(*period, as_worker="SM2").by_team] == ["T-WEST-1"]
    assert qa.voice_summary(*period, as_worker="W1").overall.feedback == 0
    assert [t.key for t in qa.voice_summary(*period, as_worker="QA1").by_team] == [
        "T-EAST-1",
        "T-WEST-1",
        None,
    ]


def test_a_period_still_running_is_counted_up_to_as_of(qa: QualityAssurance) -> None:
    """Up to 10 Feb 2027: F1, F2, F5, F6, F9 (and not F3 of 17 Feb)."""
    summary = qa.voice_summary(D(2027, 1, 1), D(2027, 3, 31), as_of=D(2027, 2, 10))
    assert summary.end == D(2027, 2, 10)
    assert (summary.overall.feedback, summary.overall.compliments) == (5, 0)


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"start": D(2027, 3, 1), "end": D(2027, 2, 1)}, "end", "period"),
        ({"start": 20270101, "end": D(2027, 2, 1)}, "start", "date"),
        ({"start": "2027-13-01", "end": D(2027, 2, 1)}, "start", "date"),
        (
            {"start": D(2027, 1, 1), "end": D(2027, 2, 1), "sources": ["children"]},
            "sources",
            "enum FeedbackSource",
        ),
        ({"start": D(2027, 1, 1), "end": D(2027, 2, 1), "as_of": D(2026, 12, 1)}, "end", "period"),
    ],
)
def test_bad_query_arguments_name_the_argument(
    qa: QualityAssurance, kwargs: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(InvalidInput) as caught:  # SPEC 9.5
        qa.voice_summary(**kwargs)
    assert (caught.value.event_type, caught.value.field, caught.value.rule) == ("voice_summary", field, rule)


@settings(max_examples=200, deadline=None)
@given(
    voice_items(),
    PERIOD,
    PERIOD,
    st.none() | st.lists(st.sampled_from([s.value for s in FeedbackSource]), min_size=1, unique=True),
)
def test_the_voice_summary_matches_a_plain_count(
    items: list[ev.Event], a: dt.date, b: dt.date, sources: list[str] | None
) -> None:
    """Every group (overall, source, channel, theme, team, team x theme): feedback,
    compliments, ratings counted and their mean, from a loop over the events."""
    start, end = min(a, b), max(a, b)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation(), *items])
        summary = qa.voice_summary(start, end, sources=sources)
    got = voice_as_dict(summary)
    expected = oracle_voice(items, start, end, sources)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key]["feedback"] == value["feedback"], key
        assert got[key]["compliments"] == value["compliments"], key
        assert got[key]["rated"] == value["rated"], key
        assert got[key]["mean"] == (None if value["mean"] is None else pytest.approx(value["mean"])), key


def stored_voice(events: list[ev.Event], *, page: int = 7) -> tuple[Voice, MemoryDocs]:
    """The voice projection folded over ``events`` into documents (stored every ``page``
    events, as the runner does), and a fresh reader of those documents."""
    store = MemoryDocs()
    fold(Voice(store.session("voice")), events, page=page)
    return Voice(store.session("voice")), store


@settings(max_examples=150, deadline=None)
@given(voice_items(), st.randoms(use_true_random=False), st.integers(1, 30), PERIOD, PERIOD)
def test_the_voice_projection_is_the_same_whatever_order_items_arrive_in(
    items: list[ev.Event], rnd: Any, page: int, a: dt.date, b: dt.date
) -> None:
    """The day and month tallies are sums: any arrival order (late items included), folded in
    pages of any length, stores the same documents (byte for byte) and gives the same
    summary of any period."""
    start, end = min(a, b), max(a, b)
    first, stored_first = stored_voice(items)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    second, stored_second = stored_voice(shuffled, page=page)
    assert stored_first.owned("voice") == stored_second.owned("voice")
    sources = tuple(FeedbackSource)
    assert summary(first, start, end, sources, lambda _t: True) == summary(
        second, start, end, sources, lambda _t: True
    )


#: Periods made of whole months, of a month's first or last day, or across the new year.
MONTH_EDGES = st.sampled_from(
    [
        D(2026, 12, 1),
        D(2026, 12, 31),
        D(2027, 1, 1),
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 1),
        D(2027, 5, 31),
    ]
)


@settings(max_examples=200, deadline=None)
@given(voice_items(max_items=40), st.randoms(use_true_random=False))
def test_month_tallies_are_the_sums_of_their_days(items: list[ev.Event], rnd: Any) -> None:
    """Decision 0815: each (month, source) document is the sum of that month's (day, source)
    documents, in any order."""
    shuffled = list(items)
    rnd.shuffle(shuffled)
    voice, _store = stored_voice(shuffled)
    sums: dict[str, dict[tuple[str, str, str], int]] = {}
    for key, tallies in voice.days.items():
        day, _, source = key.partition("/")
        month = sums.setdefault(f"{day[:7]}/{source}", {})
        for found, packed in packed_tallies(tallies).items():
            month[found] = month.get(found, 0) + packed
    assert {key: packed_tallies(tallies) for key, tallies in voice.months.items()} == sums


def packed_tallies(tallies: Tallies) -> dict[tuple[str, str, str], int]:
    return {
        (kind, team, value): packed_of(text)
        for kind, part in (("b", tallies.channels), ("t", tallies.themes))
        for team, counts in part.items()
        for value, text in counts.items()
    }


@settings(max_examples=200, deadline=None)
@given(
    voice_items(),
    st.randoms(use_true_random=False),
    PERIOD | MONTH_EDGES,
    PERIOD | MONTH_EDGES,
    st.lists(st.sampled_from(list(FeedbackSource)), min_size=1, unique=True),
    st.sets(st.sampled_from(["T-EAST-1", "T-WEST-1", None])),
)
def test_day_tallies_sum_to_the_plain_fold_over_the_items_of_the_period(
    items: list[ev.Event],
    rnd: Any,
    a: dt.date,
    b: dt.date,
    chosen: list[FeedbackSource],
    teams: set[str | None],
) -> None:
    """Decision 0815: a period (within a month, across months, across the new year) summed
    from the day tallies equals the item-by-item fold over the events received in it, from
    the chosen sources and visible teams, whatever order the events were folded in."""
    start, end = min(a, b), max(a, b)
    sources = tuple(s for s in FeedbackSource if s in chosen)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    voice, _store = stored_voice(shuffled)
    plain = [
        item
        for event in items
        if (item := item_of(event)) is not None
        and start <= item.received_on <= end
        and item.source in sources
        and item.team_id in teams
    ]
    assert summary(voice, start, end, sources, lambda team: team in teams) == summarise(
        plain, start, end, sources
    )
