"""The dashboards ``kentqa demo`` prints: each area's rows, summarised, most urgent first.

A dashboard is shown when its query exists on the application (areas are added by their
own modules), so the demo always shows every part of the product that is installed.
Columns are the fields SPEC section 5 promises; rows are sorted so the most urgent come
first, and only the first ``limit`` are printed (``kentqa status ...`` prints them all).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from rich.console import Console
from rich.table import Table

from ..application import QualityAssurance
from . import output


def _value(row: Any, name: str) -> Any:
    value = getattr(row, name, None)
    return getattr(value, "value", value)


def _first(*names: str) -> Callable[[Any], tuple[Any, ...]]:
    """Sort key: rows with the given truthy/urgent fields first."""

    def key(row: Any) -> tuple[Any, ...]:
        return tuple(_rank(_value(row, n)) for n in names)

    return key


_URGENCY = {
    "overdue": 0,
    "due_soon": 1,
    "open": 0,
    "referred": 2,
    "ombudsman": 2,
    "resolved": 3,
    "closed": 3,
    "withdrawn": 4,
    "compliant": 2,
}


def _rank(value: Any) -> Any:
    if isinstance(value, bool):
        return 0 if value else 1
    if isinstance(value, str):
        return _URGENCY.get(value, 5), value
    if isinstance(value, (int, float)):
        return -value
    if isinstance(value, dt.date):
        return value.toordinal()
    return 0


@attrs.frozen
class RowsDashboard:
    """A query returning rows (a register)."""

    name: str
    title: str
    query: str
    columns: tuple[str, ...]
    counts: tuple[str, ...]
    order: Callable[[Any], Any]
    status_command: str

    def available(self, qa: QualityAssurance) -> bool:
        return callable(getattr(qa, self.query, None))

    def rows(self, qa: QualityAssurance, as_of: dt.date) -> list[Any]:
        rows: list[Any] = getattr(qa, self.query)(as_of=as_of)
        return sorted(rows, key=self.order)

    def summary(self, rows: Sequence[Any]) -> dict[str, dict[str, int]]:
        out = {}
        for name in self.counts:
            if rows and hasattr(rows[0], name):
                counted = Counter(str(_value(r, name)).lower() for r in rows)
                out[name] = dict(sorted(counted.items()))
        return out


DASHBOARDS: tuple[RowsDashboard, ...] = (
    RowsDashboard(
        "observations",
        "Observation of practice (R-OBS-1..5)",
        "observation_compliance",
        (
            "worker_id",
            "team_id",
            "requirement",
            "last_observed_on",
            "next_due_on",
            "status",
            "reflection_missed",
        ),
        ("status", "requirement", "reflection_missed"),
        _first("status", "next_due_on"),
        "kentqa status observations",
    ),
    RowsDashboard(
        "drift",
        "Drift register: looked-after and child protection plans (R-LAC, R-CP)",
        "drift_register",
        ("child_ref", "plan", "kind", "due_on", "working_days_overdue", "escalation_id"),
        ("kind", "plan"),
        _first("working_days_overdue", "child_ref"),
        "kentqa status drift",
    ),
    RowsDashboard(
        "escalations",
        "Escalations (R-ESC-1..5)",
        "escalations",
        (
            "escalation_id",
            "stage",
            "state",
            "raised_on",
            "response_due_on",
            "response_overdue",
            "working_days_open",
            "breached",
        ),
        ("state", "stage", "breached", "response_overdue"),
        _first("state", "breached", "working_days_open"),
        "kentqa status escalations",
    ),
    RowsDashboard(
        "complaints",
        "Complaints (R-CMP-1..7)",
        "complaints_register",
        ("complaint_id", "stage", "state", "due_for", "due_on", "extended", "breached", "late"),
        ("state", "stage", "breached", "late"),
        _first("state", "breached", "due_on"),
        "kentqa status complaints",
    ),
)


def plain_summary(value: Any) -> dict[str, Any]:
    """An attrs report object as a flat dict: scalars kept, small mappings kept, big ones counted."""
    data = output.to_plain(value)
    if not isinstance(data, dict):
        return {"value": data}
    out: dict[str, Any] = {}
    for key, item in data.items():
        if isinstance(item, dict) and len(item) > 12:
            out[key] = f"{len(item)} entries"
        elif isinstance(item, list) and len(item) > 12:
            out[key] = f"{len(item)} items"
        else:
            out[key] = item
    return out


def print_rows(
    console: Console, dashboard: RowsDashboard, rows: Sequence[Any], *, limit: int, hint: str
) -> None:
    summary = dashboard.summary(rows)
    parts = [f"{len(rows):,} rows"]
    for field, counted in summary.items():
        parts.append(f"{field.replace('_', ' ')}: " + ", ".join(f"{k} {v:,}" for k, v in counted.items()))
    console.rule(f"[bold]{dashboard.title}")
    console.print("; ".join(parts))
    shown = rows[:limit]
    if shown:
        output.print_table(f"The {len(shown)} most urgent", shown, list(dashboard.columns), console=console)
    if len(rows) > len(shown):
        console.print(f"[dim]… and {len(rows) - len(shown):,} more: {dashboard.status_command} {hint}[/dim]")


def print_object(console: Console, title: str, value: Any) -> None:
    console.rule(f"[bold]{title}")
    table = Table(show_header=False, box=None)
    for key, item in plain_summary(value).items():
        if isinstance(item, dict):
            text = ", ".join(f"{k}: {_short(v)}" for k, v in item.items()) or "—"
        elif isinstance(item, list):
            text = (
                f"{len(item)} items"
                if item and isinstance(item[0], dict)
                else ", ".join(map(str, item)) or "—"
            )
        else:
            text = _short(item)
        table.add_row(f"[bold]{key.replace('_', ' ')}[/bold]", text)
    console.print(table)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{k}: {_short(v)}" for k, v in list(value.items())[:6])
            + ("…}" if len(value) > 6 else "}")
        )
    return "—" if value is None else str(value)
