"""``forget-child`` is bounded and confirmed (issue 17, low finding): it accepted year 1 and
9999 and asked nothing before destroying a child's key for good."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.recording.future_dates import ENV
from tests.cli_run import kentqa

REAL_CLOCK = {ENV: None}  # not the suite's "today" (conftest.py)
CHILD = {"type": "ChildBecameLookedAfter", "child_ref": "C-0042", "on": "2026-01-05"}


@settings(max_examples=30)
@given(st.dates(max_value=dt.date(1949, 12, 31)) | st.dates(min_value=dt.date(2101, 1, 1)))
def test_forget_child_refuses_a_date_no_decision_was_taken_on(day: dt.date) -> None:
    with kq.connect("memory://") as qa:
        qa.record_json(CHILD)
        with pytest.raises(InvalidEvent) as caught:
            qa.forget_child("C-0042", on=day)
        assert (caught.value.field, caught.value.rule) == ("on", "date-range")
        assert qa.drift_register(as_of=dt.date(2026, 6, 1))[0].child_ref == "C-0042"  # not forgotten


def test_the_command_refuses_year_1_9999_the_future_and_an_unconfirmed_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kentqa.db'}"
    with kq.connect(url) as qa:
        qa.record_json(CHILD)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for day in ("0001-01-01", "9999-12-31", tomorrow):
        done = kentqa("forget-child", "C-0042", "--on", day, "--yes", "--db", url, blocked="", env=REAL_CLOCK)
        assert done.returncode == 2, (day, done.stderr)
        assert "'--on'" in done.stderr
        assert "[rule R-INP-1]" in done.stderr
    unconfirmed = kentqa(
        "forget-child", "C-0042", "--on", "2026-06-01", "--db", url, blocked="", env=REAL_CLOCK
    )
    assert unconfirmed.returncode == 2
    assert "add --yes" in unconfirmed.stderr
    with kq.connect(url) as qa:  # nothing of the above forgot the child
        assert qa.drift_register(as_of=dt.date(2026, 6, 1))[0].child_ref == "C-0042"
    done = kentqa(
        "forget-child", "C-0042", "--on", "2026-06-01", "--yes", "--db", url, blocked="", env=REAL_CLOCK
    )
    assert done.returncode == 0, done.stderr
    with kq.connect(url) as qa:
        assert qa.drift_register(as_of=dt.date(2026, 6, 1))[0].child_ref.startswith("anon-")
