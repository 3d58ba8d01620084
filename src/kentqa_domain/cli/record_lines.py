"""``kentqa record``: JSON lines in, each line all-or-nothing, refusals by file and line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import attrs
import orjson

from ..application import QualityAssurance
from ..errors import InvalidEvent
from .progress import progress

#: Files of at least this many events get a progress bar, advanced every PROGRESS_STEP events.
PROGRESS_FROM = 5_000
PROGRESS_STEP = 2_000


@attrs.define
class RecordSummary:
    accepted: int = 0
    unchanged: int = 0
    refused: list[dict[str, Any]] = attrs.Factory(list)

    def to_json(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "unchanged": self.unchanged, "refused": self.refused}

    def describe(self) -> str:
        return f"{self.accepted} recorded, {self.unchanged} already recorded, {len(self.refused)} refused"


def _lines(files: Iterable[IO[str]]) -> Iterator[tuple[str, int, str]]:
    for handle in files:
        name = getattr(handle, "name", "-")
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if text and not text.startswith("#"):
                yield name, number, text


def _record_in_parts(
    qa: QualityAssurance, good: list[tuple[int, Any]], refuse: Callable[[int, InvalidEvent], None]
) -> list[int | None]:
    """``record_many`` PROGRESS_STEP events at a time, with a progress bar on stderr for big
    files at a terminal; refusals are reported by their index in the whole file."""
    positions: list[int | None] = []

    def record_part(start: int) -> int:
        part = good[start : start + PROGRESS_STEP]

        def refuse_in_part(j: int, error: InvalidEvent) -> None:
            refuse(good[start + j][0], error)

        positions.extend(qa.record_many([o for _, o in part], on_invalid=refuse_in_part))
        return start + len(part)

    starts = range(0, len(good), PROGRESS_STEP)
    if len(good) >= PROGRESS_FROM and sys.stderr.isatty():
        with progress() as bar:
            task = bar.add_task("Recording", total=len(good))
            for start in starts:
                bar.update(task, completed=record_part(start))
    else:
        for start in starts:
            record_part(start)
    return positions


def record_files(qa: QualityAssurance, files: Iterable[IO[str]]) -> RecordSummary:
    summary = RecordSummary()
    where: list[tuple[str, int]] = []
    objects: list[Any] = []
    for name, number, text in _lines(files):
        try:
            objects.append(orjson.loads(text))
        except orjson.JSONDecodeError as exc:
            objects.append(InvalidEvent("event", None, "json", f"not valid JSON: {exc}"))
        where.append((name, number))

    def refuse(index: int, error: InvalidEvent) -> None:
        name, number = where[index]
        summary.refused.append({"file": name, "line": number, "text": str(error), **error.to_json()})

    good = [(i, o) for i, o in enumerate(objects) if not isinstance(o, InvalidEvent)]
    for i, o in enumerate(objects):
        if isinstance(o, InvalidEvent):
            refuse(i, o)
    before = qa.position
    positions = _record_in_parts(qa, good, refuse)
    new: set[int] = set()
    for position in positions:
        if position is None:
            continue
        if position > before and position not in new:
            new.add(position)  # a line repeating an earlier line of this run is "already recorded"
            summary.accepted += 1
        else:
            summary.unchanged += 1
    summary.refused.sort(key=lambda r: (r["file"], r["line"]))
    for row in summary.refused:
        print(f"{row['file']}:{row['line']}: {row.pop('text')}", file=sys.stderr)
    return summary
