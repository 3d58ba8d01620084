"""Printing rows as a readable table (rich) or as JSON (the rows' ``to_dict()`` form, SPEC 9.5)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from ..plain import to_plain

__all__ = ["cell", "print_json", "print_table", "table_console", "to_plain"]


def print_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(to_plain(value), option=orjson.OPT_INDENT_2).decode() + "\n")


def cell(value: Any) -> str:
    """One table cell from a plain value: blank for None, floats to two decimals, lists as
    comma-separated items, mappings as ``key: value`` pairs (``--json`` keeps full precision)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {cell(v)}" for k, v in value.items())
    return str(value)


def table_console() -> Console:
    """A console for tables: the terminal's width, or 200 columns when output is piped or
    redirected (rich would otherwise cut every table to 80 columns). ``COLUMNS`` wins."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return Console()
    return Console(width=200)


def print_table(
    title: str, rows: Iterable[Any], columns: list[str] | None = None, *, console: Console | None = None
) -> None:
    plain = [to_plain(r) for r in rows]
    console = console or table_console()
    if not plain:
        console.print(f"{title}: nothing to show")
        return
    cols = columns or list(plain[0])
    table = Table(title=title, title_justify="left")
    for col in cols:
        table.add_column(col.replace("_", " "))
    for row in plain:
        table.add_row(*(cell(row.get(c)) for c in cols))
    console.print(table)
