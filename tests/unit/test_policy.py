"""The Policy value: every SPEC section 4 default in one place, overridable and validated."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from kentqa_domain.policy import Policy
from kentqa_domain.values import Role


def test_defaults_are_the_spec_numbers() -> None:
    p = Policy()
    assert p.asye_observation_months == (3, 6, 11)  # R-OBS-1
    assert p.observation_interval_months == 12  # R-OBS-2
    assert p.support_interval_months == 6  # R-OBS-3, revised by SPEC 9.3
    assert p.due_soon_days == 28  # R-OBS-5
    assert (p.lac_first_review_working_days, p.lac_second_review_months, p.lac_later_review_months) == (
        20,
        3,
        6,
    )
    assert (p.cp_initial_conference_working_days, p.cp_first_review_months, p.cp_later_review_months) == (
        15,
        3,
        6,
    )
    assert p.iro_qa_working_days == p.cp_chair_qa_working_days == 5  # R-LAC-5, R-CP-5
    assert (p.escalation_response_working_days, p.escalation_target_working_days) == (
        5,
        20,
    )  # R-ESC-2, R-ESC-3
    assert (p.complaint_stage_1_working_days, p.complaint_stage_1_extended_working_days) == (
        10,
        20,
    )  # R-CMP-1
    assert (p.complaint_stage_2_working_days, p.complaint_stage_2_extended_working_days) == (
        25,
        65,
    )  # R-CMP-2
    assert p.complaint_stage_3_working_days == 30  # R-CMP-3
    assert p.corporate_complaint_working_days == 20  # R-CMP-6
    assert p.year_start_month == 4  # R-AUD-1
    assert p.access[Role.PRACTITIONER] == "own" and p.access[Role.DIRECTOR] == "all"  # R-ACC-1


def test_statutory_numbers_say_so() -> None:
    statutory = {f.name for f in attrs.fields(Policy) if "statutory" in f.metadata}
    assert "lac_first_review_working_days" in statutory
    assert "complaint_stage_1_working_days" in statutory
    assert "due_soon_days" not in statutory
    for f in attrs.fields(Policy):
        assert f.metadata.get("statutory") or f.metadata.get("policy"), f.name


def test_overrides_are_validated_and_named() -> None:
    p = Policy().with_overrides({"due_soon_days": 14, "local_closure_days": ["2026-12-29"]})
    assert p.due_soon_days == 14
    assert p.calendar.add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 30)
    with pytest.raises(ValueError, match="unknown policy field"):
        Policy().with_overrides({"due_son_days": 14})
    with pytest.raises(ValueError, match="due_soon_days"):
        Policy().with_overrides({"due_soon_days": -1})
    with pytest.raises(ValueError, match="access"):
        Policy().with_overrides({"access": {"practitioner": "everything"}})


@pytest.mark.parametrize("text", ["2026-W53-2", "20261229", "2026-12-29T00:00"])
def test_closure_days_must_be_calendar_dates(text: str) -> None:
    """Issue 17: date.fromisoformat reads ISO week and compact dates; a policy does not."""
    with pytest.raises(ValueError, match=r"local_closure_days .* not a date YYYY-MM-DD"):
        Policy().with_overrides({"local_closure_days": [text]})
