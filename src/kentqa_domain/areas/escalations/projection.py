"""Escalations by IROs and CP Chairs, and their rows for ``qa.escalations`` (R-ESC-1..5).

The projection stores each escalation's facts in one document, keyed by identity (raised,
stages entered, responses, its ending), so the state is the same in any arrival order; a
child's escalation names the child by its anonymous token (the query puts the reference
back). Its row in ``kentqa_escalations`` says when it was raised and ended, so the register
selects the escalations it shows with indexed SQL (open at ``as_of``; a page by raising date
and id) and reads only their documents. Rows are computed for an ``as_of`` date from the
facts dated on or before it (IRO Handbook 6.2):

- R-ESC-1 the stage on a date is the highest stage entered on or before it;
- R-ESC-2 the current stage's response is due 5 working days after entering it; a response
  counts for the stage current at the end of its day (decision 0202);
- R-ESC-3 (revised, SPEC 9.2) open more than 20 working days after entering its first
  formal stage (team_manager or above) is a breach; an escalation still informal has its
  response time only (R-ESC-2). ``policy.escalation_target_from`` may count from raising
  instead. A closed escalation keeps the breach it had when it closed (decision 0970);
- R-ESC-4/R-ESC-5 resolution or referral to Cafcass ends it: nothing more is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

import attrs

from ...calendar import WorkingCalendar
from ...event_base import Event
from ...plain import Row
from ...policy import EscalationTargetFrom, Policy
from ...readmodel.docs import DocMap, load
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from ...values import EscalationStage
from . import events as ev

#: R-ESC-1: stages in order (a dict, not ``EscalationStage.rank``, which lists the enum).
_RANK = {stage: rank for rank, stage in enumerate(EscalationStage)}
#: R-ESC-3: stages ranked above this one are formal (team_manager and above)
_FORMAL_FROM = _RANK[EscalationStage.INFORMAL]


class EscalationState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    REFERRED = "referred"


@attrs.frozen
class EscalationRow(Row):
    """One escalation as of a date (SPEC section 5), with who it concerns."""

    escalation_id: str
    stage: EscalationStage
    state: EscalationState
    raised_on: dt.date
    response_due_on: dt.date
    response_overdue: bool
    working_days_open: int
    breached: bool
    stage_entered_on: dt.date
    #: R-ESC-3: the day the working-day limit runs from (the first formal stage entered, or
    #: raising, by policy); None while the escalation has been informal only
    target_from: dt.date | None
    #: R-ESC-3: the last day within the limit; None with ``target_from``
    target_due_on: dt.date | None
    closed_on: dt.date | None
    child_ref: str | None
    team_id: str | None
    raised_by: str
    reason: str


@attrs.frozen
class Ending:
    state: EscalationState
    on: dt.date


@attrs.frozen
class EscalationView:
    """One escalation's facts up to a date, and what follows from them."""

    raised: ev.EscalationRaised
    stage: EscalationStage
    stage_entered_on: dt.date
    responded: bool
    ending: Ending | None
    #: R-ESC-3: the day it entered its first formal stage (team_manager or above) on or
    #: before the view's date; None while informal
    formal_on: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.ending is None


@attrs.define
class EscalationFacts:
    """One escalation's facts, keyed by identity (the same in any arrival order)."""

    raised: ev.EscalationRaised | None = None
    #: stage entered -> on
    progressions: dict[EscalationStage, dt.date] = attrs.Factory(dict)
    responses: set[dt.date] = attrs.Factory(set)
    ending: Ending | None = None

    def view(self, as_of: dt.date) -> EscalationView | None:
        """The escalation as of ``as_of``; None if it was raised later (or is not known yet)."""
        raised = self.raised
        if raised is None or raised.raised_on > as_of:
            return None
        stage, entered_on = raised.stage, raised.raised_on
        formal_on = raised.raised_on if _RANK[stage] > _FORMAL_FROM else None
        if self.progressions:
            rank = _RANK[stage]
            for to, on in self.progressions.items():
                if on > as_of:
                    continue
                if (on, _RANK[to]) > (entered_on, rank):
                    stage, entered_on, rank = to, on, _RANK[to]
                if _RANK[to] > _FORMAL_FROM and (formal_on is None or on < formal_on):
                    formal_on = on
        responded = any(entered_on <= d <= as_of for d in self.responses)
        ending = self.ending
        if ending is not None and ending.on > as_of:
            ending = None
        return EscalationView(raised, stage, entered_on, responded, ending, formal_on)


ESCALATIONS = Table(
    "kentqa_escalations",
    (
        Column("escalation_id", "TEXT", "the escalation"),
        Column(
            "child_token", "TEXT", "the child's anonymous token (anon-...); NULL: about a team or practice"
        ),
        Column("team_id", "TEXT", "the team it names, if any"),
        Column("raised_by", "TEXT", "the IRO or CP Chair who raised it"),
        Column("raised_on", "DATE", "the day it was raised"),
        Column("reason", "TEXT", "why it was raised (EscalationReason)"),
        Column("stage", "TEXT", "its stage after all its facts (R-ESC-1)"),
        Column("stage_entered_on", "DATE", "the day that stage was entered"),
        Column(
            "formal_on",
            "DATE",
            "the day it entered its first formal stage, team_manager or above (R-ESC-3); NULL: informal only",
        ),
        Column("state", "TEXT", "open, resolved or referred after all its facts (R-ESC-4, R-ESC-5)"),
        Column("ended_on", "DATE", "the day it was resolved or referred to Cafcass; NULL while open"),
    ),
    indexes=(("ended_on", "raised_on"), ("raised_on", "escalation_id"), ("child_token",)),
    doc="Every escalation. Open at a date D: raised_on <= D and (ended_on IS NULL OR ended_on > D).",
)


class Escalations(StoredProjection):
    """Facts of every escalation, one document each (``qa.escalations``, the drift register's link)."""

    name = "escalations"
    version = 4  # 4: formal_on (R-ESC-3 revised, SPEC 9.2)
    tables = (ESCALATIONS,)

    def setup(self) -> None:
        self.escalations: DocMap[str, EscalationFacts] = self.session.map("escalations", str, EscalationFacts)

    def _facts(self, escalation_id: str) -> EscalationFacts:
        self.escalations.prefetch([escalation_id])  # one read, remembered if it finds nothing
        found = self.escalations.get(escalation_id)
        if found is None:
            found = self.escalations[escalation_id] = EscalationFacts()
        return found

    def apply(self, event: Event, position: int) -> None:
        if isinstance(event, ev.EscalationRaised):
            self._facts(event.escalation_id).raised = event
        elif isinstance(event, ev.EscalationProgressed):
            self._facts(event.escalation_id).progressions[event.to_stage] = event.progressed_on
        elif isinstance(event, ev.EscalationResponded):
            self._facts(event.escalation_id).responses.add(event.responded_on)
        elif isinstance(event, ev.EscalationResolved):
            self._facts(event.escalation_id).ending = Ending(EscalationState.RESOLVED, event.resolved_on)
        elif isinstance(event, ev.EscalationReferredToCafcass):
            self._facts(event.escalation_id).ending = Ending(EscalationState.REFERRED, event.referred_on)

    def views(self, escalation_ids: Sequence[str], as_of: dt.date) -> list[EscalationView]:
        """The escalations of ``escalation_ids`` as of ``as_of``, in that order (each read once;
        those raised after ``as_of`` are left out)."""
        found = load(self.escalations, escalation_ids)
        out = []
        for escalation_id in escalation_ids:
            facts = found.get(escalation_id)
            view = facts.view(as_of) if facts is not None else None
            if view is not None:
                out.append(view)
        return out

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        keys = sorted({key for space, key in changed if space == "escalations"})
        out = []
        for key in keys:
            facts = self.escalations.get(key)
            view = facts.view(dt.date.max) if facts is not None else None
            if view is None:
                continue
            raised = view.raised
            out.append(
                (
                    key,
                    raised.escalation_id,
                    raised.child_ref,
                    raised.team_id,
                    raised.raised_by,
                    raised.raised_on,
                    raised.reason.value,
                    view.stage.value,
                    view.stage_entered_on,
                    view.formal_on,
                    (view.ending.state if view.ending is not None else EscalationState.OPEN).value,
                    view.ending.on if view.ending is not None else None,
                )
            )
        return [(ESCALATIONS, keys, out)]


def escalation_row(
    view: EscalationView, policy: Policy, as_of: dt.date, days: WorkingCalendar | None = None
) -> EscalationRow:
    """R-ESC-1..5 for one escalation as of ``as_of`` (``days``: the policy calendar's index,
    passed by a register so it is looked up once)."""
    cal = days if days is not None else policy.calendar
    raised = view.raised
    until = view.ending.on if view.ending is not None else as_of
    open_days = cal.working_days_after(raised.raised_on, until)
    due = cal.add_working_days(view.stage_entered_on, policy.escalation_response_working_days)
    by_raising = policy.escalation_target_from is EscalationTargetFrom.RAISING
    target_from = raised.raised_on if by_raising else view.formal_on
    target_due_on = None
    breached = False
    if target_from is not None:
        target_due_on = cal.add_working_days(target_from, policy.escalation_target_working_days)
        breached = cal.working_days_after(target_from, until) > policy.escalation_target_working_days
    return EscalationRow(
        escalation_id=raised.escalation_id,
        stage=view.stage,
        state=view.ending.state if view.ending is not None else EscalationState.OPEN,
        raised_on=raised.raised_on,
        response_due_on=due,
        response_overdue=view.is_open and not view.responded and as_of > due,
        working_days_open=open_days,
        breached=breached,
        stage_entered_on=view.stage_entered_on,
        target_from=target_from,
        target_due_on=target_due_on,
        closed_on=view.ending.on if view.ending is not None else None,
        child_ref=raised.child_ref,
        team_id=raised.team_id,
        raised_by=raised.raised_by,
        reason=raised.reason.value,
    )
