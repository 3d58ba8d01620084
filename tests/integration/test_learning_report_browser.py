"""The Learning and Improvement report opened in a real headless browser (R-AUD-6).

A busy council is recorded and the report written through the ``kentqa`` command, as a new
user would; Debian's chromium then parses it (``--dump-dom``), draws it (``--screenshot``,
kept in test-artifacts/) and prints it to PDF (``--print-to-pdf``). Where no browser can be
installed the tests skip saying so, except under CI=true, where they fail (.ci/run installs
chromium).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.audit_scenario import busy_council
from tests.cli_run import kentqa

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
QUESTIONS = (
    "What do we know about the quality and impact of practice?",
    "How do we know it?",
    "What are our plans?",
)
CHARTS = (
    "Grade distribution by area",
    "Share of graded audits good or better, by cycle",
    "Themes raised in the cycle, by source",
    "Audits completed in the cycle, by kind",
    "Audit actions: overdue, open and completed",
)


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found:
        return found
    reason = "no headless browser: install Debian's chromium (apt-get install -y chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must have one (.ci/run installs it)")
    pytest.skip(reason)


def _chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    result = subprocess.run(
        [browser, *flags, *args], capture_output=True, text=True, check=False, timeout=180
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """(browser, the report's HTML file, a browser profile directory)."""
    browser = _browser()
    tmp = tmp_path_factory.mktemp("browser")
    lines = tmp / "council.jsonl"
    lines.write_text("\n".join(json.dumps(e) for e in busy_council()) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp / 'council.db'}"
    recorded = kentqa("record", str(lines), db=db, env={"KENTQA_BLOCK_PLUGINS": ""})
    assert recorded.returncode == 0, recorded.stderr
    page = tmp / "learning-2026-T2.html"
    written = kentqa(
        "report", "learning", "--cycle", "2026-T2", "--format", "html", "--as-of", "2026-11-26", "-o", str(page),
        db=db, env={"KENTQA_BLOCK_PLUGINS": ""},
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    yield browser, page, tmp / "profile"


def test_the_browser_parses_the_page_with_the_three_questions_and_charts_r_aud_6(
    report_page: tuple[str, Path, Path],
) -> None:
    """R-AUD-6: in the DOM chromium builds, the three questions are headings with content
    under them, the five charts are inline SVG with their titles and real text, and the
    council's name (from the Kent policy plugin) heads the page."""
    browser, page, profile = report_page
    dom = _chromium(browser, profile, "--dump-dom", page.as_uri()).stdout
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2>(.*?)</h2>", dom, re.S)]
    assert headings == [f"{n}{q}" for n, q in enumerate(QUESTIONS, start=1)]
    assert re.findall(r'<svg[^>]*aria-label="([^"]+)"', dom) == list(CHARTS)
    for area in ("East", "West", "North"):
        assert re.search(rf"<text[^>]*>{area}</text>", dom), f"the grades chart names {area}"
    assert "Kent County Council" in dom
    sections = dict(re.findall(r'<section class="question" id="([a-z-]+)">(.*?)</section>', dom, re.S))
    assert set(sections) == {"what-do-we-know", "how-do-we-know-it", "what-are-our-plans"}
    assert "good or better" in sections["what-do-we-know"]
    assert "Complaints received" in sections["how-do-we-know-it"]
    assert (
        "Triad audits recommended" in sections["what-are-our-plans"]
        and "QA-1" in sections["what-are-our-plans"]
    )


def test_the_browser_draws_the_page_and_a_screenshot_is_kept_r_aud_6(
    report_page: tuple[str, Path, Path],
) -> None:
    """R-AUD-6: chromium draws it: a 1280x2000 screenshot (test-artifacts/learning-report.png)
    with the blue masthead at the top and the grade colours of the charts below."""
    browser, page, profile = report_page
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "learning-report.png"
    shot.unlink(missing_ok=True)
    _chromium(
        browser,
        profile,
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        page.as_uri(),
    )
    shutil.copyfile(page, ARTIFACTS / "learning-report.html")
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        rgb = image.convert("RGB")
        assert rgb.getpixel((640, 20)) == (0x1D, 0x4E, 0x89)  # the masthead's accent blue
        colours = {rgb.getpixel((x, y)) for x in range(0, 1280, 4) for y in range(400, 1400, 4)}
    for grade_colour in ((0x1A, 0x7F, 0x4B), (0x7C, 0xC4, 0x7F), (0xF2, 0xA5, 0x41), (0xD1, 0x49, 0x5B)):
        assert grade_colour in colours, f"chart colour {grade_colour} drawn"


def test_the_page_prints_r_aud_6(report_page: tuple[str, Path, Path]) -> None:
    """R-AUD-6 "printable": chromium prints it to an A4 PDF, each question starting a page."""
    browser, page, profile = report_page
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "learning-report.pdf"
    pdf.unlink(missing_ok=True)
    _chromium(browser, profile, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b", data)
    assert len(pages) >= 3
    boxes = {
        tuple(round(float(v)) for v in m)
        for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    }
    assert boxes == {(595, 842)}  # A4 in points
