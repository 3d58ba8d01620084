"""The complaints file per complaint, and the register computed from it (R-CMP-1..6).

The projection keeps the facts as recorded, keyed by complaint and stage, so its state is
the same whatever order the events arrive in. Everything that depends on a date — which
stage a complaint is at, its due date, whether it is open, breached or late — is computed
at query time from the facts dated on or before ``as_of`` and the policy (decision 0400).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

import attrs

from .. import events as ev
from ..policy import Policy
from ..values import Complainant, ComplaintStage, Outcome
from .base import Projection
from .complaint_timescales import is_late, stage_due_on
from .register_index import DatedIndex, SettledIndex
from .working_day_index import WorkingDayIndex, working_day_index

#: Register states (SPEC section 5).
OPEN, CLOSED, WITHDRAWN = "open", "closed", "withdrawn"


@attrs.define
class ComplaintFile:
    """Everything recorded about one complaint, by stage."""

    complaint_id: str
    received: ev.ComplaintReceived | None = None
    requested: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    extended: dict[ComplaintStage, dt.date] = attrs.Factory(dict)
    responses: dict[ComplaintStage, ev.ComplaintResponded] = attrs.Factory(dict)
    withdrawn_on: dt.date | None = None

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
        self, stage: ComplaintStage, policy: Policy, *, extended_by: dt.date, days: WorkingDayIndex | None = None
    ) -> dt.date:
        """The stage's due date, counting an extension made on or before ``extended_by``."""
        assert self.received is not None
        started = self.started_on(stage)
        assert started is not None
        extension = self.extended.get(stage)
        return stage_due_on(
            stage,
            started,
            statutory=self.received.statutory,
            extended=extension is not None and extension <= extended_by,
            policy=policy,
            days=days,
        )

    def settled_on(self) -> dt.date | None:
        """From when no ``as_of`` sees this complaint open (None: it may be open at any date).

        Past the start of its furthest stage, it is that stage at every ``as_of``; once that
        stage has its response or the complaint is withdrawn it is closed or withdrawn (R-CMP-5).
        """
        furthest = None
        for stage in ComplaintStage:
            if self.started_on(stage) is not None:
                furthest = stage
        if furthest is None:
            return None
        response = self.responses.get(furthest)
        ends = [d for d in (response.responded_on if response else None, self.withdrawn_on) if d is not None]
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


class Complaints(Projection):
    """Complaint files by id (``qa.complaints_register``, ``qa.complaints_summary``)."""

    name = "complaints"
    version = 2
    #: Complaints, compliments and feedback carry no child reference (erasure: nothing to forget).
    holds_child_refs = False

    def __init__(self) -> None:
        self.files: dict[str, ComplaintFile] = {}
        #: received complaints by (received on, id): the register's order and ``since`` (decision 0815)
        self.by_received = DatedIndex()
        #: from when each complaint cannot be open: ``state="open"`` visits the others only
        self.settled = SettledIndex()

    def _file(self, complaint_id: str) -> ComplaintFile:
        found = self.files.get(complaint_id)
        if found is None:
            found = self.files[complaint_id] = ComplaintFile(complaint_id)
        return found

    def apply(self, event: ev.Event, position: int) -> None:
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
        else:
            return
        found = self.files[event.complaint_id]
        if found.received is not None:
            self.by_received.put(found.complaint_id, found.received.received_on)
        self.settled.put(found.complaint_id, found.settled_on())

    def received(self) -> Iterator[ComplaintFile]:
        """Files whose complaint was received (in id order)."""
        for complaint_id in sorted(self.files):
            found = self.files[complaint_id]
            if found.received is not None:
                yield found


@attrs.frozen
class ComplaintRow:
    """One complaint in ``qa.complaints_register(as_of=...)`` (SPEC section 5).

    ``stage`` is the furthest stage begun by ``as_of`` (corporate complaints: ``stage_1``);
    ``due_on`` that stage's deadline (R-CMP-1..3, R-CMP-6), counting an extension made by
    ``as_of``; ``state`` is ``closed`` once that stage has its response, ``withdrawn`` if it
    was withdrawn before a response, else ``open`` (R-CMP-5); ``breached`` when the stage was
    still open after ``due_on`` (a late response, a withdrawal after the deadline, or open past
    it at ``as_of``); ``late`` is R-CMP-4.
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


def register_row(
    found: ComplaintFile, policy: Policy, as_of: dt.date, days: WorkingDayIndex | None = None
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
    due = found.due_on(stage, policy, extended_by=as_of, days=days)
    response = found.responses.get(stage)
    if response is not None and response.responded_on > as_of:
        response = None
    withdrawn_on = found.withdrawn_on if found.withdrawn_on and found.withdrawn_on <= as_of else None
    if response is not None:
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
    )


def register(
    projection: Complaints,
    policy: Policy,
    as_of: dt.date,
    allows: Callable[[str | None], bool],
    *,
    states: frozenset[str] | None = None,
    since: dt.date | None = None,
) -> list[ComplaintRow]:
    """Every complaint received by ``as_of`` (and on or after ``since``) that
    ``allows(team_id)``, by receipt date then id; ``states``: only rows in those states.

    When only open rows are wanted, only the complaints not settled by ``as_of`` are visited
    (decision 0815).
    """
    if states is not None and states <= {OPEN}:
        pairs = sorted(
            (on, i)
            for i in projection.settled.maybe_open(as_of)
            if (on := projection.by_received.dates.get(i)) is not None and on <= as_of and (since is None or on >= since)
        )
        ids: Iterable[str] = [i for _, i in pairs]
    else:
        ids = projection.by_received.between(since, as_of)
    rows = []
    files = projection.files
    days = working_day_index(policy.calendar)
    for complaint_id in ids:
        found = files[complaint_id]
        assert found.received is not None
        if not allows(found.received.team_id):
            continue
        row = register_row(found, policy, as_of, days)
        if row is not None and (states is None or row.state in states):
            rows.append(row)
    return rows
