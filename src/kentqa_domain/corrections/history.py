"""The history of one subject: every event about it, in recording order (SPEC 9.1; decision 0981).

A subject is named ``kind:id`` (``worker:W1``, ``child:C1``, ``escalation:E1`` ...): the
aggregate stream its events are recorded on (the ``stream`` of each handler in an area's ``model.py``).
The history is that one stream, read by its stream id from the store's event table, so its
cost is bounded by the subject's events, never by the log. A child's stream is found through
its key id (``child:C1`` while the child has its key, ``child:anon-...`` by its token always);
a forgotten child's events read anonymous, followed by the fact that it was forgotten.

Corrections and withdrawals (SPEC 9.1, decision 0995) are shown where they were recorded, as
``RecordCorrected`` / ``RecordWithdrawn`` rows (the original, the replacement, when, who and
why); the original keeps its place with ``superseded_at`` the position of the correction
that replaced or withdrew it. A replacement is shown inside its correction, not again alone.

R-ACC-1: a principal sees a subject's history when any team or worker its events name
(``team_id``, ``worker_id``, ``raised_by``, ``iro_id``, ``chair_id``, an action's ``owner_id``;
a worker stands for their team now) is in their scope on the day ``as_of``, as a register row concerning several
parties is visible if any of them is. Actors recorded as given (an observer, an auditor, a
QA's ``by``) do not make a subject visible. Otherwise the history is empty: whether the
subject exists is not revealed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from ..errors import InvalidEvent, InvalidInput
from ..events import Event
from ..fields import check_identifier
from ..plain import Row
from ..privacy.keyring import key_id_of
from ..serialization.mapper import ChildForgotten, CorrectionMark, Recorded
from ..state.log import decode_row
from ..storage.store import CORRECTION_STREAM, ERASURE_STREAM, child_stream_id
from .events import RecordCorrected, RecordWithdrawn

if TYPE_CHECKING:
    from ..readmodel.view import View
    from ..state.engine import Engine

#: The kinds of subject, as the handlers of the areas' ``model.py`` name their streams.
SUBJECT_KINDS = (
    "worker",
    "team",
    "child",
    "observation",
    "audit",
    "theme",
    "escalation",
    "complaint",
    "compliment",
    "feedback",
)
#: Fields naming a worker whose scope (their team now, and themselves) makes a subject visible.
WORKER_FIELDS = ("worker_id", "raised_by", "iro_id", "chair_id")


@attrs.frozen
class HistoryRow(Row):
    """One event about a subject: its log ``position``, its ``type``, the ``event`` itself (a
    forgotten child's as it reads anonymously; ``ChildForgotten`` for the forgetting; a
    ``RecordCorrected`` or ``RecordWithdrawn`` for a correction), when the store recorded it
    (UTC), and ``superseded_at``: the position of the correction or withdrawal that replaced
    this event (None: it stands)."""

    position: int
    type: str
    event: Event | ChildForgotten | RecordCorrected | RecordWithdrawn
    recorded_at: dt.datetime | None = None
    superseded_at: int | None = None


def subject_stream(qa: Engine, subject: object) -> tuple[str, UUID | None]:
    """(kind, stream id) of ``subject``; the stream id is None for a child with no key (never
    recorded, or forgotten and asked for by its reference). A malformed subject is an
    ``InvalidInput`` naming ``subject``."""
    if not isinstance(subject, str) or ":" not in subject:
        raise InvalidInput(
            "history",
            "subject",
            "subject",
            f"must be KIND:ID with KIND among {', '.join(SUBJECT_KINDS)} (e.g. worker:W1); got {_shown(subject)}",
        )
    kind, ident = subject.split(":", 1)
    if kind not in SUBJECT_KINDS:
        raise InvalidInput(
            "history",
            "subject",
            "subject",
            f"{kind!r} is not a kind of subject: use one of {', '.join(SUBJECT_KINDS)}",
        )
    try:
        check_identifier(_HISTORY, _SUBJECT, ident)
    except InvalidEvent as exc:
        raise InvalidInput("history", "subject", exc.rule, f"the id after {kind}: {exc.message}") from None
    if kind != "child":
        return kind, qa.recording.stream_id(subject)
    key_id = key_id_of(ident)
    if key_id is None:
        key_id = qa.keyring.child_key_id(ident, create=False)
    return kind, child_stream_id(key_id) if key_id is not None else None


def read_history(
    qa: Engine, view: View, subject: str, scope_day: dt.date, as_worker: str | None
) -> list[HistoryRow]:
    """The rows of :meth:`QualityAssurance.history` at the view's position."""
    kind, stream = subject_stream(qa, subject)
    scope = view.scope(as_worker, on=scope_day)
    if stream is None or scope.kind == "none":
        return []
    rows = [r for r in _stream_rows(qa, stream) if int(r[0]) <= view.position]
    read: dict[int, Recorded] = {}
    tokens: set[str] = set()
    for row in rows:
        recorded, _ = decode_row(qa.event_mapper, row)
        if recorded.lost_key is not None:
            tokens.add(f"anon-{recorded.lost_key}")
        read[int(row[0])] = recorded
    fixes = _corrections(qa, read, view.position)
    replacements = {f.replacement for _p, f, _r in fixes if f.replacement is not None}
    superseded = {f.original: at for at, f, _r in fixes}
    out = [
        attrs.evolve(_row(position, recorded), superseded_at=superseded.get(position))
        for position, recorded in read.items()
        if position not in replacements
    ]
    for at, mark, recorded in fixes:
        out.append(HistoryRow(at, _fix_of(mark, read).type, _fix_of(mark, read), _when(recorded.recorded_at)))
    if kind == "child" and tokens:
        out.extend(_forgettings(qa, tokens, view.position))
    out.sort(key=lambda r: r.position)
    if scope.kind != "all" and not view.visible(scope, *_parties(view, subject, (r.event for r in out))):
        return []
    return out


def _row(position: int, recorded: Recorded) -> HistoryRow:
    event = recorded.event
    assert not isinstance(event, CorrectionMark)  # marks are read by _corrections
    return HistoryRow(position, type(event).__name__, event, _when(recorded.recorded_at))


def _corrections(
    qa: Engine, read: dict[int, Recorded], position: int
) -> list[tuple[int, CorrectionMark, Recorded]]:
    """(position, mark, as recorded) of the corrections of these events (the corrections'
    stream: one row a correction, however long the log)."""
    if not read:
        return []
    out = []
    for row in _stream_rows(qa, CORRECTION_STREAM):
        if int(row[0]) > position:
            continue
        recorded, _ = decode_row(qa.event_mapper, row)
        mark = recorded.event
        if isinstance(mark, CorrectionMark) and mark.original in read:
            out.append((int(row[0]), mark, recorded))
    return out


def _fix_of(mark: CorrectionMark, read: dict[int, Recorded]) -> RecordCorrected | RecordWithdrawn:
    """The correction or withdrawal a mark stands for, with the events as they read now."""
    original = read[mark.original].event
    reason = mark.reason if mark.reason is not None else SHREDDED
    if mark.replacement is None:
        return RecordWithdrawn(original, mark.on, mark.by, reason)
    return RecordCorrected(original, read[mark.replacement].event, mark.on, mark.by, reason)


#: The reason of a forgotten child's correction (sealed with the child's key, now destroyed).
SHREDDED = "(not kept: the child was forgotten)"


def _when(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _stream_rows(qa: Engine, stream: UUID) -> list[tuple[Any, ...]]:
    """The rows of one stream (position, stream, version, topic, state) by position: one
    indexed read of the event table (eventsourcing's primary key is the stream and version)."""
    tables = qa.state_tables
    recorder: Any = qa.recorder  # SQLite's or PostgreSQL's: both name their events table
    table = tables.qualify(recorder.events_table_name)
    position = tables.position_column
    statement = (
        f"SELECT {position}, originator_id, originator_version, topic, state FROM {table} "  # noqa: S608 - names, not input
        f"WHERE originator_id=? ORDER BY {position}"
    )
    return tables.select(statement, (tables.stream_key(stream),))


def _forgettings(qa: Engine, tokens: set[str], position: int) -> list[HistoryRow]:
    """The forgetting facts of these children's tokens (the erasure stream: one row a forgetting)."""
    out = []
    for row in _stream_rows(qa, ERASURE_STREAM):
        if int(row[0]) > position:
            continue
        recorded, _ = decode_row(qa.event_mapper, row)
        if isinstance(recorded.event, ChildForgotten) and recorded.event.token in tokens:
            out.append(_row(int(row[0]), recorded))
    return out


def _parties(view: View, subject: str, events: Iterable[object]) -> Sequence[tuple[str | None, str | None]]:
    """(team, worker) pairs a subject's events name (R-ACC-1): teams, and workers with their team now."""
    workers = view.write_model.workers
    parties: dict[tuple[str | None, str | None], None] = {}

    def worker(worker_id: str) -> None:
        found = workers.get(worker_id)
        parties[(found.team_id if found is not None else None, worker_id)] = None

    kind, ident = subject.split(":", 1)
    if kind == "team":
        parties[(ident, None)] = None
    elif kind == "worker":
        worker(ident)
    for event in events:
        team = getattr(event, "team_id", None)
        if isinstance(team, str):
            parties[(team, None)] = None
        for name in WORKER_FIELDS:
            value = getattr(event, name, None)
            if isinstance(value, str):
                worker(value)
        actions = getattr(event, "actions", None)
        one = getattr(event, "action", None)
        for action in (
            *(actions if isinstance(actions, tuple) else ()),
            *((one,) if one is not None else ()),
        ):
            owner = getattr(action, "owner_id", None)
            if isinstance(owner, str):
                worker(owner)
    return list(parties)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_HISTORY: Any = type("history", (), {})()  # names the query in field errors
_SUBJECT: Any = type("Attribute", (), {"name": "subject"})()
