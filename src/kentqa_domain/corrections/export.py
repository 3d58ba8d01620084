"""Export: the log as JSON lines that ``kentqa record`` reads back (SPEC 9.1; decision 0980).

The log is read a page at a time (``LogReader.read_page``, as ``replay`` reads it) and each
stored event is written as its JSON object (:func:`kentqa_domain.events.to_json`), in log
order, one per line: recorded in that order into an empty store, every event passes the same
rules it passed the first time, so the new store answers alike. Memory holds one page.

An event of a child is written as it reads with the store's keys: in full while the child's
key exists, anonymous once the child was forgotten (decision 0601). A forgotten child's
events name a *stand-in* reference in place of its token (``forgotten-<key id>``: a token
itself is refused by recording, issue 17), and the fact that it was forgotten is written
where it stands in the log as ``{"type": "ChildForgotten", "child_ref": <stand-in>, "on":
<date>}``. ``kentqa record`` forgets that stand-in when it reads the line, so the new store
holds the child forgotten, counted anonymously under a token of its own. Nothing of the child
that the store could no longer read is written.

A correction or withdrawal (SPEC 9.1, decision 0995) is written where it stands in the log as
its ``RecordCorrected`` / ``RecordWithdrawn`` object (the original and the replacement as they
read), which ``kentqa record`` records as a correction; a replacement is written only inside
its correction. So the new store holds the same history, corrections included.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
import orjson

from ..errors import InvalidEvent, InvalidInput
from ..events import EVENT_TYPES, to_json
from ..plain import Row
from ..privacy.keyring import key_id_of
from ..serialization.mapper import CORRECTION_TOPIC, FORGOTTEN_TOPIC, ChildForgotten, CorrectionMark
from ..state.log import decode_row
from .events import CORRECTED, CORRECTION_TYPES, WITHDRAWN
from .history import SHREDDED

if TYPE_CHECKING:
    from ..state.engine import Engine

#: The ``type`` of an exported forgetting line (not an event: ``record_many`` refuses it).
FORGETTING = "ChildForgotten"
#: What replaces a forgotten child's token in its exported events (decision 0980).
STAND_IN = "forgotten-"
#: Log rows read per page: the most an export holds in memory at once.
PAGE = 1_000
#: ``progress(position, last)``: after each page, the last position read and the log's end.
OnProgress = Callable[[int, int], None]


@attrs.frozen
class ExportSummary(Row):
    """What an export wrote: events and forgettings, and the log positions it covered.
    ``position`` is where it stopped: give it as ``since`` to export what comes after."""

    events: int
    forgettings: int
    since: int
    position: int
    #: corrections and withdrawals written
    corrections: int = 0


def stand_in(token: str) -> str:
    """The reference a forgotten child's events carry in an export (its token's key id)."""
    key_id = key_id_of(token)
    return f"{STAND_IN}{key_id if key_id is not None else token}"


def export_log(
    qa: Engine,
    target: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    since: int | None = None,
    types: Iterable[str] | None = None,
    progress: OnProgress | None = None,
) -> ExportSummary:
    """See :meth:`kentqa_domain.application.QualityAssurance.export`."""
    start = _since(since)
    wanted = _types(types)
    if isinstance(target, (str, os.PathLike)):
        with Path(target).open("wb") as handle:
            return _write(qa, handle, start, wanted, progress)
    return _write(qa, target, start, wanted, progress)


def _write(
    qa: Engine,
    out: IO[Any],
    since: int,
    wanted: frozenset[str] | None,
    progress: OnProgress | None,
) -> ExportSummary:
    write = _writer(out)
    end = qa.log.end()  # what is recorded meanwhile is left to the next export (--since)
    events = forgettings = corrections = 0
    start = since + 1
    while start <= end:
        page = qa.log.read_page(start, min(PAGE, end - start + 1))
        if not page:
            break
        replacements = {
            p for p, f in qa.state_tables.fold_marks(None, page[0][0], page[-1][0]).items() if f < 0
        }
        lines = []
        for row in page:
            topic = row[3]
            if row[0] in replacements:  # written inside its correction
                continue
            if topic == CORRECTION_TOPIC:
                fix = _correction(qa, row)
                if wanted is None or fix["type"] in wanted:
                    lines.append(orjson.dumps(fix))
                    corrections += 1
                continue
            if wanted is not None and (FORGETTING if topic == FORGOTTEN_TOPIC else topic) not in wanted:
                continue
            recorded, _ = decode_row(qa.event_mapper, row)
            event = recorded.event
            if isinstance(event, ChildForgotten):
                lines.append(_forgetting(event))
                forgettings += 1
                continue
            lines.append(orjson.dumps(_event_json(recorded)))
            events += 1
        if lines:
            write(b"\n".join(lines) + b"\n")
        start = int(page[-1][0]) + 1
        if progress is not None:
            progress(int(page[-1][0]), end)
    out.flush()
    return ExportSummary(
        events=events, forgettings=forgettings, since=since, position=max(end, since), corrections=corrections
    )


def _event_json(recorded: Any) -> dict[str, Any]:
    """An event's JSON as exported: a forgotten child's with its stand-in reference."""
    obj = to_json(recorded.event)
    if recorded.lost_key is not None and isinstance(obj.get("child_ref"), str):
        obj["child_ref"] = stand_in(obj["child_ref"])
    return obj


def _correction(qa: Engine, row: Any) -> dict[str, Any]:
    """A correction's mark as its ``RecordCorrected`` / ``RecordWithdrawn`` line."""
    recorded, _ = decode_row(qa.event_mapper, row)
    mark = recorded.event
    assert isinstance(mark, CorrectionMark)

    def event_at(position: int) -> dict[str, Any]:
        (found,) = qa.log.read_page(position, 1)
        return _event_json(decode_row(qa.event_mapper, found)[0])

    body: dict[str, Any] = {"type": WITHDRAWN if mark.replacement is None else CORRECTED}
    body["original"] = event_at(mark.original)
    if mark.replacement is None:
        body["withdrawn_on"] = mark.on.isoformat()
    else:
        body["replacement"] = event_at(mark.replacement)
        body["corrected_on"] = mark.on.isoformat()
    # the events as they read (a forgotten child's under its stand-in), written as they are
    return body | {"by": mark.by, "reason": mark.reason if mark.reason is not None else SHREDDED}


def _forgetting(fact: ChildForgotten) -> bytes:
    return orjson.dumps({"type": FORGETTING, "child_ref": stand_in(fact.token), "on": fact.on.isoformat()})


def _writer(out: IO[Any]) -> Callable[[bytes], object]:
    if isinstance(out, io.TextIOBase):
        return lambda data: out.write(data.decode("utf-8"))
    return out.write


def _since(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput("export", "since", "position", f"must be a log position, 0 or more; got {value!r}")
    return value


def _types(given: Iterable[str] | None) -> frozenset[str] | None:
    if given is None:
        return None
    names = (given,) if isinstance(given, str) else tuple(given)
    for name in names:
        if name not in (FORGETTING, *CORRECTION_TYPES) and name not in EVENT_TYPES:
            raise InvalidInput(
                "export", "types", "event type", f"{name!r} is not an event type (see docs/events.md)"
            )
    return frozenset(names)


def forgetting_of(obj: Any) -> tuple[str, dt.date] | InvalidEvent | None:
    """An exported forgetting line's (stand-in reference, date), its refusal if malformed, or
    None if ``obj`` is not a forgetting line (``kentqa record``; decision 0980)."""
    if not isinstance(obj, dict) or obj.get("type") != FORGETTING:
        return None
    ref, on = obj.get("child_ref"), obj.get("on")
    extra = sorted(set(obj) - {"type", "child_ref", "on"})
    if extra:
        return InvalidEvent(FORGETTING, extra[0], "shape", "a forgetting line has only child_ref and on")
    if not isinstance(ref, str) or not ref:
        return InvalidEvent(FORGETTING, "child_ref", "required", "must be the child's reference")
    try:
        day = dt.date.fromisoformat(on) if isinstance(on, str) and len(on) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return InvalidEvent(FORGETTING, "on", "date", f"must be an ISO date YYYY-MM-DD; got {on!r}")
    return ref, day
