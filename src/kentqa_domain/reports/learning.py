"""R-AUD-6: the triannual Learning and Improvement report, as a model any renderer can use.

The report answers the framework's three questions (1.3, Appendix B) for one cycle:

* **What do we know** about the quality and impact of practice: grades and the share good or
  better (overall, by area, service and team, and the trend across cycles), strengths and
  learning from audits, themes from every source, and the other areas' dashboards.
* **How do we know it**: audits by kind and phase, and the count of every other source of
  evidence in the cycle (observations, complaints, compliments, feedback, escalations ...).
* **What are our plans**: audit actions open and overdue, triad recommendations, thematic
  audits agreed, and what the cycle's phase says comes next.

``build_learning_report`` assembles it from the application's queries only. Renderers read
``report.to_dict()`` (the same object ``to_json()`` writes).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from ..areas.audits.grades import phase_bounds
from ..areas.audits.rows import (
    PHASE_KINDS,
    AuditActionRow,
    CycleBreakdown,
    CycleShare,
    PhaseSummary,
    Progress,
    ThematicAuditRow,
    TriadRecommendation,
)
from ..areas.plans.timeliness import QuarterTimeliness, TimelinessRow
from ..calendar import cycle_id_for
from ..plain import position_field
from ..quarters import previous_quarters, quarter_bounds, quarter_id_for
from ..serialization import converter
from ..values import AuditKind
from .asks import LearningQueries
from .formatting import KIND_LABELS, QUESTIONS, number, percent, words
from .renderers import Document
from .sources import (
    AREA_QUERIES,
    AreaFinding,
    QueryUse,
    SourceCount,
    area_arguments,
    ask_area,
    source_counts,
)


@attrs.frozen
class Finding:
    """A strength or a learning point written in an audit."""

    text: str
    audit_id: str
    kind: AuditKind
    team_id: str


@attrs.frozen
class ThemeCount:
    """A theme raised in the cycle, by source (audits, complaints, compliments, feedback)."""

    theme: str
    total: int
    by_source: dict[str, int] = attrs.field(hash=False)


@attrs.frozen
class WhatWeKnow:
    """The first question: the quality and impact of practice in the cycle."""

    headlines: tuple[str, ...]
    audits: int
    graded: int
    grades: dict[str, int] = attrs.field(hash=False)
    good_or_better_share: float | None = None
    previous_cycle_id: str = ""
    previous_share: float | None = None
    by_area: tuple[CycleBreakdown, ...] = ()
    by_service: tuple[CycleBreakdown, ...] = ()
    by_team: tuple[CycleBreakdown, ...] = ()
    trend: tuple[CycleShare, ...] = ()
    strengths: tuple[Finding, ...] = ()
    learning: tuple[Finding, ...] = ()
    themes: tuple[ThemeCount, ...] = ()
    other_areas: tuple[AreaFinding, ...] = ()
    #: R-TML-1: reviews and conferences held in the cycle, and in time, by kind (overall)
    timeliness: tuple[TimelinessRow, ...] = ()
    #: R-TML-1: the share held in time in each quarter of the year to the cycle's end
    timeliness_by_quarter: tuple[QuarterTimeliness, ...] = ()


@attrs.frozen
class HowWeKnow:
    """The second question: the sources of evidence and how much of each there is."""

    audits_by_kind: dict[str, int] = attrs.field(hash=False)
    phases: tuple[PhaseSummary, ...]
    sources: tuple[SourceCount, ...]
    events_in_cycle: int
    events_recorded: int
    queries: tuple[QueryUse, ...]
    note: str = ""


@attrs.frozen
class OurPlans:
    """The third question: actions, triad moderation, thematic audits and the next phase."""

    phase: int | None
    phase_kind: AuditKind | None
    next_steps: tuple[str, ...]
    actions: dict[str, int] = attrs.field(hash=False)
    overdue_actions: tuple[AuditActionRow, ...] = ()
    open_actions: tuple[AuditActionRow, ...] = ()
    triad_recommendations: tuple[TriadRecommendation, ...] = ()
    thematic_audits: tuple[ThematicAuditRow, ...] = ()


@attrs.frozen
class LearningReport(Document):
    """The Learning and Improvement report of one cycle (R-AUD-6).

    ``to_json()`` writes an object with ``what_do_we_know``, ``how_do_we_know_it`` and
    ``what_are_our_plans`` (and the cycle it is for); ``to_markdown()`` and ``to_html()`` the
    documents; ``render(name)`` any format a ``kentqa_register_renderers`` plugin added.
    """

    title: str
    council: str
    cycle_id: str
    starts_on: dt.date
    ends_on: dt.date
    as_of: dt.date
    scope: str
    what_do_we_know: WhatWeKnow
    how_do_we_know_it: HowWeKnow
    what_are_our_plans: OurPlans
    renderers: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    #: the log position every section reflects (SPEC 9.5), set by the query
    position: int | None = position_field()

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (dates ISO, enums by value); what renderers read."""
        body: dict[str, Any] = converter.unstructure(attrs.evolve(self, renderers={}))
        body.pop("renderers", None)
        body.pop("position", None)
        return {"report": "learning_and_improvement", "questions": dict(QUESTIONS), **body}


def build_learning_report(
    qa: LearningQueries, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> LearningReport:
    """R-AUD-6: assemble the report of ``cycle_id`` at ``as_of`` from the application's queries.

    Scoped to ``as_worker`` (R-ACC-1) where a query can be; organisation-wide evidence
    (event counts, themes from complaints and feedback, triad pairs, thematic audits, and
    area queries that cannot be scoped) is shown only to a principal who sees everything.
    """
    ysm = qa.policy.year_start_month
    cycle = qa.audit_cycle(cycle_id, as_of=as_of, as_worker=as_worker)
    scope = qa.scope(as_worker, on=as_of)
    org_wide = scope.kind == "all"
    window_end = min(cycle.ends_on, as_of)
    audits = qa.audits(cycle_id, as_of=as_of, as_worker=as_worker)

    trend = qa.good_or_better_trend(cycle_id, as_of=as_of, as_worker=as_worker)
    previous_id = cycle_id_for(cycle.starts_on - dt.timedelta(days=1), ysm)
    previous = next((t for t in trend if t.cycle_id == previous_id), None)

    arguments = area_arguments(
        cycle_id=cycle_id, starts_on=cycle.starts_on, ends_on=cycle.ends_on, as_of=as_of, as_worker=as_worker
    )
    findings = tuple(ask_area(qa, spec, arguments, org_wide=org_wide) for spec in AREA_QUERIES)

    themes: Counter[tuple[str, str]] = Counter()
    for audit in audits:
        for theme in audit.themes:
            themes[(theme, "audits")] += 1
    if org_wide:
        for (source, theme), n in qa.themes_raised(cycle.starts_on, window_end).items():
            themes[(theme, source)] += n

    # Actions not done (the live ones) in full; every action counted from the rows (SPEC 9.4).
    actions = qa.audit_actions(
        as_of=as_of, as_worker=as_worker, state=(Progress.OVERDUE.value, Progress.OPEN.value)
    )
    raised = sum(qa.audit_action_counts(cycle_id, as_of=as_of, as_worker=as_worker).values())
    action_counts = Counter(qa.audit_action_counts(as_of=as_of, as_worker=as_worker))
    triads = qa.triad_recommendations(cycle_id, as_of=as_of) if org_wide else []
    thematic = qa.thematic_audits(cycle_id, as_of=as_of) if org_wide else []

    in_cycle = qa.activity(cycle.starts_on, window_end) if org_wide else {}
    recorded = qa.stats() if org_wide else {}

    timeliness = [
        r
        for r in qa.review_timeliness(cycle.starts_on, cycle.ends_on, as_of=as_of, as_worker=as_worker)
        if r.by == "overall"
    ]
    last_quarter = quarter_id_for(window_end if window_end >= cycle.starts_on else cycle.ends_on, ysm)
    first_quarter = previous_quarters(last_quarter, TIMELINESS_QUARTERS, ysm)[0]
    by_quarter = qa.timeliness_by_quarter(
        quarter_bounds(first_quarter, ysm)[0],
        quarter_bounds(last_quarter, ysm)[1],
        as_of=as_of,
        as_worker=as_worker,
    )

    know = WhatWeKnow(
        headlines=_headlines(cycle, previous, findings, action_counts) + _timeliness_headline(timeliness),
        audits=cycle.audits,
        graded=cycle.graded,
        grades=cycle.grades,
        good_or_better_share=cycle.good_or_better_share,
        previous_cycle_id=previous_id,
        previous_share=previous.good_or_better_share if previous else None,
        by_area=cycle.by_area,
        by_service=cycle.by_service,
        by_team=cycle.by_team,
        trend=tuple(trend),
        strengths=tuple(Finding(t, a.audit_id, a.kind, a.team_id) for a in audits for t in a.strengths),
        learning=tuple(Finding(t, a.audit_id, a.kind, a.team_id) for a in audits for t in a.learning),
        themes=_theme_counts(themes),
        other_areas=tuple(f for f in findings if f.shown),
        timeliness=tuple(timeliness),
        timeliness_by_quarter=tuple(by_quarter),
    )
    how = HowWeKnow(
        audits_by_kind=cycle.audits_by_kind,
        phases=cycle.phases,
        sources=source_counts(in_cycle, recorded) if org_wide else (),
        events_in_cycle=sum(in_cycle.values()),
        events_recorded=sum(recorded.values()),
        queries=tuple(QueryUse.of(f) for f in findings),
        note="" if org_wide else "Scoped to one principal: organisation-wide counts are not shown.",
    )
    plans = OurPlans(
        phase=cycle.phase,
        phase_kind=cycle.phase_kind,
        next_steps=_next_steps(
            cycle.phase,
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            as_of=as_of,
            actions=action_counts,
            triads=triads,
            thematic=thematic,
        ),
        actions={
            "open": action_counts.get(Progress.OPEN.value, 0),
            "overdue": action_counts.get(Progress.OVERDUE.value, 0),
            "completed": action_counts.get(Progress.COMPLETED.value, 0),
            "raised_in_cycle": raised,
        },
        overdue_actions=tuple(
            sorted(
                (a for a in actions if a.status is Progress.OVERDUE), key=lambda a: -a.working_days_overdue
            )
        ),
        open_actions=tuple(a for a in actions if a.status is Progress.OPEN),
        triad_recommendations=tuple(triads),
        thematic_audits=tuple(thematic),
    )
    return LearningReport(
        title="Learning and Improvement report",
        council=qa.policy.council,
        cycle_id=cycle_id,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        as_of=as_of,
        scope="organisation-wide" if as_worker is None else f"as seen by {as_worker} ({scope.kind})",
        what_do_we_know=know,
        how_do_we_know_it=how,
        what_are_our_plans=plans,
        renderers=qa.renderers(),
    )


#: The quarters of the timeliness chart, ending with the quarter of the cycle's end (or today).
TIMELINESS_QUARTERS = 4


def _timeliness_headline(rows: list[TimelinessRow]) -> tuple[str, ...]:
    """R-TML-1: the share of the cycle's reviews and conferences held in time."""
    held = sum(r.held for r in rows)
    if not held:
        return ()
    in_time = sum(r.held_in_time for r in rows)
    return (
        f"{percent(in_time / held)} of the {held} reviews and conferences held in the cycle were held in time.",
    )


def _theme_counts(themes: Counter[tuple[str, str]]) -> tuple[ThemeCount, ...]:
    by_theme: dict[str, dict[str, int]] = {}
    for (theme, source), n in themes.items():
        by_theme.setdefault(theme, {})[source] = n
    rows = [ThemeCount(t, sum(s.values()), dict(sorted(s.items()))) for t, s in by_theme.items()]
    return tuple(sorted(rows, key=lambda r: (-r.total, r.theme)))


def _headlines(
    cycle: Any, previous: CycleShare | None, findings: tuple[AreaFinding, ...], actions: Counter[str]
) -> tuple[str, ...]:
    lines = [f"{cycle.audits} audits completed in {cycle.cycle_id} ({cycle.graded} graded)."]
    if cycle.good_or_better_share is not None:
        line = f"{percent(cycle.good_or_better_share)} of graded audits were good or better"
        if previous is not None and previous.good_or_better_share is not None:
            points = round((cycle.good_or_better_share - previous.good_or_better_share) * 100)
            change = "no change" if points == 0 else f"{'up' if points > 0 else 'down'} {abs(points)} points"
            line += f" ({change} on {previous.cycle_id}, {percent(previous.good_or_better_share)})"
        lines.append(line + ".")
    graded_areas = [b for b in cycle.by_area if b.good_or_better_share is not None]
    if len(graded_areas) > 1:
        best = max(graded_areas, key=lambda b: (b.good_or_better_share, b.graded))
        worst = min(graded_areas, key=lambda b: (b.good_or_better_share, -b.graded))
        lines.append(
            f"Strongest area: {best.label} ({percent(best.good_or_better_share)} good or better); "
            f"most to improve: {worst.label} ({percent(worst.good_or_better_share)})."
        )
    inadequate = cycle.grades.get("inadequate", 0)
    if inadequate:
        lines.append(f"{inadequate} audit{'s' if inadequate != 1 else ''} graded inadequate.")
    if actions.get(Progress.OVERDUE.value):
        lines.append(f"{actions[Progress.OVERDUE.value]} audit actions are overdue.")
    for finding in findings:
        if finding.shown and finding.rows is not None:
            tallies = next(iter(finding.counts.values()), {})
            parts = [", ".join(f"{n} {words(value)}" for value, n in tallies.items())]
            parts.append(", ".join(f"{n} {words(flag)}" for flag, n in finding.flags.items() if n))
            detail = "; ".join(p for p in parts if p)
            lines.append(
                f"{finding.title}: {finding.rows} on the register" + (f" ({detail})." if detail else ".")
            )
        elif finding.shown and finding.figures:
            numbers = ", ".join(f"{words(name)} {number(n)}" for name, n in finding.figures.items())
            lines.append(f"{finding.title}: {numbers}.")
    return tuple(lines)


def _next_steps(
    phase: int | None,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    as_of: dt.date,
    actions: Counter[str],
    triads: list[TriadRecommendation],
    thematic: list[ThematicAuditRow],
) -> tuple[str, ...]:
    steps = []
    if phase is None and as_of < starts_on:
        steps.append(f"The cycle starts on {starts_on:%d %B %Y} with practitioner audits.")
    elif phase is not None and phase < 4:
        first, _last = phase_bounds(starts_on, phase + 1)
        kind = KIND_LABELS[PHASE_KINDS[phase + 1].value].lower()
        steps.append(f"Phase {phase} of 4 now; phase {phase + 1} ({kind}) starts on {first:%d %B %Y}.")
    else:
        steps.append(f"Triad audits close the cycle on {ends_on:%d %B %Y}; report to County DivMT.")
    if triads:
        steps.append(
            f"Hold {len(triads)} triad audit{'s' if len(triads) != 1 else ''} where grades varied most."
        )
    overdue = actions.get(Progress.OVERDUE.value, 0)
    if overdue:
        steps.append(f"Chase {overdue} overdue audit action{'s' if overdue != 1 else ''} with their owners.")
    late = [t for t in thematic if t.status is Progress.OVERDUE]
    if late:
        steps.append(
            f"{len(late)} thematic audit{'s are' if len(late) != 1 else ' is'} past the agreed due date."
        )
    return tuple(steps)
