"""``kentqa record``: JSON lines in, each line all-or-nothing, refusals by file and line."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

import attrs
import orjson

from ..application import QualityAssurance
from ..errors import InvalidEvent


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
    positions = qa.record_many([o for _, o in good], on_invalid=lambda j, e: refuse(good[j][0], e))
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
