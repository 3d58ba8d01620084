"""Where the Learning and Improvement report's evidence comes from (R-AUD-6 "how do we know it").

Two kinds of source:

* event counts: how many observations, reviews, escalations, complaints, compliments,
  feedback ... have a business date in the cycle (the ``activity_by_day`` projection) and how
  many were ever recorded (``qa.stats()``). These need nothing but the events.
* area queries: the dashboards of the other areas (observation compliance, drift,
  escalations, complaints, the voice of children and families). The report asks the
  application for each by name at render time and summarises whatever rows it returns, so a
  query that lands later fills its section without a change here (decision 0303).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import Counter
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

import attrs

from ..serialization import converter

#: "How do we know it": (what the report calls the source, the event type counted).
EVENT_SOURCES: tuple[tuple[str, str], ...] = (
    ("Observations of practice", "ObservationRecorded"),
    ("Reflective reviews after observation", "ReflectiveReviewHeld"),
    ("Supervisions", "SupervisionHeld"),
    ("Looked-after reviews and CP conferences", "ReviewHeld"),
    ("IRO and CP Chair quality assurance", "ReviewQualityAssured"),
    ("Midway reviews", "MidwayReviewCompleted"),
    ("Escalations raised", "EscalationRaised"),
    ("Complaints received", "ComplaintReceived"),
    ("Compliments received", "ComplimentReceived"),
    ("Feedback from children, families and partners", "FeedbackReceived"),
    ("Thematic audits agreed", "ThematicAuditAgreed"),
    ("Audit actions completed", "AuditActionCompleted"),
)


@attrs.frozen
class SourceCount:
    """One source of evidence: events dated in the cycle (up to ``as_of``) and ever recorded."""

    source: str
    event_type: str
    in_cycle: int
    recorded: int


@attrs.frozen
class AreaQuery:
    """An optional query of another area and how to summarise its rows.

    ``group_by`` fields are tallied by value, ``flags`` (booleans) counted where true; fields a
    row does not have are left out, so the summary adapts to the rows the query returns.
    """

    key: str
    title: str
    query: str
    group_by: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


AREA_QUERIES: tuple[AreaQuery, ...] = (
    AreaQuery("observations", "Observation of practice", "observation_compliance",
              ("status", "requirement"), ("reflection_missed",)),
    AreaQuery("drift", "Drift in children's plans", "drift_register", ("kind", "plan")),
    AreaQuery("escalations", "Escalations by IROs and CP Chairs", "escalations",
              ("state", "stage"), ("breached", "response_overdue")),
    AreaQuery("complaints", "Complaints", "complaints_register",
              ("state", "stage"), ("breached", "late", "extended")),
    AreaQuery("voice", "The voice of children, families and partners", "voice_summary"),
)  # fmt: skip


@attrs.frozen
class AreaFinding:
    """What one area query said for the report, or why it is not shown (``shown`` False).

    For a query returning rows: ``rows`` and the tallies; otherwise ``detail`` holds its
    JSON-ready result and ``figures`` its headline numbers (the numbers at its top level and
    in an ``overall`` part, as a summary query gives them).
    """

    key: str
    title: str
    query: str
    shown: bool
    note: str = ""
    rows: int | None = None
    counts: dict[str, dict[str, int]] = attrs.field(factory=dict, hash=False)
    flags: dict[str, int] = attrs.field(factory=dict, hash=False)
    detail: Any = attrs.field(default=None, hash=False)
    figures: dict[str, float] = attrs.field(factory=dict, hash=False)


@attrs.frozen
class QueryUse:
    """Whether an area query was consulted for the report ("how do we know it"), or why not."""

    key: str
    title: str
    query: str
    shown: bool
    note: str = ""

    @classmethod
    def of(cls, finding: AreaFinding) -> QueryUse:
        return cls(finding.key, finding.title, finding.query, finding.shown, finding.note)


def ask_area(qa: object, spec: AreaQuery, arguments: Mapping[str, Any], *, org_wide: bool) -> AreaFinding:
    """Call ``qa.<spec.query>`` with the arguments its signature names, and summarise it.

    ``arguments`` offers ``as_of``, ``as_worker``, ``cycle_id``, ``start``/``end`` ...; a
    query needing anything else is not shown. A report scoped to one principal shows a query
    that cannot be scoped (no ``as_worker`` parameter) only when the principal sees all.
    """
    method: Callable[..., Any] | None = getattr(qa, spec.query, None)
    if method is None:
        return AreaFinding(spec.key, spec.title, spec.query, False, "not available in this installation")
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(method).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name in arguments and (name != "as_worker" or arguments[name] is not None):
            kwargs[name] = arguments[name]
        elif param.default is param.empty:
            return AreaFinding(
                spec.key, spec.title, spec.query, False, f"needs {name!r}, which a report does not have"
            )
    if "as_worker" not in kwargs and not org_wide:
        return AreaFinding(spec.key, spec.title, spec.query, False, "cannot be scoped to this principal")
    result = method(**kwargs)
    if isinstance(result, (list, tuple)):
        return AreaFinding(
            spec.key,
            spec.title,
            spec.query,
            True,
            rows=len(result),
            counts={f: _tally(result, f) for f in spec.group_by if _has(result, f)},
            flags={
                f: sum(1 for r in result if getattr(r, f, False) is True)
                for f in spec.flags
                if _has(result, f)
            },
        )
    detail = converter.unstructure(result)
    if isinstance(detail, dict):
        detail.pop("position", None)  # where the answer was read (SPEC 9.5), not a figure
    return AreaFinding(spec.key, spec.title, spec.query, True, detail=detail, figures=_figures(detail))


def source_counts(in_cycle: Mapping[str, int], recorded: Mapping[str, int]) -> tuple[SourceCount, ...]:
    """Every event source of :data:`EVENT_SOURCES` with its counts (zeros included)."""
    return tuple(
        SourceCount(label, event_type, in_cycle.get(event_type, 0), recorded.get(event_type, 0))
        for label, event_type in EVENT_SOURCES
    )


def area_arguments(
    *, cycle_id: str, starts_on: dt.date, ends_on: dt.date, as_of: dt.date, as_worker: str | None
) -> dict[str, Any]:
    """The arguments an area query may ask for, by parameter name. ``since`` (the cycle's start)
    keeps the registers to what was raised or received in the cycle: a cycle's report reads that
    cycle, not every escalation and complaint ever (SPEC 9.4)."""
    end = min(ends_on, as_of)
    return {
        "as_of": as_of,
        "since": starts_on,
        "as_worker": as_worker,
        "cycle_id": cycle_id,
        "start": starts_on,
        "end": end,
        "starts_on": starts_on,
        "ends_on": end,
    }


def _figures(detail: Any) -> dict[str, float]:
    if not isinstance(detail, Mapping):
        return {}
    parts = [detail, detail.get("overall")]
    return {
        name: value
        for part in parts
        if isinstance(part, Mapping)
        for name, value in part.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool)
    }


def _has(rows: Any, field: str) -> bool:
    return bool(rows) and hasattr(rows[0], field)


def _tally(rows: Any, field: str) -> dict[str, int]:
    counts = Counter(_label(getattr(r, field, None)) for r in rows)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _label(value: object) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    return "none" if value is None else str(value)
