"""R-INP-1 (issue 17, finding 12): business dates after today are refused at the edge.

The pure check (``future_dates.check_not_after``) is a property over every event type; the
façade's ``record*`` methods apply it with today's date unless ``allow_future=True``, on a real
SQLite file, and store nothing of a refused event.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.recording.future_dates import (
    DEADLINES,
    ENV,
    RULE,
    business_dates,
    check_not_after,
    latest_date,
)
from tests.strategies import any_event


@given(any_event, st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)))
def test_R_INP_1_an_event_is_refused_iff_a_business_date_is_after_the_day(
    event: ev.Event, latest: dt.date
) -> None:
    late = [(name, value) for name, value in business_dates(event) if value > latest]
    if not late:
        check_not_after(event, latest)
        return
    with pytest.raises(InvalidEvent) as caught:
        check_not_after(event, latest)
    assert caught.value.rule == RULE
    assert (caught.value.field, getattr(event, caught.value.field)) in late
    assert f"[rule {RULE}]" in str(caught.value)
    assert "allow_future=True" in str(caught.value)


@given(any_event)
def test_R_INP_1_due_dates_are_deadlines_not_business_dates(event: ev.Event) -> None:
    names = {name for name, _ in business_dates(event)}
    assert "due_on" not in names
    # a team without a date; an ASYE extension agreed on no recorded day has only its new end
    # date (extended_to: a deadline, decision 0991), which may be after today
    assert event.date_field in names or event.business_date == dt.date.min or event.date_field in DEADLINES


def test_R_INP_1_latest_date_is_the_clock_unless_the_variable_names_a_day() -> None:
    assert latest_date({}) == dt.date.today()
    assert latest_date({ENV: "2031-02-03"}) == dt.date(2031, 2, 3)
    for bad in ("tomorrow", "2031-W01-1", "20310203"):
        with pytest.raises(InvalidEvent) as caught:
            latest_date({ENV: bad})
        assert caught.value.field == ENV


@pytest.fixture
def real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's far-ahead "today" removed (conftest.py): the façade reads the real clock."""
    monkeypatch.delenv(ENV, raising=False)


LOOKED_AFTER = {"type": "ChildBecameLookedAfter", "child_ref": "C-0042"}


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days_ahead=st.integers(1, 3650), allowed=st.booleans())
def test_R_INP_1_record_refuses_a_date_after_today_and_stores_nothing(
    tmp_path: Path, real_clock: None, days_ahead: int, allowed: bool
) -> None:
    """On a real SQLite file: a looked-after start after today (2027-11-03 typed for
    2026-11-03) is refused naming ``on`` and the rule, and the store is unchanged; the same
    event is stored with ``allow_future=True``; today itself is accepted."""
    url = f"sqlite:///{tmp_path / f'future-{days_ahead}-{allowed}.db'}"
    today = dt.date.today()
    future = {**LOOKED_AFTER, "on": (today + dt.timedelta(days=days_ahead)).isoformat()}
    with kq.connect(url) as qa:
        before = (qa.position, qa.stats())
        if allowed:
            assert qa.record_json(future, allow_future=True) > before[0]
            return
        for attempt in (lambda: qa.record_json(future), lambda: qa.record_many([future])):
            with pytest.raises(InvalidEvent) as caught:
                attempt()
            assert (caught.value.event_type, caught.value.field, caught.value.rule) == (
                "ChildBecameLookedAfter",
                "on",
                RULE,
            )
        refused: list[InvalidEvent] = []
        assert qa.record_many([future], on_invalid=lambda i, e: refused.append(e)) == [None]
        assert [e.rule for e in refused] == [RULE]
        assert (qa.position, qa.stats()) == before
        assert qa.record_json({**LOOKED_AFTER, "on": today.isoformat()}) > before[0]


def test_R_INP_1_a_planned_date_is_refused_only_in_its_own_field(tmp_path: Path, real_clock: None) -> None:
    """A thematic audit due next year is fine (a deadline); agreed next year is not."""
    today = dt.date.today()
    next_year = (today + dt.timedelta(days=365)).isoformat()
    theme = {
        "type": "ThematicAuditAgreed",
        "theme_id": "TH-1",
        "title": "Neglect",
        "hypothesis": "drift",
        "agreed_on": today.isoformat(),
        "due_on": next_year,
    }
    with kq.connect(f"sqlite:///{tmp_path / 'kentqa.db'}") as qa:
        assert qa.record_json(theme) > 0
        with pytest.raises(InvalidEvent) as caught:
            qa.record_json({**theme, "theme_id": "TH-2", "agreed_on": next_year})
        assert (caught.value.field, caught.value.rule) == ("agreed_on", RULE)


def test_R_INP_1_the_caller_may_set_the_clock(real_clock: None) -> None:
    with kq.connect("memory://") as qa:
        qa.today = lambda: dt.date(2026, 11, 3)
        with pytest.raises(InvalidEvent):
            qa.record_json({**LOOKED_AFTER, "on": "2027-11-03"})
        assert qa.record_json({**LOOKED_AFTER, "on": "2026-11-03"}) > 0
