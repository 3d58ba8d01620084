"""The IRO and CP Chair quarterly report and ``kentqa status timeliness`` (SPEC 9.2, R-TML-1),
written through the ``kentqa`` command on a real SQLite file: the JSON holds what the queries
give for the quarter, the Markdown its four parts, and the HTML page opens, draws and prints
in a real headless browser (chromium), like the learning report's."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import kentqa_domain as kq
from tests.cli_run import kentqa
from tests.integration.test_learning_report_browser import ARTIFACTS, _browser, _chromium
from tests.plan_history import NOW, council

QUARTER_ID = "2026-Q4"  # January to March 2027: the council's conferences and escalations
STARTS_ON, ENDS_ON = dt.date(2027, 1, 1), dt.date(2027, 3, 31)
PARTS = (
    "Headlines",
    "1 · Timeliness of reviews and conferences",
    "2 · Quality assurance of reviews",
    "3 · Escalations raised in the quarter",
    "4 · Drift open at the quarter's end",
)
CHARTS = ("Reviews held in time, by kind", "Share of reviews held in time, by quarter")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(the store's URL, a directory for the reports), the council recorded once."""
    tmp = tmp_path_factory.mktemp("chairs")
    url = f"sqlite:///{tmp / 'council.db'}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(council(6))
    yield url, tmp


def _write(store: tuple[str, Path], format_name: str, *extra: str) -> Path:
    url, tmp = store
    path = tmp / f"chairs-{QUARTER_ID}.{format_name}"
    written = kentqa(
        "report", "chairs", "--quarter", QUARTER_ID, "--format", format_name, "--as-of", NOW.isoformat(), "-o", str(path), *extra,
        db=url,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert f"Wrote the {QUARTER_ID} IRO and CP Chair report" in written.stderr
    return path


def test_the_json_report_holds_what_the_queries_give_for_the_quarter(store: tuple[str, Path]) -> None:
    """R-TML-1, R-LAC-5/R-CP-5, R-ESC-1..5: the JSON's sections are the queries' answers."""
    report = json.loads(_write(store, "json").read_text(encoding="utf-8"))
    assert report["report"] == "iro_and_cp_chair"
    assert (report["quarter_id"], report["starts_on"], report["ends_on"]) == (
        QUARTER_ID,
        "2027-01-01",
        "2027-03-31",
    )
    with kq.connect(store[0], policy=kq.Policy()) as qa:
        timeliness = qa.review_timeliness(STARTS_ON, ENDS_ON, as_of=NOW)
        assert report["timeliness"] == timeliness.to_dicts()
        assert (
            report["qa_by_chair"]
            == qa.review_qa_summary(as_of=ENDS_ON, since=STARTS_ON, by="chair").to_dicts()
        )
        assert (
            report["qa_by_team"] == qa.review_qa_summary(as_of=ENDS_ON, since=STARTS_ON, by="team").to_dicts()
        )
        raised = [e for e in qa.escalations(as_of=NOW) if STARTS_ON <= e.raised_on <= ENDS_ON]
        drift = qa.drift_register(as_of=ENDS_ON)
    conferences = next(
        r for r in report["timeliness"] if r["by"] == "overall" and r["kind"] == "initial_cp_conference"
    )
    assert conferences["held"] == 2
    assert [q["quarter_id"] for q in report["timeliness_trend"]] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert report["escalations"]["raised"] == len(raised) == 2
    assert [e["escalation_id"] for e in report["escalations"]["rows"]] == ["E-LIVE-1", "E-LIVE-2"]
    assert report["drift"]["on"] == "2027-03-31"
    assert report["drift"]["overdue"] == len(drift) > 0
    assert sum(t["count"] for t in report["drift"]["by_kind"]) == len(drift)
    assert "child_ref" not in json.dumps(report["drift"])  # counts only: the report names no child


def test_the_markdown_report_has_its_four_parts(store: tuple[str, Path]) -> None:
    text = _write(store, "markdown").read_text(encoding="utf-8")
    assert text.startswith(f"# IRO and CP Chair report: {QUARTER_ID}")
    for heading in (
        "## 1. Timeliness of reviews and conferences (R-TML-1)",
        "## 2. Quality assurance of reviews (R-LAC-5, R-CP-5)",
        "## 3. Escalations raised in the quarter (R-ESC-1..5)",
        "## 4. Drift open at the quarter's end",
    ):
        assert heading in text
    assert "| Initial CP conference | 2 |" in text
    assert "| E-LIVE-1 |" in text


def test_a_scoped_report_shows_only_what_the_principal_may_see() -> None:
    """R-ACC-1: a practitioner of another team sees none of the council's reviews."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(council(2))
        everyone = qa.chairs_report(QUARTER_ID, as_of=NOW)
        outsider = qa.chairs_report(QUARTER_ID, as_of=NOW, as_worker="SW-1")
    held = lambda r: sum(t.held for t in r.timeliness if t.by == "overall")  # noqa: E731
    assert held(everyone) == 2 and held(outsider) < held(everyone)
    assert outsider.scope.startswith("as seen by SW-1")
    assert everyone.position is not None


def test_bad_quarters_and_formats_are_refused(store: tuple[str, Path]) -> None:
    url, _ = store
    bad = kentqa("report", "chairs", "--quarter", "2026-Q5", db=url)
    assert bad.returncode == 2 and "not a quarter id like 2026-Q3" in bad.stderr
    unknown = kentqa("report", "chairs", "--quarter", QUARTER_ID, "--format", "docx", db=url)
    assert unknown.returncode == 2 and "no report format 'docx'" in unknown.stderr
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        for quarter in ("2026-Q5", "Q3-2026", 2026, None):
            with pytest.raises(kq.InvalidInput) as raised:
                qa.chairs_report(quarter)  # type: ignore[arg-type]
            assert raised.value.field == "quarter"
        with pytest.raises(kq.InvalidInput):
            qa.chairs_report(QUARTER_ID, as_of="31/03/2027")


def test_status_timeliness_prints_the_rows_overall_and_by_chair(store: tuple[str, Path]) -> None:
    """``kentqa status timeliness --from --to [--by team|chair] [--json]`` (R-TML-1)."""
    url, _ = store
    args = ("status", "timeliness", "--from", "2027-01-01", "--to", "2027-03-31", "--as-of", NOW.isoformat())
    plain = kentqa(*args, "--json", db=url)
    assert plain.returncode == 0, plain.stderr
    rows = json.loads(plain.stdout)
    assert {r["by"] for r in rows} == {"overall"} and len(rows) == 6
    by_chair = json.loads(kentqa(*args, "--by", "chair", "--json", db=url).stdout)
    with kq.connect(url, policy=kq.Policy()) as qa:
        expected = [
            r.to_dict()
            for r in qa.review_timeliness("2027-01-01", "2027-03-31", as_of=NOW)
            if r.by in ("overall", "chair")
        ]
    assert by_chair == expected
    assert any(r["by"] == "chair" and r["key"] == "CPC-1" for r in by_chair)
    table = kentqa(*args, "--by", "team", db=url)
    assert table.returncode == 0, table.stderr
    assert "Timeliness overall" in table.stdout and "Timeliness by team" in table.stdout
    assert "initial_cp_conference" in table.stdout
    backwards = kentqa("status", "timeliness", "--from", "2027-03-31", "--to", "2027-01-01", db=url)
    assert backwards.returncode != 0 and "end" in backwards.stderr


# --- the HTML page in a real browser -------------------------------------------------------


@pytest.fixture(scope="module")
def page(store: tuple[str, Path]) -> tuple[str, Path, Path]:
    browser = _browser()
    return browser, _write(store, "html"), store[1] / "profile"


def test_the_browser_parses_the_page_with_its_parts_and_charts(page: tuple[str, Path, Path]) -> None:
    browser, html, profile = page
    dom = _chromium(browser, profile, "--dump-dom", html.as_uri()).stdout
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2>(.*?)</h2>", dom, re.S)]
    assert headings == list(PARTS)
    assert re.findall(r'<svg[^>]*aria-label="([^"]+)"', dom) == list(CHARTS)
    assert re.search(r"<text[^>]*>Initial CP conference</text>", dom), "the chart names the kind"
    sections = dict(re.findall(r'<section class="part" id="([a-z-]+)">(.*?)</section>', dom, re.S))
    assert "CPC-1" in sections["timeliness"] and "E-LIVE-2" in sections["escalations"]
    assert "<script" not in dom


def test_the_browser_draws_and_prints_the_page(page: tuple[str, Path, Path]) -> None:
    """A screenshot (test-artifacts/chairs-report.png) with the blue masthead; an A4 PDF."""
    from PIL import Image

    browser, html, profile = page
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "chairs-report.png"
    shot.unlink(missing_ok=True)
    _chromium(
        browser,
        profile,
        f"--screenshot={shot}",
        "--window-size=1280,1600",
        "--hide-scrollbars",
        html.as_uri(),
    )
    with Image.open(shot) as image:
        assert image.size == (1280, 1600)
        assert image.convert("RGB").getpixel((640, 20)) == (0x1D, 0x4E, 0x89)
    pdf = ARTIFACTS / "chairs-report.pdf"
    pdf.unlink(missing_ok=True)
    _chromium(browser, profile, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 3
