"""Ids and dates that look right and are not (issue 17, "Low"): ISO week dates, bidirectional
controls in ids, ids a spreadsheet would run as formulas (decision 0910). Each is refused
with InvalidEvent naming the event type, the field and the rule; the ids and dates around
them still pass."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.errors import InvalidEvent
from tests.strategies import ids

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
GOOD = {"type": "WorkerLeft", "worker_id": "W1", "left_on": "2026-01-31"}


def refusal(obj: dict[str, object]) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as caught:
        ev.parse(obj)
    return caught.value


@given(st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 28)))
def test_an_iso_week_date_is_refused_and_the_calendar_date_accepted(day: dt.date) -> None:
    year, week, weekday = day.isocalendar()
    for text in (f"{year}-W{week:02d}-{weekday}", f"{year}W{week:02d}{weekday}", day.strftime("%Y%m%d")):
        error = refusal({**GOOD, "left_on": text})
        assert (error.event_type, error.field, error.rule) == ("WorkerLeft", "left_on", "date")
        assert "YYYY-MM-DD" in error.message
    assert ev.parse({**GOOD, "left_on": day.isoformat()}).left_on == day  # type: ignore[attr-defined]


def test_full_width_digits_are_not_a_date() -> None:
    error = refusal({**GOOD, "left_on": "\uff12\uff10\uff12\uff16-\uff10\uff11-\uff13\uff11"})
    assert error.rule == "date"


@given(ids, st.sampled_from(BIDI), st.data())
def test_a_bidirectional_control_anywhere_in_an_id_is_refused(
    good: str, control: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(1, len(good)))
    error = refusal({**GOOD, "worker_id": good[:at] + control + good[at:]})
    assert (error.event_type, error.field, error.rule) == ("WorkerLeft", "worker_id", "identifier-bidi")


@given(st.sampled_from("=+-@"), ids)
def test_an_id_starting_like_a_formula_is_refused(first: str, rest: str) -> None:
    error = refusal({**GOOD, "worker_id": first + rest})
    assert (error.event_type, error.field, error.rule) == ("WorkerLeft", "worker_id", "identifier-formula")
    assert first in error.message


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("https://evil.example","click")', "+44 1234", "-1", "@SUM(A1:A9)"]
)
def test_formula_like_ids_are_refused_in_every_id_field(value: str) -> None:
    audit = {
        "type": "AuditCompleted",
        "audit_id": "A1",
        "kind": "peer",
        "auditor_id": "M1",
        "team_id": "T1",
        "completed_on": "2026-09-10",
        "case_ref": "CASE-1",
        "overall": "good",
    }
    for field in ("audit_id", "auditor_id", "team_id", "case_ref"):
        error = refusal({**audit, field: value})
        assert (error.field, error.rule) == (field, "identifier-formula")


@given(ids)
def test_ids_with_a_formula_character_inside_are_fine(good: str) -> None:
    for inner in "=+-@":
        assert ev.parse({**GOOD, "worker_id": good + inner + good}).worker_id == good + inner + good  # type: ignore[attr-defined]


@pytest.mark.parametrize("control", ["\r", "\t", "\x7f", "\x85", "\x9b"])
def test_carriage_returns_tabs_del_and_c1_controls_are_refused_in_ids(control: str) -> None:
    error = refusal({**GOOD, "worker_id": f"W{control}1"})
    assert (error.field, error.rule) == ("worker_id", "identifier")
