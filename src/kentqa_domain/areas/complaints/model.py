"""Complaints through the statutory stages, and the corporate route (R-CMP-1..6).

The write model keeps, per complaint, the business date each stage was entered, responded
to and extended, and the withdrawal date. Refusals are judged on those *business dates*, not
on the order events are recorded in, so a response typed up after the complainant's stage 2
request is still accepted if it is dated before that request (SPEC section 2, late events;
decision 0401). Recording order matters only where one event is the subject of another:
the complaint must be received first, and a stage must be requested before anything is
recorded for it.

This module holds the write model's :class:`Complaint` and what the rules read
(:class:`ComplaintBook`). The rules are checked in :mod:`.stage_rules` (R-CMP-1..3, R-CMP-5,
R-CMP-6, SPEC 9.2) and :mod:`.panel_referral_rules` (R-CMP-7), and wired to the events with
their folds in :mod:`.handlers`. Rules enforced (deadlines are computed at query time, see
``projections.complaint_timescales``):

- R-CMP-5 stages only move forward, one at a time (a stage 3 review panel follows a stage 2
  investigation); a request is never dated before the stage it leaves or before anything
  already recorded for that stage.
- R-CMP-5 a response closes its stage: no extension is dated after it.
- R-CMP-5 the next stage's request closes the previous stage: no response or extension of a
  stage is dated after the complainant moved on.
- R-CMP-5 withdrawal closes all: nothing is dated after the withdrawal, and the withdrawal is
  never dated before anything already recorded.
- R-CMP-1, R-CMP-2 one extension per stage, stage 1 and stage 2 only; R-CMP-3 stage 3 (the
  review panel) has no extension.
- R-CMP-6 a corporate (non-statutory) complaint has one stage (``stage_1``) and no extension.
- R-CMP-7 a review panel is held only at stage 3, never before the stage 3 request; its
  report is not before the panel; the council's stage 3 response is not before the report
  (nor the panel); one panel and one report per complaint.
- R-CMP-7 a referral to the Ombudsman (state ``ombudsman``) follows the council's final
  response (stage 3; the corporate route: its one stage), or comes while the council is out
  of time on what is due (decision 0960); it is never dated before anything already
  recorded, and it ends the council's procedure: nothing more is recorded for the complaint.
  It is the one fact judged on recording order: on the facts recorded before it.
- SPEC 9.2: a complaint about a child names a child already recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Protocol

import attrs

from ...policy import Policy
from ...values import ComplaintStage
from ..organisation.model import StaffBook
from ..plans.model import PlanBook
from .timescales import RESPONSE, stage_3_next_due, stage_due_on

_STAGES = tuple(ComplaintStage)


@attrs.define
class Complaint:
    """What the rules need of one complaint: business dates per stage."""

    complaint_id: str
    statutory: bool
    received_on: dt.date
    entered: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    responded: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    extended: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    withdrawn_on: dt.date | None = None
    panel_held_on: dt.date | None = None
    panel_reported_on: dt.date | None = None
    referred_on: dt.date | None = None
    #: The child the complaint is about (its token in the store), if any.
    child_ref: str | None = None

    @property
    def stage(self) -> ComplaintStage:
        """The furthest stage entered."""
        return max(self.entered, key=lambda s: s.rank)

    def next_request(self, stage: ComplaintStage) -> dt.date | None:
        """The date the complainant asked for the stage after ``stage``, if they did."""
        if stage.rank + 1 >= len(_STAGES):
            return None
        return self.entered.get(_STAGES[stage.rank + 1])

    def dates_of(self, stage: ComplaintStage) -> list[dt.date]:
        """Every business date recorded for ``stage`` (entry, extension, response)."""
        found = [self.entered.get(stage), self.extended.get(stage), self.responded.get(stage)]
        return [d for d in found if d is not None]

    def latest_on(self) -> dt.date:
        """The latest business date recorded for the complaint."""
        found = [d for stage in self.entered for d in self.dates_of(stage)]
        found += [d for d in (self.panel_held_on, self.panel_reported_on, self.referred_on) if d is not None]
        return max(found)

    def final_response(self) -> dt.date | None:
        """The council's last word: the stage 3 response (the corporate route: its one stage's)."""
        return self.responded.get(ComplaintStage.STAGE_3 if self.statutory else ComplaintStage.STAGE_1)

    def next_due(self) -> tuple[str, dt.date]:
        """R-CMP-1..3, R-CMP-6, R-CMP-7: what the council owes next at the open stage, and by
        when, under the default policy (the statutory timescales, England and Wales bank
        holidays: the write model's answer does not depend on a process's policy)."""
        stage = self.stage
        started = self.entered[stage]
        if self.statutory and stage is ComplaintStage.STAGE_3:
            return stage_3_next_due(
                started, self.panel_held_on, self.panel_reported_on, policy=DEFAULT_POLICY
            )
        due = stage_due_on(
            stage, started, statutory=self.statutory, extended=stage in self.extended, policy=DEFAULT_POLICY
        )
        return RESPONSE, due


#: The policy the write model judges a premature Ombudsman referral under (decision 0960).
DEFAULT_POLICY = Policy()


class ComplaintBook(StaffBook, PlanBook, Protocol):
    """What these rules read and change in the write model: complaints, and the teams and children they concern (the
    :class:`~kentqa_domain.recording.write_model.WriteModel` has it)."""

    complaints: MutableMapping[str, Complaint]
