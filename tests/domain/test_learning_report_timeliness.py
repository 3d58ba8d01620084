"""The learning report's timeliness section (R-TML-1 in R-AUD-6): the share of reviews and
conferences held in time in the cycle, by kind, and a chart of the share per quarter."""

from __future__ import annotations

import datetime as dt

import kentqa_domain as kq
from tests.plan_history import NOW, council

CYCLE = "2026-T3"  # December 2026 to March 2027


def test_the_learning_report_shows_timeliness_by_kind_and_per_quarter() -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(council(2))
        report = qa.learning_report(CYCLE, as_of=NOW)
        starts_on, ends_on = qa.cycle_bounds(CYCLE)
        expected = [r for r in qa.review_timeliness(starts_on, ends_on, as_of=NOW) if r.by == "overall"]
        quarters = qa.timeliness_by_quarter(dt.date(2026, 4, 1), dt.date(2027, 3, 31), as_of=NOW)
    know = report.what_do_we_know
    assert list(know.timeliness) == expected and sum(r.held for r in expected) > 0
    assert [q.quarter_id for q in know.timeliness_by_quarter] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(know.timeliness_by_quarter) == list(quarters)
    assert any("held in time" in line for line in know.headlines)
    data = report.to_dict()["what_do_we_know"]
    assert data["timeliness"][0]["kind"] == "first_looked_after_review"
    assert "### Reviews and conferences held in time (R-TML-1)" in report.to_markdown()
    assert "| 2026-Q4 |" in report.to_markdown()
    page = report.to_html()
    assert 'aria-label="Share of reviews held in time, by quarter"' in page
    assert "Initial CP conference" in page
