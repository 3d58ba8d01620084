"""``kentqa record``: JSON lines in, each line all-or-nothing, refusals by file and line.

The input is streamed (issue 17, finding 5): lines are read as bytes, decoded one at a time
and recorded CHUNK at a time, so memory holds one chunk of events (and the refusals), not
the file. A line that is not UTF-8 is refused by its number like any other bad line; the
lines around it are still recorded. A ``ChildForgotten`` line (written by ``kentqa export``
for a child forgotten in the exported store, decision 0980) forgets that child here, after
the lines before it.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

import attrs
import orjson

from ..application import QualityAssurance
from ..corrections.export import forgetting_of
from ..errors import InvalidEvent
from .progress import progress

#: Events recorded per ``record_many`` call: the most the command holds in memory at once.
CHUNK = 2_000
#: Inputs of at least this many bytes get a progress bar (on a terminal).
PROGRESS_FROM_BYTES = 1_000_000
BOM = b"\xef\xbb\xbf"


@attrs.define
class RecordSummary:
    accepted: int = 0
    unchanged: int = 0
    refused: list[dict[str, Any]] = attrs.Factory(list)
    #: children forgotten by exported ``ChildForgotten`` lines (decision 0980)
    forgotten: int = 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "accepted": self.accepted,
            "unchanged": self.unchanged,
            "refused": self.refused,
        }
        if self.forgotten:
            out["forgotten"] = self.forgotten
        return out

    def describe(self) -> str:
        said = f"{self.accepted} recorded, {self.unchanged} already recorded, {len(self.refused)} refused"
        return said + (f", {self.forgotten} children forgotten" if self.forgotten else "")


@attrs.define
class _Input:
    """Where the reading is: bytes read so far (for the progress bar)."""

    read: int = 0


def _not_utf8(raw: bytes, error: UnicodeDecodeError) -> InvalidEvent:
    return InvalidEvent(
        "event",
        None,
        "utf-8",
        f"not valid UTF-8: byte 0x{raw[error.start]:02x} at byte {error.start + 1} of the line "
        "(save the file as UTF-8)",
    )


def _lines(files: Iterable[IO[bytes]], where: _Input) -> Iterator[tuple[str, int, str | InvalidEvent]]:
    """(file name, line number, text or the reason it cannot be read), skipping blank and #
    lines. Lines end at LF, CRLF or a lone CR, as in text mode; a UTF-8 BOM is dropped."""
    for handle in files:
        name = str(getattr(handle, "name", "-"))
        number = 0
        for index, read in enumerate(handle):
            where.read += len(read)
            raw = read.removeprefix(BOM) if index == 0 else read
            for piece in _pieces(raw):
                number += 1
                try:
                    text = piece.decode("utf-8").strip()
                except UnicodeDecodeError as error:
                    yield name, number, _not_utf8(piece, error)
                    continue
                if text and not text.startswith("#"):
                    yield name, number, text


def _pieces(line: bytes) -> list[bytes]:
    """A line read up to LF, split at lone CRs as text mode does (a CR at its very end, with no
    LF after it, ends it). A CR byte is never part of a multi-byte UTF-8 character."""
    pieces = line.replace(b"\r\n", b"\n").split(b"\r")
    if len(pieces) > 1 and not pieces[-1]:
        pieces.pop()
    return pieces


def _size(files: Iterable[IO[bytes]]) -> int | None:
    """The total size of the inputs if they are all regular files, else None."""
    total = 0
    for handle in files:
        try:
            info = os.fstat(handle.fileno())
        except (AttributeError, OSError, ValueError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        total += info.st_size
    return total


class _Recorder:
    """Records one chunk of parsed lines at a time and keeps the summary."""

    def __init__(self, qa: QualityAssurance, *, allow_future: bool = False) -> None:
        self.qa = qa
        self.allow_future = allow_future
        self.summary = RecordSummary()
        self.highest = qa.position  # positions above this were stored by this run

    def refuse(self, name: str, number: int, error: InvalidEvent) -> None:
        self.summary.refused.append({"file": name, "line": number, "text": str(error), **error.to_json()})

    def record(self, chunk: list[tuple[str, int, Any]]) -> None:
        def refused(index: int, error: InvalidEvent) -> None:
            self.refuse(chunk[index][0], chunk[index][1], error)

        positions = self.qa.record_many(
            [obj for *_, obj in chunk], on_invalid=refused, allow_future=self.allow_future
        )
        for position in positions:
            if position is None:
                continue
            if position > self.highest:
                self.highest = position
                self.summary.accepted += 1
            else:  # stored before, or a line repeating an earlier line of this run
                self.summary.unchanged += 1

    def forget(self, name: str, number: int, forgetting: tuple[str, dt.date] | InvalidEvent) -> None:
        """An exported ``ChildForgotten`` line: forget that child here, as the export's store did."""
        if isinstance(forgetting, InvalidEvent):
            self.refuse(name, number, forgetting)
            return
        ref, on = forgetting
        try:
            erasure = self.qa.forget_child(ref, on=on)
        except InvalidEvent as error:
            self.refuse(name, number, error)
            return
        self.summary.forgotten += 1
        self.highest = max(self.highest, self.qa.position)
        if not erasure.scrubbed:
            print(f"{name}:{number}: forgotten, but {erasure.problem}: run kentqa scrub", file=sys.stderr)


def record_files(
    qa: QualityAssurance, files: Iterable[IO[bytes]], *, allow_future: bool = False, only: str | None = None
) -> RecordSummary:
    """Record every JSON line of ``files`` (opened in binary), CHUNK events at a time; a
    business date after today refuses its line unless ``allow_future`` (R-INP-1). With
    ``only`` (``kentqa correct``/``withdraw``: ``RecordCorrected``/``RecordWithdrawn``), every
    line is one of those (its ``type`` may be left out); a line of another type is refused."""
    files = list(files)
    recorder = _Recorder(qa, allow_future=allow_future)
    where = _Input()
    total = _size(files)
    show = total is not None and total >= PROGRESS_FROM_BYTES and sys.stderr.isatty()
    with progress(quiet=not show) as bar:
        task = bar.add_task("Recording", total=total)
        chunk: list[tuple[str, int, Any]] = []
        for name, number, text in _lines(files, where):
            obj: Any = text if isinstance(text, InvalidEvent) else _parse(text)
            if only is not None and not isinstance(obj, InvalidEvent):
                obj = _only(obj, only)
            if isinstance(obj, InvalidEvent):
                recorder.refuse(name, number, obj)
                continue
            forgetting = forgetting_of(obj)
            if forgetting is not None:  # an exported forgetting (decision 0980): in its place
                if chunk:
                    recorder.record(chunk)
                    chunk = []
                recorder.forget(name, number, forgetting)
                continue
            chunk.append((name, number, obj))
            if len(chunk) >= CHUNK:
                recorder.record(chunk)
                chunk = []
                bar.update(task, completed=where.read)
        if chunk:
            recorder.record(chunk)
        bar.update(task, completed=where.read)
    summary = recorder.summary
    summary.refused.sort(key=lambda r: (r["file"], r["line"]))
    for row in summary.refused:
        print(f"{row['file']}:{row['line']}: {row.pop('text')}", file=sys.stderr)
    return summary


def _only(obj: Any, kind: str) -> Any:
    """A line of ``kentqa correct``/``withdraw``: ``kind``, with its ``type`` filled in."""
    if not isinstance(obj, dict):
        return InvalidEvent(kind, None, "shape", f"must be a JSON object, not {type(obj).__name__}")
    given = obj.get("type", kind)
    if given != kind:
        return InvalidEvent(
            str(given)[:60] or kind,
            "type",
            "known-type",
            f"this command takes {kind} lines; record events with kentqa record",
        )
    return {"type": kind, **{k: v for k, v in obj.items() if k != "type"}}


def _parse(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return InvalidEvent("event", None, "json", f"not valid JSON: {exc}")
