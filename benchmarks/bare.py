"""The baseline: bare eventsourcing saving equivalent aggregates in batches of 100.

Every kentqa stream (``worker:W1``, ``child:C1`` ...) is one :class:`Subject` aggregate with
the same originator id; every kentqa event type is an aggregate event class with the same
fields and types (dates as dates, enums as their string values, tuples as lists, actions
and grade maps as dicts), generated from the kentqa event classes. The first event of a
stream creates the aggregate, later ones are triggered on it. Aggregates are kept in memory
(as an unbounded aggregate cache would), so the baseline never reads one back: it is the
cheapest way eventsourcing can store this work. Nothing is validated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Transcoding

from kentqa_domain.application import stream_id
from kentqa_domain.events import EVENT_TYPES, Event
from kentqa_domain.recording.write_model import WriteModel

BATCH = 100


class Subject(Aggregate):
    """One kentqa aggregate stream, without any of kentqa's rules."""


def _plain(value: Any) -> Any:
    if isinstance(value, str | bool | int | dt.date) or value is None:
        return getattr(value, "value", value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return {a.name: _plain(getattr(value, a.name)) for a in attrs.fields(type(value))}
    return value


def _event_classes() -> dict[str, tuple[type[Any], type[Any]]]:
    """Per kentqa event type, a creating and a following aggregate event class."""
    classes: dict[str, tuple[type[Any], type[Any]]] = {}
    for name, cls in EVENT_TYPES.items():
        annotations = {a.name: Any for a in attrs.fields(cls)}  # type: ignore[arg-type]
        made = type(
            name,
            (Aggregate.Created,),
            {
                "__annotations__": dict(annotations),
                "__qualname__": f"Subject.{name}",
                "__module__": __name__,
            },
        )
        then = type(
            f"{name}Then",
            (Aggregate.Event,),
            {
                "__annotations__": dict(annotations),
                "__qualname__": f"Subject.{name}Then",
                "__module__": __name__,
            },
        )
        setattr(Subject, name, made)
        setattr(Subject, f"{name}Then", then)
        classes[name] = (made, then)
    return classes


EVENT_CLASSES = _event_classes()


class DateAsISO(Transcoding):
    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        return dt.date.fromisoformat(data)


class BareApplication(Application[UUID]):
    """A plain eventsourcing application (its default JSON transcoder, a date transcoding)."""

    name = "Bare"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


@attrs.frozen
class Operation:
    """One event to store: its stream, kentqa type and fields (converted before timing)."""

    stream: UUID
    type_name: str
    fields: dict[str, Any]


def operations(events: Iterable[Event], book: WriteModel) -> Iterator[Operation]:
    """The bare operations for kentqa events (the same stream per event as kentqa uses)."""
    for event in events:
        stream = stream_id(book.stream(event))
        book.apply(event)
        cls = type(event)
        fields = {a.name: _plain(getattr(event, a.name)) for a in attrs.fields(cls)}  # type: ignore[arg-type]
        yield Operation(stream, cls.__name__, fields)


class BareIngest:
    """Saves operations as aggregates, 100 aggregates per ``save``."""

    def __init__(self, app: BareApplication) -> None:
        self.app = app
        self.aggregates: dict[UUID, Subject] = {}
        self.batch: dict[UUID, Subject] = {}
        self.saved = 0

    def apply(self, ops: list[Operation]) -> None:
        aggregates, batch = self.aggregates, self.batch
        for op in ops:
            made, then = EVENT_CLASSES[op.type_name]
            aggregate = aggregates.get(op.stream)
            if aggregate is None:
                aggregate = Subject._create(made, id=op.stream, **op.fields)
                aggregates[op.stream] = aggregate
            else:
                aggregate.trigger_event(then, **op.fields)
            batch[op.stream] = aggregate
            if len(batch) >= BATCH:
                self.flush()

    def flush(self) -> None:
        if self.batch:
            self.app.save(*self.batch.values())
            self.saved += len(self.batch)
            self.batch.clear()


def read_and_decode(app: BareApplication, page: int = 2_000) -> int:
    """Read every stored event and decode it to its domain event (the replay baseline)."""
    count, start = 0, 1
    mapper = app.mapper
    while True:
        notifications = app.recorder.select_notifications(start=start, limit=page)
        for notification in notifications:
            mapper.to_domain_event(notification)
        count += len(notifications)
        if len(notifications) < page:
            return count
        start = notifications[-1].id + 1
