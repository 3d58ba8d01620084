"""R-AUD-6: the Learning and Improvement report answers the three questions, in JSON,
Markdown and HTML, from everything recorded, and fills other areas' sections from whatever
queries the application has."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

import attrs
import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.plugins import make_plugin_manager, open_storage
from kentqa_domain.reports.learning import LearningReport
from tests import audit_strategies as gen
from tests.audit_scenario import busy_council, worked_example

D = dt.date
AS_OF = D(2026, 11, 26)
QUESTIONS = ("what_do_we_know", "how_do_we_know_it", "what_are_our_plans")


def _worked_report(**kwargs: Any) -> LearningReport:
    with gen.connect() as qa:
        qa.record_many(worked_example())
        qa.record_many(
            [
                {
                    "type": "ComplaintReceived",
                    "complaint_id": "K1",
                    "received_on": "2026-09-02",
                    "complainant": "parent_carer",
                    "service": "Children's Social Work",
                    "themes": ["chronology"],
                },
                {
                    "type": "ComplaintReceived",
                    "complaint_id": "K0",
                    "received_on": "2026-06-02",
                    "complainant": "parent_carer",
                    "service": "Children's Social Work",
                },
                {
                    "type": "FeedbackReceived",
                    "feedback_id": "F1",
                    "received_on": "2026-10-02",
                    "source": "young_person",
                    "channel": "momo",
                    "themes": ["voice_of_child"],
                },
            ]
        )
        return qa.learning_report("2026-T2", as_of=AS_OF, **kwargs)


def test_json_answers_the_three_questions_r_aud_6() -> None:
    """R-AUD-6: the JSON object has the three questions' keys, and each answers from the
    worked example (figures as in tests/domain/test_audit_cycle.py)."""
    data = json.loads(_worked_report().to_json())
    assert set(QUESTIONS) <= set(data)
    assert (data["cycle_id"], data["starts_on"], data["ends_on"], data["as_of"]) == (
        "2026-T2",
        "2026-08-01",
        "2026-11-30",
        "2026-11-26",
    )
    know, how, plans = (data[k] for k in QUESTIONS)
    # What do we know: grades, shares by area, strengths, learning, themes from every source.
    assert (know["audits"], know["graded"], know["good_or_better_share"]) == (10, 8, 0.375)
    assert [(a["key"], a["good_or_better_share"]) for a in know["by_area"]] == [("East", 0.25), ("West", 0.5)]
    assert "38% of graded audits were good or better." in know["headlines"]
    assert "Strongest area: West (50% good or better); most to improve: East (25%)." in know["headlines"]
    assert [f["text"] for f in know["strengths"]] == [
        "The child's voice is clear throughout",
        "Creative direct work with siblings",
    ]
    assert [f["text"] for f in know["learning"]] == ["Chronology not kept up to date"]
    assert [(t["theme"], t["total"], t["by_source"]) for t in know["themes"]] == [
        ("chronology", 3, {"audits": 2, "complaints": 1}),
        ("voice_of_child", 2, {"audits": 1, "feedback": 1}),
    ]
    # How do we know it: audits by kind, and every other source counted in the cycle and in all.
    assert how["audits_by_kind"]["peer"] == 4 and how["audits_by_kind"]["triad"] == 1
    sources = {s["event_type"]: (s["in_cycle"], s["recorded"]) for s in how["sources"]}
    assert sources["ComplaintReceived"] == (1, 2)  # K0 is dated June, before the cycle
    assert sources["FeedbackReceived"] == (1, 1) and sources["ObservationRecorded"] == (0, 0)
    assert sources["ThematicAuditAgreed"] == (1, 1)
    assert how["events_recorded"] == len(worked_example()) + 3
    # What are our plans: actions, triads, thematic audits, next steps.
    assert plans["actions"] == {"open": 1, "overdue": 1, "completed": 0, "raised_in_cycle": 2}
    assert [a["audit_id"] for a in plans["overdue_actions"]] == ["P2"]
    assert [(t["auditor_a"], t["auditor_b"], t["qa_member"]) for t in plans["triad_recommendations"]] == [
        ("PM-X", "TM-A", "QA1"),
        ("PM-Y", "TM-B", "QA2"),
    ]
    assert [(t["theme_id"], t["status"]) for t in plans["thematic_audits"]] == [("neglect", "overdue")]
    assert plans["phase"] == 4 and any("Hold 2 triad audits" in s for s in plans["next_steps"])


def test_markdown_has_the_three_questions_and_the_tables_r_aud_6() -> None:
    text = _worked_report().to_markdown()
    for heading in (
        "## 1. What do we know about the quality and impact of practice?",
        "## 2. How do we know it?",
        "## 3. What are our plans?",
    ):
        assert heading in text
    assert "| East | 6 | 4 | 0 | 1 | 2 | 1 | 25% |" in text  # area, audits, graded, O, G, RI, I, share
    assert "| 1 | PM-X and TM-A | 1.00 | 2 | QA1 | C1, C2 |" in text
    assert "| Bring the chronology up to date | W1 | T-EAST | 2026-09-30 | 41 |" in text


def test_html_is_one_self_contained_page_with_charts_r_aud_6() -> None:
    """R-AUD-6: no network (nothing fetched: no scripts, no external src/href, a CSP forbidding
    it), charts inline as SVG with titles, the three questions as headings, print styles."""
    page = _worked_report().to_html()
    assert page.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.I)
    assert "<script" not in page.lower() and "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(?!#)", page)  # only references within the page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # unique ids although there are several charts
    for ref in set(re.findall(r'(?:url\(#|href="#)([^")]+)', page)):
        assert ref in ids
    assert "default-src 'none'" in page and "@media print" in page
    titles = re.findall(r'<svg[^>]* aria-label="([^"]+)"', page)
    assert titles == [
        "Grade distribution by area",
        "Share of graded audits good or better, by cycle",
        "Themes raised in the cycle, by source",
        "Audits completed in the cycle, by kind",
        "Audit actions: overdue, open and completed",
    ]
    for question in (
        "What do we know about the quality and impact of practice?",
        "How do we know it?",
        "What are our plans?",
    ):
        assert re.search(rf"<h2>.*{re.escape(question)}</h2>", page)


def test_rendering_is_deterministic_r_aud_6() -> None:
    """The same events give byte-identical documents (no clock, fixed SVG ids)."""
    first, second = _worked_report(), _worked_report()
    assert first == second
    assert first.to_html() == second.to_html() and first.to_markdown() == second.to_markdown()


def test_a_report_scoped_to_a_team_manager_shows_only_their_team_r_aud_6_r_acc_1() -> None:
    """R-ACC-1: scoped to West's manager, audit figures are West's; organisation-wide evidence
    (event counts, other sources' themes, triads, thematic audits) is left out, and says so."""
    with gen.connect() as qa:
        qa.record_many(worked_example())
        qa.record_json(
            {
                "type": "WorkerRegistered",
                "worker_id": "TMW",
                "team_id": "T-WEST",
                "role": "team_manager",
                "experience": "experienced",
                "registered_on": "2025-01-06",
            }
        )
        data = json.loads(qa.learning_report("2026-T2", as_of=AS_OF, as_worker="TMW").to_json())
    assert data["scope"] == "as seen by TMW (team)"
    assert data["what_do_we_know"]["audits"] == 4 and data["what_do_we_know"]["good_or_better_share"] == 0.5
    assert data["how_do_we_know_it"]["sources"] == [] and "Scoped" in data["how_do_we_know_it"]["note"]
    assert (
        data["what_are_our_plans"]["triad_recommendations"] == []
        and data["what_are_our_plans"]["thematic_audits"] == []
    )
    assert [a["audit_id"] for a in data["what_are_our_plans"]["open_actions"]] == ["P4"]


@attrs.frozen
class ComplianceRow:
    worker_id: str
    team_id: str
    status: str
    requirement: str
    reflection_missed: bool


class WithOtherAreas(QualityAssurance):
    """An application as other areas' issues may shape it: a query with rows of its own
    (observations), a summary returning a mapping (voice), one needing an argument a report
    cannot give (escalations), and one absent (drift). Complaints are the real register."""

    drift_register = None

    def observation_compliance(self, *, as_of: dt.date, as_worker: str | None = None) -> list[ComplianceRow]:
        return [
            ComplianceRow("W1", "T-EAST", "overdue", "annual", True),
            ComplianceRow("W2", "T-WEST", "compliant", "asye", False),
            ComplianceRow("W3", "T-WEST", "overdue", "annual", False),
        ]

    def voice_summary(self, start: dt.date, end: dt.date) -> dict[str, Any]:
        return {"window": [start, end], "overall": {"feedback": 4, "mean_rating": 4.5}}

    def escalations(self, *, as_of: dt.date, cohort: str) -> list[Any]:
        raise AssertionError("not called: a report has no cohort")


def test_other_areas_fill_their_sections_from_whatever_queries_exist_r_aud_6() -> None:
    """R-AUD-6 "draws on everything recorded": an area query present on the application is
    asked at render time with the arguments its signature names and summarised (rows, counts
    by status-like fields, flags; a mapping's headline numbers); an absent one is listed as
    not available; one needing an argument a report lacks is listed with the reason."""
    pm = make_plugin_manager()
    with WithOtherAreas(open_storage(pm, "memory://"), kq.Policy()) as qa:
        qa.record_many(worked_example())
        report = qa.learning_report("2026-T2", as_of=AS_OF)
    data = report.to_dict()
    shown = {a["key"]: a for a in data["what_do_we_know"]["other_areas"]}
    assert set(shown) == {"observations", "complaints", "voice"}
    assert shown["observations"]["rows"] == 3
    assert shown["observations"]["counts"] == {
        "status": {"overdue": 2, "compliant": 1},
        "requirement": {"annual": 2, "asye": 1},
    }
    assert shown["observations"]["flags"] == {"reflection_missed": 1}
    assert shown["complaints"]["rows"] == 0
    assert shown["voice"]["detail"] == {
        "window": ["2026-08-01", "2026-11-26"],
        "overall": {"feedback": 4, "mean_rating": 4.5},
    }
    assert shown["voice"]["figures"] == {"feedback": 4, "mean_rating": 4.5}
    notes = {q["query"]: q["note"] for q in data["how_do_we_know_it"]["queries"] if not q["shown"]}
    assert notes == {
        "drift_register": "not available in this installation",
        "escalations": "needs 'cohort', which a report does not have",
    }
    headlines = data["what_do_we_know"]["headlines"]
    assert (
        "Observation of practice: 3 on the register (2 overdue, 1 compliant; 1 reflection missed)."
        in headlines
    )
    assert "The voice of children, families and partners: feedback 4, mean rating 4.5." in headlines
    assert (
        "Observation of practice" in report.to_html()
        and "### Observation of practice" in report.to_markdown()
    )


def test_the_real_complaints_and_voice_queries_fill_their_sections_r_aud_6() -> None:
    """With the complaints register and voice summary of issue 6, the report's sections
    agree with those queries asked directly for the cycle."""
    start, end = D(2026, 8, 1), AS_OF
    with gen.connect() as qa:
        qa.record_many(busy_council())
        report = qa.learning_report("2026-T2", as_of=AS_OF)
        register = qa.complaints_register(as_of=AS_OF)
        voice = qa.voice_summary(start, end, as_of=AS_OF)
    shown = {a.key: a for a in report.what_do_we_know.other_areas}
    complaints = shown["complaints"]
    assert complaints.rows == len(register) == 9
    assert complaints.counts["state"] == dict(Counter(str(r.state) for r in register))
    assert complaints.flags["breached"] == sum(1 for r in register if r.breached)
    assert shown["voice"].figures["feedback"] == voice.overall.feedback == 9
    assert shown["voice"].figures["compliments"] == voice.overall.compliments == 5
    sources = {s.event_type: s.in_cycle for s in report.how_do_we_know_it.sources}
    assert sources["ComplaintReceived"] == 9 and sources["ComplimentReceived"] == 5


def test_a_busy_council_report_renders_in_every_format_r_aud_6() -> None:
    """A realistic council (four cycles, actions, a thematic audit, complaints, compliments,
    feedback): every built-in format renders and agrees on the headline share."""
    with gen.connect() as qa:
        qa.record_many(busy_council())
        report = qa.learning_report("2026-T2", as_of=AS_OF)
    share = report.what_do_we_know.good_or_better_share
    assert share is not None and len(report.what_do_we_know.trend) == 4
    headline = f"{share * 100:.0f}% of graded audits were good or better"
    for fmt in ("json", "md", "html"):
        document = report.render(fmt)
        assert isinstance(document, str) and headline in document
    with pytest.raises(ValueError, match="no renderer for report format 'pdf'"):
        report.render("pdf")


def test_a_bad_cycle_id_is_refused_before_anything_is_built_r_aud_6() -> None:
    with gen.connect() as qa, pytest.raises(kq.errors.InvalidInput, match="R-AUD-1"):
        qa.learning_report("T2-2026", as_of=AS_OF)


def test_text_typed_into_events_is_text_in_every_format_r_aud_6() -> None:
    """Team names, themes and audit text are escaped: markup in them is shown, never run,
    and dollar signs are not read as chart maths."""
    hostile = "<script>alert('x')</script> & $x^2$"
    with gen.connect() as qa:
        qa.record_many(
            [
                {
                    "type": "TeamRegistered",
                    "team_id": "T1",
                    "name": hostile,
                    "service": "Early Help",
                    "area": "$East$ <marquee>",
                },
                {
                    "type": "AuditCompleted",
                    "audit_id": "A1",
                    "kind": "practitioner",
                    "auditor_id": "X",
                    "team_id": "T1",
                    "completed_on": "2026-08-03",
                    "case_ref": "C1",
                    "overall": "good",
                    "strengths": [hostile],
                },
            ]
        )
        report = qa.learning_report("2026-T2", as_of=AS_OF)
    page, markdown = report.to_html(), report.to_markdown()
    assert "<script" not in page and "<marquee" not in page
    assert (
        "&lt;script&gt;" in page and ">$East$ &lt;marquee&gt;</text>" in page
    )  # the chart's label, as typed
    assert "<script" not in markdown and "&lt;script&gt;alert('x')&lt;/script&gt; &amp; $x^2$" in markdown
    assert json.loads(report.to_json())["what_do_we_know"]["strengths"][0]["text"] == hostile
