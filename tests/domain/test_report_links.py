"""R-AUD-6 reports: the Markdown report never carries a live ``javascript:`` link (issue 17,
low finding). Text typed into events (audit strengths, action descriptions, team names) is
printed through ``md_text``; the rendered Markdown is read by a real CommonMark renderer
(markdown-it-py) with its own link check switched off, as a permissive viewer would be, and
no ``href`` or ``src`` may name an unsafe scheme."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kentqa_domain.reports.templating import environment
from tests import audit_strategies as gen

UNSAFE = ("javascript", "vbscript", "data", "file")


def permissive() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # a viewer that follows any link
    return md


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v or "" for k, v in attrs if k in ("href", "src")]


def links(markdown: str) -> list[str]:
    parser = _Links()
    parser.feed(permissive().render(markdown))
    return parser.urls


def unsafe(url: str) -> bool:
    """As a browser reads a URL's scheme: entities decoded, tabs, newlines and controls dropped."""
    flat = re.sub(r"[\s\x00-\x1f\x7f]+", "", html.unescape(url)).lower()
    return flat.startswith(tuple(f"{s}:" for s in UNSAFE))


@st.composite
def hostile_links(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(UNSAFE))
    spelled = "".join(c.upper() if draw(st.booleans()) else c for c in scheme)
    if draw(st.booleans()):  # a tab or newline inside, raw or as an entity
        at = draw(st.integers(1, len(spelled) - 1))
        spelled = spelled[:at] + draw(st.sampled_from(["\t", "&#9;", "&#x0A;", "&Tab;"])) + spelled[at:]
    colon = draw(st.sampled_from([":", "&#58;", "&colon;", "\\:"]))
    target = f"{spelled}{colon}alert(document.cookie)"
    label = draw(st.text(st.characters(categories=("L", "N", "Zs")), min_size=1, max_size=12)).strip() or "x"
    form = draw(st.sampled_from(["[{l}]({t})", "![{l}]({t})", '[{l}]({t} "title")', "[{l}]\n\n[{l}]: {t}"]))
    before = draw(st.text(st.characters(categories=("L", "Zs")), max_size=10))
    return before + form.format(l=label, t=target)


@given(hostile_links())
def test_no_value_printed_in_markdown_becomes_an_unsafe_link(text: str) -> None:
    rendered = environment(False).from_string("{{ value }}\n").render(value=text)
    assert not [u for u in links(rendered) if unsafe(u)], rendered


def test_safe_links_stay_links_and_text_reads_the_same() -> None:
    rendered = (
        environment(False).from_string("{{ value }}\n").render(value="see [policy](https://kent.example/p)")
    )
    assert links(rendered) == ["https://kent.example/p"]
    shown = permissive().render(
        environment(False).from_string("{{ v }}\n").render(v="[click](javascript:alert(1))")
    )
    assert "[click](javascript:alert(1))" in html.unescape(shown)  # shown as typed, never a link


def test_the_learning_report_in_markdown_carries_no_javascript_link() -> None:
    hostile = "[open the case](javascript:alert(document.cookie))"
    with gen.connect() as qa:
        qa.record_many([
            {"type": "TeamRegistered", "team_id": "T1", "name": hostile, "service": "Early Help", "area": "East"},
            {"type": "AuditCompleted", "audit_id": "A1", "kind": "practitioner", "auditor_id": "X", "team_id": "T1",
             "completed_on": "2026-08-03", "case_ref": "C1", "overall": "good", "strengths": [hostile],
             "actions": [{"action_id": "X1", "description": hostile, "owner_id": "X", "due_on": "2026-09-01"}]},
        ])  # fmt: skip
        markdown = qa.learning_report("2026-T2", as_of=dt.date(2026, 11, 26)).to_markdown()
    assert markdown.count("open the case") >= 2  # the text is there ...
    assert not [u for u in links(markdown) if unsafe(u)]  # ... and never a link
