"""The Jinja2 environment the Markdown and HTML renderers share: templates and filters."""

from __future__ import annotations

import datetime as dt
from functools import cache

import jinja2

from .learning import KIND_LABELS, QUESTIONS, number, percent, words


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


def md_text(value: object) -> object:
    """Every value a Markdown template prints: angle brackets as entities, so text typed into
    an audit cannot become live HTML where the Markdown is shown (Markdown allows raw HTML)."""
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
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
    env.globals.update(kind_labels=KIND_LABELS, questions=QUESTIONS)
    return env
