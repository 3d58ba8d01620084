"""Options and helpers every command shares."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import connect
from ..application import QualityAssurance

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3
EXIT_UNDELIVERED = 4

F = TypeVar("F", bound=Callable[..., Any])


def db_option(fn: F) -> F:
    return click.option(
        "--db",
        metavar="URL",
        default=None,
        help="Store URL (default: $KENTQA_DB, else sqlite:///./kentqa.db).",
    )(fn)


def as_of_option(fn: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="The date to answer for, YYYY-MM-DD (default: today).",
    )(fn)


def as_of_date(value: dt.datetime | None) -> dt.date:
    """The --as-of date; the CLI (not the domain) may read the clock for the default."""
    return value.date() if value is not None else dt.date.today()


def open_store(db: str | None) -> QualityAssurance:
    return connect(db or os.environ.get("KENTQA_DB") or None)


def as_worker_option(fn: F) -> F:
    """``--as WORKER_ID``: scope the rows to what that worker may see (R-ACC-1)."""
    return click.option(
        "--as",
        "as_worker",
        metavar="WORKER_ID",
        default=None,
        help="Show only the rows this registered worker may see (R-ACC-1).",
    )(fn)


def date_option(*names: str, required: bool = False, help: str) -> Callable[[F], F]:
    """A YYYY-MM-DD option, e.g. ``--from``; the value is a ``datetime.datetime`` (use ``.date()``)."""
    # No explicit default: click 8.3 treats ``default=None`` as a value that satisfies ``required``.
    return click.option(*names, type=click.DateTime(formats=["%Y-%m-%d"]), required=required, help=help)
