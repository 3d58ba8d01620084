"""Options and helpers every command shares."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import connect
from ..application import QualityAssurance

#: Exit statuses a script can rely on (docs/cli.md).
EXIT_OK = 0
EXIT_REFUSED = 1  # input refused (InvalidEvent) or a check failed
EXIT_USAGE = 2  # a bad command line (click's own status for usage errors)
EXIT_STORAGE = 3  # the store, a plugin or the file system failed
EXIT_UNDELIVERED = 4  # kentqa notify: some notification was not delivered (it will be retried)
EXIT_INCOMPLETE = 5  # forget-child, scrub: erased bytes may remain in the files; run kentqa scrub again
EXIT_INTERNAL = 70  # a bug (EX_SOFTWARE): the message and traceback say where
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)

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


def open_store(db: str | None, *, create: bool = False) -> QualityAssurance:
    """The store at ``--db`` (else ``$KENTQA_DB``, else the default).

    Commands that only read (``create=False``, the default) never create one: a missing
    SQLite file is a ``StoreNotFound`` (exit 2) naming the path (issue 17, finding 6).
    Commands that record (``create=True``) may create it, and say so on stderr, with
    whether it is encrypted.
    """
    qa = connect(db or os.environ.get("KENTQA_DB") or None, create=create)
    if qa.created:
        click.echo(f"kentqa: notice: {creation_notice(qa)}", err=True)
    return qa


def creation_notice(qa: QualityAssurance) -> str:
    """What a newly created store is: where, and whether it is encrypted."""
    encrypted = "CIPHER_TOPIC" in qa.storage.settings
    how = (
        "encrypted with KENTQA_CIPHER_KEY (keep the key: without it the store cannot be read)"
        if encrypted
        else "WITHOUT encryption (KENTQA_CIPHER_KEY is not set; this cannot be changed later)"
    )
    return f"created a new store at {qa.storage.display}, {how}"


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


def json_option(fn: F) -> F:
    """``--json``: print JSON instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(fn)


T = TypeVar("T")


def from_group(ctx: click.Context, name: str, value: T) -> T:
    """An option given on the group itself (``kentqa status --db X drift``) applies too."""
    if value:
        return value
    parent = ctx.parent.params if ctx.parent is not None else {}
    found: T = parent.get(name) or value
    return found
