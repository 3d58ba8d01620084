"""The complaints projection: the complaints file per complaint, and its row tables (R-CMP-1..7).

The projection keeps the facts as recorded, one document per complaint (its
:class:`~.files.ComplaintFile`, keyed by stage), so its state is the same whatever order the
events arrive in. Everything that depends on a date — which stage a complaint is at, its due
date, whether it is open, breached or late — is computed at query time from the facts dated
on or before ``as_of`` and the policy (decision 0400; the register row: :mod:`.register`).

Each received complaint also has a row in ``kentqa_complaints`` (and its themes in
``kentqa_complaint_themes``): the facts as they stand after the latest of them, its due date
the next thing due (R-CMP-1..3, R-CMP-6, R-CMP-7) under the default policy. Queries use the
rows only to choose which documents to read (the complaints received by ``as_of``, those
that may be open then, those active in a period; decision 0900); analysts read them with SQL
(docs/read-model.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ...calendar import WorkingCalendar
from ...event_base import Event
from ...policy import Policy
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from . import events as ev
from .files import CLOSED, OMBUDSMAN, OPEN, WITHDRAWN, ComplaintFile


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
