"""A complaint's file: everything recorded about one complaint, by stage (R-CMP-1..7), and
the register states.

The complaints projection keeps one :class:`ComplaintFile` per complaint (one document each),
holding the facts as recorded, so its state is the same whatever order the events arrive in.
What depends on a date — the stage a complaint is at (R-CMP-5), what is due next and by when
(R-CMP-1..3, R-CMP-6; at stage 3 the review panel, its report, then the response: R-CMP-7),
from when it is settled — is computed from the facts dated on or before a given day and the
policy (decision 0400).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from ...calendar import WorkingCalendar
from ...policy import Policy
from ...values import ComplaintStage
from . import events as ev
from .timescales import RESPONSE, stage_3_next_due, stage_due_on

#: Register states (SPEC section 5; ``ombudsman``: referred to the Ombudsman, SPEC 9.2, R-CMP-7).
OPEN, CLOSED, WITHDRAWN, OMBUDSMAN = "open", "closed", "withdrawn", "ombudsman"
#: Every state, in the order the register and the CLI name them.
STATES = (OPEN, CLOSED, WITHDRAWN, OMBUDSMAN)


@attrs.define
class ComplaintFile:
    """Everything recorded about one complaint, by stage."""

    complaint_id: str
    received: ev.ComplaintReceived | None = None
    requested: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    extended: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    responses: dict[ComplaintStage, ev.ComplaintResponded] = attrs.Factory(dict)
    withdrawn_on: dt.date | None = None
    panel_held_on: dt.date | None = None
    panel_reported_on: dt.date | None = None
    referred_on: dt.date | None = None

    def started_on(self, stage: ComplaintStage) -> dt.date | None:
        """When ``stage`` began: receipt for stage 1, else the complainant's request."""
        if stage is ComplaintStage.STAGE_1:
            return self.received.received_on if self.received else None
        return self.requested.get(stage)

    def stage_as_of(self, as_of: dt.date) -> ComplaintStage | None:
        """R-CMP-5: the furthest stage begun on or before ``as_of`` (None: not yet received)."""
        current = None
        for stage in ComplaintStage:
            began = self.started_on(stage)
            if began is not None and began <= as_of:
                current = stage
        return current

    def due_on(
        self,
        stage: ComplaintStage,
        policy: Policy,
        *,
        extended_by: dt.date,
        days: WorkingCalendar | None = None,
    ) -> dt.date:
        """The stage's due date, counting the facts made on or before ``extended_by``."""
        return self.next_due(stage, policy, known_by=extended_by, days=days)[1]

    def next_due(
        self, stage: ComplaintStage, policy: Policy, *, known_by: dt.date, days: WorkingCalendar | None = None
    ) -> tuple[str, dt.date]:
        """What is due next at ``stage`` and by when, counting the facts made on or before
        ``known_by``: the stage's response (counting an extension, R-CMP-1, R-CMP-2, R-CMP-6);
        at stage 3 the review panel, then its report, then the response (R-CMP-3, R-CMP-7)."""
        assert self.received is not None
        started = self.started_on(stage)
        assert started is not None
        if stage is ComplaintStage.STAGE_3 and self.received.statutory:
            held = self.panel_held_on if self.panel_held_on and self.panel_held_on <= known_by else None
            reported = (
                self.panel_reported_on
                if self.panel_reported_on and self.panel_reported_on <= known_by
                else None
            )
            return stage_3_next_due(started, held, reported if held else None, policy=policy, days=days)
        extension = self.extended.get(stage)
        due = stage_due_on(
            stage,
            started,
            statutory=self.received.statutory,
            extended=extension is not None and extension <= known_by,
            policy=policy,
            days=days,
        )
        return RESPONSE, due

    def referred_by(self, as_of: dt.date) -> dt.date | None:
        """The referral to the Ombudsman, if made on or before ``as_of`` (R-CMP-7)."""
        return self.referred_on if self.referred_on is not None and self.referred_on <= as_of else None

    def settled_on(self) -> dt.date | None:
        """From when no ``as_of`` sees this complaint open (None: it may be open at any date).

        Past the start of its furthest stage, it is that stage at every ``as_of``; once that
        stage has its response or the complaint is withdrawn it is closed or withdrawn (R-CMP-5);
        once referred to the Ombudsman it is with the Ombudsman (R-CMP-7).
        """
        furthest = None
        for stage in ComplaintStage:
            if self.started_on(stage) is not None:
                furthest = stage
        if furthest is None:
            return None
        response = self.responses.get(furthest)
        ends = [
            d
            for d in (response.responded_on if response else None, self.withdrawn_on, self.referred_on)
            if d is not None
        ]
        if not ends:
            return None
        began = self.started_on(furthest)
        assert began is not None
        return max(began, min(ends))

    def responses_with_due(self, policy: Policy) -> Iterator[tuple[ev.ComplaintResponded, dt.date]]:
        """Each response with the due date it answered to (the extension counted if made by then)."""
        if self.received is None:
            return
        for stage in ComplaintStage:
            response = self.responses.get(stage)
            if response is not None and self.started_on(stage) is not None:
                yield response, self.due_on(stage, policy, extended_by=response.responded_on)
