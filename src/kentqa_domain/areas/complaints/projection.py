"""The complaints file per complaint, and the register computed from it (R-CMP-1..7).

The projection keeps the facts as recorded, one document per complaint (its
:class:`ComplaintFile`, keyed by stage), so its state is the same whatever order the events
arrive in. Everything that depends on a date — which stage a complaint is at, its due date,
whether it is open, breached or late — is computed at query time from the facts dated on or
before ``as_of`` and the policy (decision 0400). A row's due date is always the next thing due
(R-CMP-7): at stage 3 the review panel, then its report, then the council's response.

Each received complaint also has a row in ``kentqa_complaints`` (and its themes in
``kentqa_complaint_themes``): the facts as they stand after the latest of them. Queries use
the rows only to choose which documents to read (the complaints received by ``as_of``, those
that may be open then, those active in a period; decision 0900); analysts read them with SQL
(docs/read-model.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ...calendar import WorkingCalendar
from ...event_base import Event
from ...plain import Row
from ...policy import Policy
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from ...values import Complainant, ComplaintStage, Outcome
from . import events as ev
from .timescales import RESPONSE, is_late, stage_3_next_due, stage_due_on

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


def _date(name: str, doc: str) -> Column:
    return Column(name, "DATE", doc)


#: ``kentqa_complaints``: one row per complaint received, as its facts stand after the latest.
COMPLAINTS = Table(
    "kentqa_complaints",
    (
        Column("complaint_id", "TEXT", "the complaint"),
        Column("team_id", "TEXT", "the team complained about (null: none given)"),
        Column("service", "TEXT", "the service complained about"),
        Column("complainant", "TEXT", "who complained: child, young_person, parent_carer, ..."),
        Column("statutory", "BOOLEAN", "a statutory complaint (false: the corporate route, R-CMP-6)"),
        _date("received_on", "when it was received (stage 1 began)"),
        _date("matter_on", "when the matter complained about happened (null: not given)"),
        Column("stage", "TEXT", "the furthest stage begun: stage_1, stage_2 or stage_3 (corporate: stage_1)"),
        _date("stage_started_on", "when that stage began: the receipt, or the complainant's request"),
        _date("extended_on", "when that stage's timescale was extended (null: not extended)"),
        _date(
            "due_on",
            "the next thing due at that stage (R-CMP-1..3, R-CMP-6, R-CMP-7, counting its extension) "
            "under the default policy: the statutory timescales and England and Wales bank holidays",
        ),
        Column(
            "due_for",
            "TEXT",
            "what due_on is for: response; at stage 3 panel, then panel_report, then response (R-CMP-7)",
        ),
        Column(
            "state",
            "TEXT",
            "open; closed (that stage has its response); withdrawn (before one); ombudsman (referred, R-CMP-7)",
        ),
        _date("responded_on", "that stage's response (null: none yet)"),
        Column("outcome", "TEXT", "that response's finding: upheld, partially_upheld, not_upheld, ..."),
        _date("withdrawn_on", "when the complaint was withdrawn (null: it was not)"),
        _date("panel_held_on", "when the stage 3 review panel met (null: not yet, or not at stage 3)"),
        _date("panel_reported_on", "when the review panel reported (null: not yet)"),
        _date("referred_on", "when the complaint was referred to the Ombudsman (null: it was not)"),
        Column("child_token", "TEXT", "the child the complaint is about (token); null: none given"),
        _date("settled_on", "from this date on it is not open (null: it is open)"),
        _date(
            "last_fact_on",
            "its latest fact's date (receipt, request, extension, panel, report, response, withdrawal, referral)",
        ),
    ),
    indexes=(("received_on", "complaint_id"), ("settled_on", "received_on"), ("last_fact_on",)),
    doc="Complaints (R-CMP-1..7): one row per complaint received, as its facts stand after the latest.",
)

#: ``kentqa_complaint_themes``: the themes each complaint raised when it was received.
COMPLAINT_THEMES = Table(
    "kentqa_complaint_themes",
    (Column("complaint_id", "TEXT", "the complaint"), Column("theme", "TEXT", "a theme it raised")),
    indexes=(("theme",),),
    doc="The themes of each complaint received (one row per complaint and theme).",
)

#: The policy ``kentqa_complaints.due_on`` is computed under (rows must not depend on a process's policy).
DEFAULT_POLICY = Policy()


class Complaints(StoredProjection):
    """Complaint files by id (``qa.complaints_register``, ``qa.complaints_summary``).

    A complaint about a child names it by its token (the projection folds the anonymous
    form of a child's events): forgetting the child changes nothing here (decision 0900).
    Version 2: the stage 3 panel, its report and Ombudsman referrals (R-CMP-7).
    """

    name = "complaints"
    version = 2
    tables = (COMPLAINTS, COMPLAINT_THEMES)

    def setup(self) -> None:
        #: complaint id -> everything recorded about it (one document per complaint)
        self.files = self.session.map("files", str, ComplaintFile)

    def _file(self, complaint_id: str) -> ComplaintFile:
        found: ComplaintFile | None = self.files.get(complaint_id)
        if found is None:
            found = self.files[complaint_id] = ComplaintFile(complaint_id)
        return found

    def apply(self, event: Event, position: int) -> None:
        if isinstance(event, ev.ComplaintReceived):
            self._file(event.complaint_id).received = event
        elif isinstance(event, ev.ComplaintEscalated):
            self._file(event.complaint_id).requested[event.to_stage] = event.requested_on
        elif isinstance(event, ev.ComplaintTimescaleExtended):
            self._file(event.complaint_id).extended[event.stage] = event.extended_on
        elif isinstance(event, ev.ComplaintResponded):
            self._file(event.complaint_id).responses[event.stage] = event
        elif isinstance(event, ev.ComplaintWithdrawn):
            self._file(event.complaint_id).withdrawn_on = event.withdrawn_on
        elif isinstance(event, ev.ComplaintPanelHeld):
            self._file(event.complaint_id).panel_held_on = event.held_on
        elif isinstance(event, ev.ComplaintPanelReported):
            self._file(event.complaint_id).panel_reported_on = event.reported_on
        elif isinstance(event, ev.ComplaintReferredToOmbudsman):
            self._file(event.complaint_id).referred_on = event.referred_on

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        keys = [key for space, key in changed if space == "files"]
        complaints: list[tuple[Any, ...]] = []
        themes: list[tuple[Any, ...]] = []
        days = DEFAULT_POLICY.calendar
        for key in keys:
            found: ComplaintFile | None = self.files.get(key)
            if found is None or found.received is None:
                continue
            complaints.append((key, *complaint_columns(found, days)))
            themes.extend((key, key, theme) for theme in dict.fromkeys(found.received.themes))
        return [(COMPLAINTS, keys, complaints), (COMPLAINT_THEMES, keys, themes)]


def complaint_columns(found: ComplaintFile, days: WorkingCalendar | None = None) -> tuple[Any, ...]:
    """The ``kentqa_complaints`` columns of a received complaint (after ``doc_key``)."""
    received = found.received
    assert received is not None
    stage = found.stage_as_of(dt.date.max)
    assert stage is not None
    response = found.responses.get(stage)
    if found.referred_on is not None:
        state = OMBUDSMAN
    elif response is not None:
        state = CLOSED
    elif found.withdrawn_on is not None:
        state = WITHDRAWN
    else:
        state = OPEN
    facts = [
        received.received_on,
        *found.requested.values(),
        *found.extended.values(),
        *(r.responded_on for r in found.responses.values()),
    ]
    facts += [
        d
        for d in (found.withdrawn_on, found.panel_held_on, found.panel_reported_on, found.referred_on)
        if d is not None
    ]
    due_for, due_on = found.next_due(stage, DEFAULT_POLICY, known_by=dt.date.max, days=days)
    return (
        received.complaint_id,
        received.team_id,
        received.service,
        received.complainant.value,
        received.statutory,
        received.received_on,
        received.matter_on,
        stage.value,
        found.started_on(stage),
        found.extended.get(stage),
        due_on,
        due_for,
        state,
        response.responded_on if response else None,
        response.outcome.value if response else None,
        found.withdrawn_on,
        found.panel_held_on,
        found.panel_reported_on,
        found.referred_on,
        received.child_ref,
        found.settled_on(),
        max(facts),
    )


@attrs.frozen
class ComplaintRow(Row):
    """One complaint in ``qa.complaints_register(as_of=...)`` (SPEC section 5).

    ``stage`` is the furthest stage begun by ``as_of`` (corporate complaints: ``stage_1``);
    ``due_on`` the next thing due at that stage, ``due_for`` what it is (R-CMP-1..3, R-CMP-6,
    R-CMP-7): the stage's ``response``, counting an extension made by ``as_of``; at stage 3
    the ``panel``, then its ``panel_report``, then the ``response``. ``state`` is ``ombudsman``
    once referred to the Ombudsman (R-CMP-7), else ``closed`` once that stage has its
    response, ``withdrawn`` if it was withdrawn before a response, else ``open`` (R-CMP-5);
    ``breached`` when the stage was still open after ``due_on`` (a late response, a withdrawal
    or referral after the deadline, or open past it at ``as_of``); ``late`` is R-CMP-4.
    ``child_ref``: the child the complaint is about (the token until a query reveals it; the
    token for ever once the child is forgotten).
    """

    complaint_id: str
    stage: ComplaintStage
    state: str
    due_on: dt.date
    extended: bool
    breached: bool
    late: bool
    statutory: bool
    service: str
    team_id: str | None
    complainant: Complainant
    received_on: dt.date
    stage_started_on: dt.date
    responded_on: dt.date | None
    outcome: Outcome | None
    withdrawn_on: dt.date | None
    themes: tuple[str, ...]
    due_for: str = RESPONSE
    panel_held_on: dt.date | None = None
    panel_reported_on: dt.date | None = None
    referred_on: dt.date | None = None
    child_ref: str | None = None


def register_row(
    found: ComplaintFile, policy: Policy, as_of: dt.date, days: WorkingCalendar | None = None
) -> ComplaintRow | None:
    """The register row of one complaint at ``as_of``; None if it was not yet received
    (``days``: the policy calendar's working-day index, looked up once by a register)."""
    received = found.received
    if received is None:
        return None
    stage = found.stage_as_of(as_of)
    if stage is None:
        return None
    started = found.started_on(stage)
    assert started is not None
    extension = found.extended.get(stage)
    extended = extension is not None and extension <= as_of
    due_for, due = found.next_due(stage, policy, known_by=as_of, days=days)
    response = found.responses.get(stage)
    if response is not None and response.responded_on > as_of:
        response = None
    withdrawn_on = found.withdrawn_on if found.withdrawn_on and found.withdrawn_on <= as_of else None
    referred_on = found.referred_by(as_of)
    if referred_on is not None:
        state, closed_on = OMBUDSMAN, response.responded_on if response is not None else referred_on
    elif response is not None:
        state, closed_on = CLOSED, response.responded_on
    elif withdrawn_on is not None:
        state, closed_on = WITHDRAWN, withdrawn_on
    else:
        state, closed_on = OPEN, as_of
    return ComplaintRow(
        complaint_id=received.complaint_id,
        stage=stage,
        state=state,
        due_on=due,
        extended=extended,
        breached=closed_on > due,
        late=is_late(received.received_on, received.matter_on, policy),
        statutory=received.statutory,
        service=received.service,
        team_id=received.team_id,
        complainant=received.complainant,
        received_on=received.received_on,
        stage_started_on=started,
        responded_on=response.responded_on if response else None,
        outcome=response.outcome if response else None,
        withdrawn_on=withdrawn_on,
        themes=tuple(dict.fromkeys(received.themes)),
        due_for=due_for,
        panel_held_on=found.panel_held_on if found.panel_held_on and found.panel_held_on <= as_of else None,
        panel_reported_on=(
            found.panel_reported_on if found.panel_reported_on and found.panel_reported_on <= as_of else None
        ),
        referred_on=referred_on,
        child_ref=received.child_ref,
    )
