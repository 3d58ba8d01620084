"""The IRO and CP Chair quarterly report (SPEC 9.2), as a model any renderer can use.

For one quarter of the council's year (``2026-Q3``: October to December 2026, decision 0968):

* **Timeliness** (R-TML-1): reviews and conferences held in the quarter and the share held in
  time, by kind, overall, by team and by chair, and the share per quarter over the year to it;
* **Quality assurance** (R-LAC-5, R-CP-5, framework 4.3): the QA of the quarter's reviews
  (``ReviewQualityAssured``) by chair and by team;
* **Escalations** (R-ESC-1..5): those raised in the quarter and their outcomes as of the
  report's date (state, the stage reached, breaches);
* **Drift** (R-LAC-1..7, R-CP-1..7): what was overdue at the quarter's end, by kind, team and
  chair (counts: the report names no child).

``build_chairs_report`` assembles it from the application's queries only, each scoped to
``as_worker`` (R-ACC-1). Renderers read ``report.to_dict()``; the built-in ``json``, ``md``
and ``html`` renderers (``kentqa_register_renderers``) render it with its own templates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from ..areas.plans.review_qa import ReviewQARow
from ..areas.plans.timeliness import LABELS, QuarterTimeliness, TimelinessRow
from ..plain import Row, position_field, to_plain
from ..quarters import previous_quarters, quarter_bounds
from .asks import ChairsQueries
from .formatting import percent
from .renderers import Document

#: The quarters of the timeliness trend, ending with the report's.
TREND_QUARTERS = 4


@attrs.frozen
class ChairsTally(Row):
    """A count under a key (a kind, a state, a team or a chair; None: not known)."""

    key: str | None
    count: int


@attrs.frozen
class EscalationSummary(Row):
    """One escalation raised in the quarter, as it stands at the report's date (no child named)."""

    escalation_id: str
    raised_on: dt.date
    raised_by: str
    reason: str
    team_id: str | None
    stage: str
    state: str
    closed_on: dt.date | None
    breached: bool


@attrs.frozen
class EscalationsRaised(Row):
    """Escalations raised in the quarter and their outcomes (R-ESC-1..5)."""

    raised: int
    by_state: tuple[ChairsTally, ...]
    by_stage: tuple[ChairsTally, ...]
    by_reason: tuple[ChairsTally, ...]
    breached: int
    rows: tuple[EscalationSummary, ...]


@attrs.frozen
class DriftAtQuarterEnd(Row):
    """What was overdue at ``on`` (the quarter's end, or the report's date if sooner)."""

    on: dt.date
    #: drift register rows (overdue items)
    overdue: int
    children: int
    by_kind: tuple[ChairsTally, ...]
    by_team: tuple[ChairsTally, ...]
    by_chair: tuple[ChairsTally, ...]


@attrs.frozen
class ChairsReport(Row, Document):
    """The IRO and CP Chair report of one quarter.

    ``to_json()`` writes an object with ``timeliness``, ``quality_assurance``, ``escalations``
    and ``drift`` (and the quarter it is for); ``to_markdown()`` and ``to_html()`` the
    documents; ``render(name)`` any format a ``kentqa_register_renderers`` plugin added.
    """

    #: the template the built-in Markdown and HTML renderers use (``chairs.md.j2`` ...)
    template = "chairs"

    title: str
    council: str
    quarter_id: str
    starts_on: dt.date
    ends_on: dt.date
    as_of: dt.date
    scope: str
    headlines: tuple[str, ...]
    timeliness: tuple[TimelinessRow, ...]
    timeliness_trend: tuple[QuarterTimeliness, ...]
    qa_by_chair: tuple[ReviewQARow, ...]
    qa_by_team: tuple[ReviewQARow, ...]
    escalations: EscalationsRaised
    drift: DriftAtQuarterEnd
    renderers: Mapping[str, Any] = attrs.field(
        factory=dict, eq=False, repr=False, metadata={"not_plain": True}
    )
    #: the log position every section reflects (SPEC 9.5), set by the query
    position: int | None = position_field()

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (dates ISO, enums by value); what renderers read."""
        body: dict[str, Any] = to_plain(self)
        return {"report": "iro_and_cp_chair", **body}


def _tallies(counts: Counter[str | None], order: list[str] | None = None) -> tuple[ChairsTally, ...]:
    if order is not None:
        return tuple(ChairsTally(k, counts.get(k, 0)) for k in order)
    keys = sorted(counts, key=lambda k: (k is None, k or ""))
    return tuple(ChairsTally(k, counts[k]) for k in keys)


def build_chairs_report(
    qa: ChairsQueries, quarter_id: str, *, as_of: dt.date | None = None, as_worker: str | None = None
) -> ChairsReport:
    """The report of ``quarter_id`` at ``as_of`` (default: the quarter's last day, or today if
    sooner) from the application's queries, scoped to ``as_worker`` (R-ACC-1)."""
    ysm = qa.policy.year_start_month
    starts_on, ends_on = quarter_bounds(quarter_id, ysm)
    day = as_of if as_of is not None else min(ends_on, dt.date.today())
    end = min(ends_on, day)
    scope = qa.scope(as_worker, on=day)

    timeliness = (
        qa.review_timeliness(starts_on, ends_on, as_of=day, as_worker=as_worker) if end >= starts_on else []
    )
    trend_start, _ = quarter_bounds(previous_quarters(quarter_id, TREND_QUARTERS, ysm)[0], ysm)
    trend = qa.timeliness_by_quarter(trend_start, ends_on, as_of=day, as_worker=as_worker)
    qa_rows = {
        by: qa.review_qa_summary(as_of=end, by=by, since=starts_on, as_worker=as_worker)
        if end >= starts_on
        else []
        for by in ("chair", "team")
    }

    raised = [
        r for r in qa.escalations(as_of=day, since=starts_on, as_worker=as_worker) if r.raised_on <= ends_on
    ]
    escalations = EscalationsRaised(
        raised=len(raised),
        by_state=_tallies(Counter(r.state.value for r in raised), ["open", "resolved", "referred"]),
        by_stage=_tallies(Counter(r.stage.value for r in raised)),
        by_reason=_tallies(Counter(r.reason for r in raised)),
        breached=sum(1 for r in raised if r.breached),
        rows=tuple(
            EscalationSummary(
                escalation_id=r.escalation_id,
                raised_on=r.raised_on,
                raised_by=r.raised_by,
                reason=r.reason,
                team_id=r.team_id,
                stage=r.stage.value,
                state=r.state.value,
                closed_on=r.closed_on,
                breached=r.breached,
            )
            for r in raised
        ),
    )

    overdue = qa.drift_register(as_of=end, as_worker=as_worker)
    drift = DriftAtQuarterEnd(
        on=end,
        overdue=len(overdue),
        children=len({r.child_ref for r in overdue}),
        by_kind=_tallies(Counter(r.kind.value for r in overdue)),
        by_team=_tallies(Counter(r.team_id for r in overdue)),
        by_chair=_tallies(Counter(r.chair_id for r in overdue)),
    )
    return ChairsReport(
        title="IRO and CP Chair report",
        council=qa.policy.council,
        quarter_id=quarter_id,
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=day,
        scope="organisation-wide" if as_worker is None else f"as seen by {as_worker} ({scope.kind})",
        headlines=_headlines(quarter_id, timeliness, qa_rows["chair"], escalations, drift),
        timeliness=tuple(timeliness),
        timeliness_trend=tuple(trend),
        qa_by_chair=tuple(qa_rows["chair"]),
        qa_by_team=tuple(qa_rows["team"]),
        escalations=escalations,
        drift=drift,
        renderers=qa.renderers(),
    )


def _headlines(
    quarter_id: str,
    timeliness: list[TimelinessRow],
    qa_rows: list[ReviewQARow],
    escalations: EscalationsRaised,
    drift: DriftAtQuarterEnd,
) -> tuple[str, ...]:
    overall = [r for r in timeliness if r.by == "overall"]
    held = sum(r.held for r in overall)
    in_time = sum(r.held_in_time for r in overall)
    lines = [
        f"{held} reviews and conferences held in {quarter_id}; "
        f"{percent(in_time / held if held else None)} held in time ({in_time})."
    ]
    late = [r for r in overall if r.held and r.held_in_time < r.held]
    if late:
        worst = min(late, key=lambda r: (r.share_in_time or 0.0, -r.held))
        lines.append(
            f"Least timely: {LABELS[worst.kind.value]} "
            f"({percent(worst.share_in_time)} in time, {worst.held_in_time} of {worst.held})."
        )
    reviews = sum(r.reviews for r in qa_rows)
    assured = sum(r.assured for r in qa_rows)
    on_time = sum(r.assured_on_time for r in qa_rows)
    if reviews:
        lines.append(
            f"{assured} of {reviews} reviews quality assured by their chair, "
            f"{on_time} on time (R-LAC-5, R-CP-5)."
        )
    states = {t.key: t.count for t in escalations.by_state}
    lines.append(
        f"{escalations.raised} escalations raised: {states.get('resolved', 0)} resolved, "
        f"{states.get('referred', 0)} referred to Cafcass, {states.get('open', 0)} still open"
        + (f"; {escalations.breached} past the 20 working days." if escalations.breached else ".")
    )
    lines.append(
        f"{drift.overdue} items overdue for {drift.children} children on {drift.on.day} {drift.on:%B %Y}."
    )
    return tuple(lines)
