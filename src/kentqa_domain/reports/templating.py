"""The Jinja2 environment the Markdown and HTML renderers share: templates and filters."""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import cache

import jinja2

from ..areas.plans.timeliness import LABELS as REVIEW_LABELS
from .formatting import KIND_LABELS, QUESTIONS, number, percent, words


def long_date(value: str | dt.date | None) -> str:
    """``2026-11-26`` -> ``26 November 2026`` (empty for None)."""
    if value is None:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


#: Link schemes that run code or read local files where a Markdown viewer follows them.
_UNSAFE_SCHEME = re.compile(r"(?:javascript|vbscript|data|file|livescript|mocha):", re.IGNORECASE)
#: What browsers and Markdown readers drop or decode inside a scheme (``java&#9;script:``,
#: ``javascript\:``): removed before looking for one.
_SCHEME_NOISE = re.compile(r"[\s\x00-\x1f\x7f]+|\\(?=[!-/:-@\[-`{-~])")


def has_unsafe_link_scheme(text: str) -> bool:
    """Whether ``text`` names a ``javascript:``-like scheme once entities, backslash escapes,
    whitespace and control characters (which viewers ignore in a scheme) are taken out."""
    return bool(_UNSAFE_SCHEME.search(_SCHEME_NOISE.sub("", html.unescape(text))))


def md_text(value: object) -> object:
    """Every value a Markdown template prints: angle brackets as entities, so text typed into
    an audit cannot become live HTML where the Markdown is shown (Markdown allows raw HTML);
    and, in text naming an unsafe link scheme (``[x](javascript:...)``), brackets and
    parentheses escaped, so that no link or image can form (issue 17: the report passed
    ``javascript:`` links). The text still reads the same."""
    if isinstance(value, str):
        unsafe = has_unsafe_link_scheme(value)
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if unsafe:
            value = re.sub(r"([\[\]()])", r"\\\1", value)
        return value
    return value


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    """One environment per escaping mode; templates come from this package."""
    # Markdown is escaped by md_text (finalize), HTML by autoescape.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kentqa_domain.reports", "templates"),
        autoescape=autoescape,  # noqa: S701
        finalize=None if autoescape else md_text,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(number=number, percent=percent, long_date=long_date, words=words, md_cell=md_cell)
    env.globals.update(kind_labels=KIND_LABELS, questions=QUESTIONS, review_labels=REVIEW_LABELS)
    return env
