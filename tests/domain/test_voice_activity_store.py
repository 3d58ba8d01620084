"""The voice and activity projections in the store (decision 0900): the same answers as a plain
fold in any arrival order, row tables that plain SQL reads as the API does, a second
connection that reads the shared documents without folding history, and queries about a
period that read that period's documents only, however much older history there is."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from itertools import cycle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.audits.activity import THEMED_SOURCES, ActivityByDay
from kentqa_domain.values import FeedbackChannel, FeedbackSource
from tests.complaint_histories import SCENARIO as COMPLAINTS
from tests.complaint_histories import STAFF, complaint_histories, voice_items
from tests.conftest import organisation
from tests.domain.test_voice_summary import SCENARIO as VOICE
from tests.memory_docs import MemoryDocs, fold

D = dt.date
PERIOD = st.dates(D(2026, 8, 1), D(2027, 9, 30))
#: The voice scenario's quarter and the complaints of the same winter (their own voice left out:
#: its ids are the voice scenario's).
EVENTS = [*organisation(), *STAFF, *VOICE, *(e for e in COMPLAINTS if str(e["type"]).startswith("Complaint"))]
START, END = D(2027, 1, 1), D(2027, 3, 31)


def plain_activity(
    events: Sequence[ev.Event], start: dt.date, end: dt.date
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Events by type and (source, theme) raised, in [start, end] by business date: a loop."""
    types: Counter[str] = Counter()
    themes: Counter[tuple[str, str]] = Counter()
    for event in events:
        if not start <= event.business_date <= end:
            continue
        types[type(event).__name__] += 1
        source = THEMED_SOURCES.get(type(event))
        for theme in getattr(event, "themes", ()) if source else ():
            themes[(source, theme)] += 1
    return dict(sorted(types.items())), dict(sorted(themes.items()))


@settings(max_examples=150, deadline=None)
@given(
    voice_items(),
    complaint_histories(),
    st.randoms(use_true_random=False),
    st.integers(1, 30),
    PERIOD,
    PERIOD,
)
def test_activity_is_a_plain_count_by_business_date_in_any_arrival_order(
    voice: list[ev.Event], complaints: list[ev.Event], rnd: Any, page: int, a: dt.date, b: dt.date
) -> None:
    """Folded in recording order or shuffled (late events), in pages of any length, the day
    documents are the same byte for byte, and a period's counts are the loop's."""
    start, end = min(a, b), max(a, b)
    events = [*voice, *complaints]
    first, second = MemoryDocs(), MemoryDocs()
    fold(ActivityByDay(first.session("activity_by_day")), events)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    fold(ActivityByDay(second.session("activity_by_day")), shuffled, page=page)
    assert first.owned("activity_by_day") == second.owned("activity_by_day")
    reader = ActivityByDay(second.session("activity_by_day"))
    assert (reader.events_between(start, end), reader.themes_between(start, end)) == plain_activity(
        events, start, end
    )


def test_activity_and_themes_raised_by_the_api_on_every_back_end(qa: QualityAssurance) -> None:
    qa.record_many(EVENTS)
    parsed = [ev.parse(e) for e in EVENTS]
    for start, end in [(START, END), (D(2026, 12, 1), D(2026, 12, 31)), (D(2027, 1, 14), D(2027, 1, 20))]:
        assert (qa.activity(start, end), qa.themes_raised(start, end)) == plain_activity(parsed, start, end)


# --- the row tables, read with plain SQL ---------------------------------------------------------

#: docs/read-model.md's example queries (kept the same there).
VOICE_BY_TEAM = """
SELECT team_id, SUM(feedback), SUM(compliments), SUM(rated),
       SUM(rating_1 + 2 * rating_2 + 3 * rating_3 + 4 * rating_4 + 5 * rating_5) * 1.0 / NULLIF(SUM(rated), 0)
FROM kentqa_voice_days
WHERE day >= ? AND day <= ?
GROUP BY team_id
"""
VOICE_BY_TEAM_AND_THEME = """
SELECT team_id, theme, SUM(feedback), SUM(compliments), SUM(rated),
       SUM(rating_1 + 2 * rating_2 + 3 * rating_3 + 4 * rating_4 + 5 * rating_5) * 1.0 / NULLIF(SUM(rated), 0)
FROM kentqa_voice_day_themes
WHERE day >= ? AND day <= ? AND source IN ('child', 'young_person', 'parent_carer')
GROUP BY team_id, theme
"""
VOICE_BY_CHANNEL = """
SELECT channel, SUM(feedback) FROM kentqa_voice_days
WHERE day >= ? AND day <= ? AND channel IS NOT NULL
GROUP BY channel
"""
ACTIVITY = """
SELECT event_type, SUM(events) FROM kentqa_activity_days
WHERE day >= ? AND day <= ?
GROUP BY event_type
"""
THEMES = """
SELECT source, theme, SUM(raised) FROM kentqa_activity_themes
WHERE day >= ? AND day <= ?
GROUP BY source, theme
"""


def plain_sql(url: str, statement: str, start: dt.date, end: dt.date) -> list[tuple[Any, ...]]:
    """Rows of ``statement`` read with the back end's own driver, not the library."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(statement, (start.isoformat(), end.isoformat())).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(statement.replace("?", "%s"), (start, end)).fetchall()  # type: ignore[arg-type]


def _mean(value: Any) -> Any:
    return None if value is None else pytest.approx(float(value))


@pytest.fixture(params=["sqlite", "postgres"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kentqa.db'}"
    make: Any = request.getfixturevalue("make_postgres_db")
    return str(make())


def test_plain_sql_on_the_row_tables_gives_what_the_api_gives(shared_url: str) -> None:
    with kq.connect(shared_url, policy=kq.Policy()) as qa:
        qa.record_many(EVENTS)
        everyone = qa.voice_summary(START, END)
        families = qa.voice_summary(START, END, sources=["child", "young_person", "parent_carer"])
        activity, themes = qa.activity(START, END), qa.themes_raised(START, END)
    by_team = {
        r[0]: (int(r[1]), int(r[2]), int(r[3]), _mean(r[4]))
        for r in plain_sql(shared_url, VOICE_BY_TEAM, START, END)
    }
    assert by_team == {t.key: (t.feedback, t.compliments, t.rated, t.mean_rating) for t in everyone.by_team}
    pairs = {
        (r[0], r[1]): (int(r[2]), int(r[3]), int(r[4]), _mean(r[5]))
        for r in plain_sql(shared_url, VOICE_BY_TEAM_AND_THEME, START, END)
    }
    assert pairs == {
        (t.team_id, t.theme): (t.feedback, t.compliments, t.rated, t.mean_rating)
        for t in families.by_team_theme
    }
    channels = {r[0]: int(r[1]) for r in plain_sql(shared_url, VOICE_BY_CHANNEL, START, END)}
    assert channels == {t.key: t.feedback for t in everyone.by_channel if t.feedback}
    assert {r[0]: int(r[1]) for r in plain_sql(shared_url, ACTIVITY, START, END)} == activity
    assert {(r[0], r[1]): int(r[2]) for r in plain_sql(shared_url, THEMES, START, END)} == themes


# --- a second connection ---------------------------------------------------------------------------


def test_a_second_connection_answers_from_the_shared_documents_without_folding(sqlite_url: str) -> None:
    """Another connection to the same file finds the projections at the log's end: it folds
    nothing, has read no document when open, and reads only the period's documents to answer
    (three months of every source: 21 month documents; activity: the 90 days)."""
    with kq.connect(sqlite_url, policy=kq.Policy()) as writer:
        writer.record_many(EVENTS)
        expected = (
            writer.voice_summary(START, END),
            writer.activity(START, END),
            writer.themes_raised(START, END),
        )
        with kq.connect(sqlite_url, policy=kq.Policy()) as reader:
            voice, activity = reader.projections["voice"], reader.projections["activity_by_day"]
            assert reader.projections.positions() == writer.projections.positions()
            assert voice.session.cached == activity.session.cached == 0
            got = (
                reader.voice_summary(START, END),
                reader.activity(START, END),
                reader.themes_raised(START, END),
            )
            assert got == expected
            assert voice.session.loads == 3 * len(FeedbackSource)
            assert activity.session.loads == (END - START).days + 1
            # The writer records more: the reader drops what changed and sees it.
            late = {
                "type": "FeedbackReceived",
                "feedback_id": "F-LATE",
                "received_on": "2027-02-14",
                "source": "child",
                "channel": "momo",
                "team_id": "T-WEST-1",
                "rating": 5,
                "themes": ["support"],
            }
            writer.record(ev.parse(late))
            after = reader.voice_summary(START, END)
            assert after.overall.feedback == expected[0].overall.feedback + 1
            assert reader.activity(START, END)["FeedbackReceived"] == expected[1]["FeedbackReceived"] + 1
            assert after == writer.voice_summary(START, END)


# --- flatness ----------------------------------------------------------------------------------------


def voice_history(years: range) -> list[dict[str, Any]]:
    """Feedback and compliments every third day of ``years``, from every source, channel and team."""
    sources, channels = cycle(FeedbackSource), cycle(FeedbackChannel)
    teams, ratings = cycle(["T-EAST-1", "T-WEST-1", None]), cycle([1, 2, 3, 4, 5, None])
    themes = cycle([["communication"], ["support", "listened_to"], []])
    out: list[dict[str, Any]] = []
    for year in years:
        day = D(year, 1, 1)
        while day.year == year:
            n = day.toordinal()
            out.append(
                {
                    "type": "FeedbackReceived",
                    "feedback_id": f"F{n}",
                    "received_on": day.isoformat(),
                    "source": next(sources).value,
                    "channel": next(channels).value,
                    "team_id": next(teams),
                    "rating": next(ratings),
                    "themes": next(themes),
                }
            )
            if n % 2:
                out.append(
                    {
                        "type": "ComplimentReceived",
                        "compliment_id": f"C{n}",
                        "received_on": day.isoformat(),
                        "from_role": next(sources).value,
                        "team_id": next(teams),
                        "themes": next(themes),
                    }
                )
            day += dt.timedelta(days=3)
    return out


def loads_of_queries(url: str) -> tuple[tuple[int, int], Any]:
    """(voice documents, activity documents) a fresh connection loads for a year's voice
    summary, a year to date, and a cycle's activity and themes; and the answers."""
    with kq.connect(url, policy=kq.Policy()) as qa:
        answers = (
            qa.voice_summary(D(2027, 1, 1), D(2027, 12, 31)),
            qa.voice_summary(D(2027, 4, 1), D(2027, 12, 31), as_of=D(2027, 8, 20)),
            qa.activity(D(2027, 4, 1), D(2027, 7, 31)),
            qa.themes_raised(D(2027, 4, 1), D(2027, 7, 31)),
        )
        loads = (qa.projections["voice"].session.loads, qa.projections["activity_by_day"].session.loads)
    return loads, answers


def test_queries_about_a_period_read_the_same_documents_after_ten_more_years_of_history(
    tmp_path: Any,
) -> None:
    """One year of voice, then the same year after ten older years: the queries about that
    year load the same number of documents and give the same answers."""
    one, eleven = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'eleven.db'}"
    current = voice_history(range(2027, 2028))
    with kq.connect(one, policy=kq.Policy()) as qa:
        qa.record_many([*organisation(), *current])
    with kq.connect(eleven, policy=kq.Policy()) as qa:
        qa.record_many([*organisation(), *voice_history(range(2017, 2027)), *current])
        assert qa.stats()["FeedbackReceived"] > 10 * len(
            [e for e in current if e["type"] == "FeedbackReceived"]
        )
    loads, answers = loads_of_queries(one)
    assert loads_of_queries(eleven) == (loads, answers)
    # 12 months of every source, then Apr-Jul again (cached) and the days of Aug 1-20, every
    # source; activity: the 122 days of the cycle.
    assert loads == ((12 + 20) * len(FeedbackSource), 122)
