"""Escalations by IROs and CP Chairs, and their rows for ``qa.escalations`` (R-ESC-1..5).

The projection stores each escalation's facts keyed by identity (raised, stages entered,
responses, its ending), so the state is the same in any arrival order. Rows are computed for
an ``as_of`` date from the facts dated on or before it (IRO Handbook 6.2):

- R-ESC-1 the stage on a date is the highest stage entered on or before it;
- R-ESC-2 the current stage's response is due 5 working days after entering it; a response
  counts for the stage current at the end of its day (decision 0202);
- R-ESC-3 open more than 20 working days after raising is a breach (a closed escalation
  keeps the breach it had when it closed);
- R-ESC-4/R-ESC-5 resolution or referral to Cafcass ends it: nothing more is due.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import cast

import attrs

from .. import events as ev
from ..forgetting import Forgetting
from ..policy import Policy
from ..values import EscalationStage
from .base import Projection
from .register_index import DatedIndex, SettledIndex
from .working_day_index import WorkingDayIndex, working_day_index

#: R-ESC-1: stages in order (a dict, not ``EscalationStage.rank``, which lists the enum).
_RANK = {stage: rank for rank, stage in enumerate(EscalationStage)}


class EscalationState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    REFERRED = "referred"


@attrs.frozen
class EscalationRow:
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

    @property
    def is_open(self) -> bool:
        return self.ending is None


class Escalations(Projection):
    """Facts of every escalation (``qa.escalations``, the drift register's link)."""

    name = "escalations"
    version = 2

    def __init__(self) -> None:
        self.raised: dict[str, ev.EscalationRaised] = {}
        self.progressions: dict[str, dict[EscalationStage, dt.date]] = {}
        self.responses: dict[str, set[dt.date]] = {}
        self.endings: dict[str, Ending] = {}
        #: raised escalations by (raised on, id): the register's order and ``since`` (decision 0815)
        self.by_raised = DatedIndex()
        #: when each escalation ended (R-ESC-4/5): ``state="open"`` visits the others only
        self.settled = SettledIndex()

    def apply(self, event: ev.Event, position: int) -> None:
        if isinstance(event, ev.EscalationRaised):
            self.raised[event.escalation_id] = event
            self.by_raised.put(event.escalation_id, event.raised_on)
            if event.escalation_id not in self.endings:
                self.settled.put(event.escalation_id, None)
        elif isinstance(event, ev.EscalationProgressed):
            self.progressions.setdefault(event.escalation_id, {})[event.to_stage] = event.progressed_on
        elif isinstance(event, ev.EscalationResponded):
            self.responses.setdefault(event.escalation_id, set()).add(event.responded_on)
        elif isinstance(event, ev.EscalationResolved):
            self.endings[event.escalation_id] = Ending(EscalationState.RESOLVED, event.resolved_on)
            self.settled.put(event.escalation_id, event.resolved_on)
        elif isinstance(event, ev.EscalationReferredToCafcass):
            self.endings[event.escalation_id] = Ending(EscalationState.REFERRED, event.referred_on)
            self.settled.put(event.escalation_id, event.referred_on)

    def forget_child(self, forgetting: Forgetting) -> None:
        """Erasure: the child's escalations name its token, and their details are gone."""
        for escalation_id, raised in self.raised.items():
            if raised.child_ref == forgetting.child_ref:
                self.raised[escalation_id] = cast("ev.EscalationRaised", forgetting.anonymous(raised))

    def view(self, escalation_id: str, as_of: dt.date) -> EscalationView | None:
        """The escalation as of ``as_of``; None if it was raised later."""
        raised = self.raised.get(escalation_id)
        if raised is None or raised.raised_on > as_of:
            return None
        stage, entered_on = raised.stage, raised.raised_on
        progressions = self.progressions.get(escalation_id)
        if progressions:
            rank = _RANK[stage]
            for to, on in progressions.items():
                if on <= as_of and (on, _RANK[to]) > (entered_on, rank):
                    stage, entered_on, rank = to, on, _RANK[to]
        responded = any(entered_on <= d <= as_of for d in self.responses.get(escalation_id, ()))
        ending = self.endings.get(escalation_id)
        if ending is not None and ending.on > as_of:
            ending = None
        return EscalationView(raised, stage, entered_on, responded, ending)

    def views(
        self, as_of: dt.date, *, open_only: bool = False, since: dt.date | None = None
    ) -> list[EscalationView]:
        """Every escalation raised on or before ``as_of`` (and on or after ``since``), by
        raising date and id; ``open_only``: those open at ``as_of``, visiting only the
        escalations not ended by then (decision 0815)."""
        if open_only:
            ids = sorted(
                (r.raised_on, i)
                for i in self.settled.maybe_open(as_of)
                if (r := self.raised.get(i)) is not None and (since is None or r.raised_on >= since)
            )
            found = (self.view(i, as_of) for _, i in ids)
            return [v for v in found if v is not None and v.is_open]
        out = (self.view(i, as_of) for i in self.by_raised.between(since, as_of))
        return [v for v in out if v is not None]

    def open_by_child(self, as_of: dt.date) -> dict[str, EscalationView]:
        """Each child's open escalation at ``as_of``: the latest raised (ties: the highest id)."""
        out: dict[str, EscalationView] = {}
        for view in self.views(as_of, open_only=True):  # in raising order: later ones replace earlier ones
            if view.is_open and view.raised.child_ref is not None:
                out[view.raised.child_ref] = view
        return out

    def named_teams(self) -> dict[str, list[tuple[dt.date, str, str]]]:
        """child ref -> (raised on, escalation id, team id) of its escalations naming a team, sorted."""
        out: dict[str, list[tuple[dt.date, str, str]]] = {}
        for r in self.raised.values():
            if r.child_ref is not None and r.team_id is not None:
                out.setdefault(r.child_ref, []).append((r.raised_on, r.escalation_id, r.team_id))
        for rows in out.values():
            rows.sort()
        return out


def escalation_row(
    view: EscalationView, policy: Policy, as_of: dt.date, days: WorkingDayIndex | None = None
) -> EscalationRow:
    """R-ESC-1..5 for one escalation as of ``as_of`` (``days``: the policy calendar's index,
    passed by a register so it is looked up once)."""
    cal = days if days is not None else working_day_index(policy.calendar)
    raised = view.raised
    until = view.ending.on if view.ending is not None else as_of
    open_days = cal.working_days_after(raised.raised_on, until)
    due = cal.add_working_days(view.stage_entered_on, policy.escalation_response_working_days)
    return EscalationRow(
        escalation_id=raised.escalation_id,
        stage=view.stage,
        state=view.ending.state if view.ending is not None else EscalationState.OPEN,
        raised_on=raised.raised_on,
        response_due_on=due,
        response_overdue=view.is_open and not view.responded and as_of > due,
        working_days_open=open_days,
        breached=open_days > policy.escalation_target_working_days,
        stage_entered_on=view.stage_entered_on,
        closed_on=view.ending.on if view.ending is not None else None,
        child_ref=raised.child_ref,
        team_id=raised.team_id,
        raised_by=raised.raised_by,
        reason=raised.reason.value,
    )
