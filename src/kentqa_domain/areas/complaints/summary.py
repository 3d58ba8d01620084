"""Complaints over a period, for the quarterly learning report and the six-monthly report to
senior managers (framework 4.3 "Learning from Compliments and Complaints"; R-CMP-1..7).

Counts are of *events dated in the period* [start, end]: complaints received, stages begun,
responses made, withdrawals, referrals to the Ombudsman. Each response is judged against the
deadline it answered to (the extension counted when it was made on or before the response;
a stage 3 response, 15 working days after the panel's report when there was one, R-CMP-7). "Open at end" is the
register at the period's last day. The timeliness share is responses on or before their due
date divided by responses (None when there were none).

A complaint counts only if one of its facts is dated in the period or it is open at the end,
so the query gives :func:`summarise` only those (``qa.complaints_summary``, decision 0900).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import attrs

from ...plain import Row, position_field
from ...policy import Policy
from ...values import ComplaintStage, Outcome
from .files import OPEN, ComplaintFile
from .register import register_row
from .timescales import is_late

#: Stage keys of a summary: the three statutory stages and the corporate (one-stage) route.
CORPORATE = "corporate"
STAGE_KEYS: tuple[str, ...] = (*(s.value for s in ComplaintStage), CORPORATE)


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide."""
    return part / whole if whole else None


@attrs.frozen
class StageTally:
    """One stage (or the corporate route) in a period: begun, responses, timeliness, outcomes."""

    stage: str
    begun: int
    responses: int
    on_time: int
    timeliness_share: float | None
    outcomes: dict[str, int]


@attrs.frozen
class ComplaintTally:
    """Complaints in a period for one group (everything, a service, or a team; key None = none given)."""

    key: str | None
    received: int
    corporate: int
    late: int
    withdrawn: int
    responses: int
    on_time: int
    timeliness_share: float | None
    outcomes: dict[str, int]
    by_stage: tuple[StageTally, ...]
    themes: dict[str, int]
    open_at_end: int
    overdue_at_end: int
    #: referred to the Ombudsman in the period (R-CMP-7)
    ombudsman: int = 0


@attrs.frozen
class LearningItem:
    """The learning and actions of one response made in the period."""

    complaint_id: str
    stage: str
    responded_on: dt.date
    on_time: bool
    outcome: Outcome
    service: str
    team_id: str | None
    themes: tuple[str, ...]
    learning: tuple[str, ...]
    actions: tuple[str, ...]


@attrs.frozen
class ComplaintsSummary(Row):
    """``qa.complaints_summary(start, end)``: the period overall, by service, by team, and what was learnt."""

    start: dt.date
    end: dt.date
    overall: ComplaintTally
    by_service: tuple[ComplaintTally, ...]
    by_team: tuple[ComplaintTally, ...]
    learning: tuple[LearningItem, ...]
    #: the log position this answer reflects (SPEC 9.5), set by the query
    position: int | None = position_field()


@attrs.define
class _Counts:
    received: int = 0
    corporate: int = 0
    late: int = 0
    withdrawn: int = 0
    begun: Counter[str] = attrs.Factory(Counter)
    responses: Counter[str] = attrs.Factory(Counter)
    on_time: Counter[str] = attrs.Factory(Counter)
    outcomes: Counter[tuple[str, str]] = attrs.Factory(Counter)
    themes: Counter[str] = attrs.Factory(Counter)
    open_at_end: int = 0
    overdue_at_end: int = 0
    ombudsman: int = 0

    def add(self, other: _Counts) -> None:
        self.received += other.received
        self.corporate += other.corporate
        self.late += other.late
        self.withdrawn += other.withdrawn
        self.open_at_end += other.open_at_end
        self.overdue_at_end += other.overdue_at_end
        self.ombudsman += other.ombudsman
        self.begun.update(other.begun)
        self.responses.update(other.responses)
        self.on_time.update(other.on_time)
        self.outcomes.update(other.outcomes)
        self.themes.update(other.themes)

    def tally(self, key: str | None) -> ComplaintTally:
        stages = tuple(
            StageTally(
                stage=k,
                begun=self.begun[k],
                responses=self.responses[k],
                on_time=self.on_time[k],
                timeliness_share=share(self.on_time[k], self.responses[k]),
                outcomes={o.value: self.outcomes[(k, o.value)] for o in Outcome},
            )
            for k in STAGE_KEYS
        )
        responses = sum(self.responses.values())
        on_time = sum(self.on_time.values())
        return ComplaintTally(
            key=key,
            received=self.received,
            corporate=self.corporate,
            late=self.late,
            withdrawn=self.withdrawn,
            responses=responses,
            on_time=on_time,
            timeliness_share=share(on_time, responses),
            outcomes={o.value: sum(s.outcomes[o.value] for s in stages) for o in Outcome},
            by_stage=stages,
            themes=dict(sorted(self.themes.items(), key=lambda kv: (-kv[1], kv[0]))),
            open_at_end=self.open_at_end,
            overdue_at_end=self.overdue_at_end,
            ombudsman=self.ombudsman,
        )


#: What a complaint with nothing in the period counts (compared with, never changed).
_NOTHING = _Counts()


def _stage_key(stage: ComplaintStage, statutory: bool) -> str:
    return stage.value if statutory else CORPORATE


def _counts_of(
    found: ComplaintFile, start: dt.date, end: dt.date, policy: Policy, learning: list[LearningItem]
) -> _Counts:
    received = found.received
    assert received is not None
    counts = _Counts()

    def inside(day: dt.date | None) -> bool:
        return day is not None and start <= day <= end

    if inside(received.received_on):
        counts.received = 1
        counts.corporate = int(not received.statutory)
        counts.late = int(is_late(received.received_on, received.matter_on, policy))
        counts.themes.update(dict.fromkeys(received.themes, 1))
    for stage in ComplaintStage:
        if inside(found.started_on(stage)):
            counts.begun[_stage_key(stage, received.statutory)] += 1
    for response, due in found.responses_with_due(policy):
        if not inside(response.responded_on):
            continue
        key = _stage_key(response.stage, received.statutory)
        on_time = response.responded_on <= due
        counts.responses[key] += 1
        counts.on_time[key] += int(on_time)
        counts.outcomes[(key, response.outcome.value)] += 1
        if response.learning or response.actions:
            learning.append(
                LearningItem(
                    complaint_id=received.complaint_id,
                    stage=key,
                    responded_on=response.responded_on,
                    on_time=on_time,
                    outcome=response.outcome,
                    service=received.service,
                    team_id=received.team_id,
                    themes=tuple(dict.fromkeys(received.themes)),
                    learning=response.learning,
                    actions=response.actions,
                )
            )
    if inside(found.withdrawn_on):
        counts.withdrawn = 1
    if inside(found.referred_on):
        counts.ombudsman = 1
    at_end = register_row(found, policy, end)
    if at_end is not None and at_end.state == OPEN:
        counts.open_at_end = 1
        counts.overdue_at_end = int(at_end.breached)
    return counts


def _grouped(groups: dict[str | None, _Counts]) -> tuple[ComplaintTally, ...]:
    keys = sorted(groups, key=lambda k: (k is None, k or ""))
    return tuple(groups[k].tally(k) for k in keys)


def summarise(
    files: Iterable[ComplaintFile], start: dt.date, end: dt.date, policy: Policy
) -> ComplaintsSummary:
    """The summary of ``files`` (already scoped) over [start, end]."""
    overall = _Counts()
    by_service: dict[str | None, _Counts] = {}
    by_team: dict[str | None, _Counts] = {}
    learning: list[LearningItem] = []
    for found in files:
        received = found.received
        assert received is not None
        if received.received_on > end:
            continue
        counts = _counts_of(found, start, end, policy, learning)
        if counts == _NOTHING:
            continue
        overall.add(counts)
        for groups, key in ((by_service, received.service), (by_team, received.team_id)):
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Counts()
            group.add(counts)
    learning.sort(key=lambda item: (item.responded_on, item.complaint_id, item.stage))
    return ComplaintsSummary(
        start=start,
        end=end,
        overall=overall.tally(None),
        by_service=_grouped(by_service),
        by_team=_grouped(by_team),
        learning=tuple(learning),
    )
