"""One import: read files through an importer, then record every good event, and report.

The session collects what the importer yields, reports rows that repeat an earlier row once
(and stores them once), records the events in an order the write model accepts
(:mod:`.order`), and reports every refusal at the row it came from. Events already in the
store (an earlier import of the same file) are counted as "already recorded": recording is
idempotent (SPEC section 2), so a second import stores nothing new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import InvalidEvent, UnknownReference
from ..events import Event
from ..recording.identity import identity_of
from ..values import PlanKind, ReviewKind
from .model import Duplicate, FileRead, Importer, ImportOptions, Problem, SourceLocation
from .order import recording_key

if TYPE_CHECKING:
    from ..application import QualityAssurance

RECORD_BATCH = 500

OnRecorded = Callable[[int, int], None]


@attrs.frozen
class ReportedProblem:
    """A problem as the report lists it: where, and why it was not imported."""

    location: SourceLocation
    reason: str

    def to_json(self) -> dict[str, object]:
        return {**self.location.to_json(), "reason": self.reason}

    def describe(self) -> str:
        return f"{self.location.describe()}: {self.reason}"


@attrs.frozen
class ReportedDuplicate:
    """A row that repeats another: imported once."""

    location: SourceLocation
    of: SourceLocation

    def to_json(self) -> dict[str, object]:
        return {"file": self.location.file, "row": self.location.row, "duplicate_of": self.of.to_json()}

    def describe(self) -> str:
        return f"{self.location.describe()}: repeats {self.of.describe()} (imported once)"


@attrs.define
class FileReport:
    """What one file gave."""

    file: str
    kind: str | None = None
    rows: int = 0
    unit: str = "rows"
    events: int = 0
    stored: int = 0
    already_recorded: int = 0
    duplicates: int = 0
    problems: int = 0

    def to_json(self) -> dict[str, object]:
        return attrs.asdict(self)


@attrs.define
class ImportReport:
    """The summary of an import: per file, what was stored, skipped and why."""

    format: str
    files: dict[str, FileReport] = attrs.Factory(dict)
    stored_by_type: Counter[str] = attrs.Factory(Counter)
    already_recorded: int = 0
    problems: list[ReportedProblem] = attrs.Factory(list)
    duplicates: list[ReportedDuplicate] = attrs.Factory(list)

    @property
    def stored(self) -> int:
        return sum(self.stored_by_type.values())

    @property
    def rows_with_problems(self) -> int:
        return len({(p.location.file, p.location.row) for p in self.problems})

    def file(self, name: str) -> FileReport:
        report = self.files.get(name)
        if report is None:
            report = self.files[name] = FileReport(name)
        return report

    def add_problem(self, location: SourceLocation, reason: str) -> None:
        self.problems.append(ReportedProblem(location, reason))
        self.file(location.file).problems += 1

    def add_duplicate(self, location: SourceLocation, of: SourceLocation) -> None:
        row = location.at(None)
        if any(d.location == row for d in self.duplicates):
            return  # a row is reported once, however many events it repeats
        self.duplicates.append(ReportedDuplicate(row, of.at(None)))
        self.file(location.file).duplicates += 1

    def sort(self) -> None:
        key = _location_key
        self.problems.sort(key=lambda p: (key(p.location), p.reason))
        self.duplicates.sort(key=lambda d: key(d.location))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "stored": self.stored,
            "stored_by_type": dict(sorted(self.stored_by_type.items())),
            "already_recorded": self.already_recorded,
            "duplicate_rows": len(self.duplicates),
            "rows_with_problems": self.rows_with_problems,
            "files": [f.to_json() for f in self.files.values()],
            "problems": [p.to_json() for p in self.problems],
            "duplicates": [d.to_json() for d in self.duplicates],
        }

    def describe(self) -> str:
        """The summary as a few lines of text (problems are listed separately)."""
        lines = [f"{self.format}: {len(self.files)} file(s)"]
        for f in self.files.values():
            lines.append(
                f"  {f.file}: {f.kind or 'not recognised'}, {f.rows} {f.unit}; "
                f"{f.stored} events stored, {f.already_recorded} already recorded, "
                f"{f.duplicates} duplicate rows, {f.problems} problems"
            )
        by_type = ", ".join(f"{n} {t}" for t, n in sorted(self.stored_by_type.items())) or "nothing new"
        lines.append(f"Imported: {self.stored} events ({by_type})")
        lines.append(
            f"Skipped: {self.already_recorded} events already recorded; "
            f"{len(self.duplicates)} duplicate rows (imported once); "
            f"{len(self.problems)} problems in {self.rows_with_problems} rows or files (not imported)"
        )
        return "\n".join(lines)


def _location_key(location: SourceLocation) -> tuple[str, int, str]:
    return (location.file, location.row or 0, location.column or "")


def run_import(
    qa: QualityAssurance,
    importer: Importer,
    paths: Sequence[Path],
    options: ImportOptions | None = None,
    *,
    on_recorded: OnRecorded | None = None,
) -> ImportReport:
    """Import ``paths`` with ``importer`` into ``qa``; every good event is recorded.

    ``on_recorded(done, total)`` is called after each batch (for a progress bar).
    """
    options = attrs.evolve(options or ImportOptions(), known_plans=_known_plans(qa))
    report = ImportReport(importer.name)
    for path in paths:
        report.file(str(path))
    located = _collect(importer.read(paths, options), report)
    ordered = [located[i] for i in sorted(range(len(located)), key=lambda i: recording_key(located[i][1], i))]
    _record(qa, ordered, report, on_recorded)
    report.sort()
    return report


def _known_plans(qa: QualityAssurance) -> Callable[[str], frozenset[PlanKind]]:
    """The plans the write model holds for a child (its ``Child`` record in the write model)."""
    qa.catch_up()

    def known(child_ref: str) -> frozenset[PlanKind]:
        child = qa.recording.child(child_ref)
        return _plans_of(child) if child is not None else frozenset()

    return known


def _plans_of(child: object) -> frozenset[PlanKind]:
    # The write model's child record has named its facts in more than one way as the rules
    # grew: a set of plans seen, or the dates of each plan's starts. Read whichever it has.
    seen = getattr(child, "plans_seen", None)
    if seen is not None:
        return frozenset(seen)
    plans = set()
    if getattr(child, "lac_starts", None):
        plans.add(PlanKind.LOOKED_AFTER)
    reviews = getattr(child, "reviews", {}) or {}
    if getattr(child, "strategy_discussions", None) or any(
        kind is ReviewKind.INITIAL_CP_CONFERENCE for kind, _ in reviews.values()
    ):
        plans.add(PlanKind.CHILD_PROTECTION)
    return frozenset(plans)


def _collect(
    items: Iterable[tuple[SourceLocation, object]], report: ImportReport
) -> list[tuple[SourceLocation, Event]]:
    """Sort the importer's items into the report; events that repeat an earlier one are duplicates."""
    events: list[tuple[SourceLocation, Event]] = []
    first_seen: dict[str, tuple[SourceLocation, Event]] = {}
    for location, item in items:
        if isinstance(item, Event):
            key = identity_of(item)
            earlier = first_seen.get(key)
            if earlier is None:
                first_seen[key] = (location, item)
                events.append((location, item))
                report.file(location.file).events += 1
            elif earlier[1] == item:
                report.add_duplicate(location, earlier[0])
            else:
                report.add_problem(
                    location,
                    f"{item.type} conflicts with {earlier[0].describe()} (same identity, other "
                    "content): not imported",
                )
        elif isinstance(item, Problem):
            report.add_problem(location, item.reason)
        elif isinstance(item, Duplicate):
            report.add_duplicate(location, item.of)
        elif isinstance(item, FileRead):
            file_report = report.file(location.file)
            file_report.kind = item.kind
            file_report.rows = item.rows
            file_report.unit = item.unit
        else:
            raise TypeError(
                f"an importer yielded {type(item).__name__}, not an event, Problem, Duplicate or FileRead"
            )
    return events


def _record(
    qa: QualityAssurance,
    ordered: list[tuple[SourceLocation, Event]],
    report: ImportReport,
    on_recorded: OnRecorded | None,
) -> None:
    done = 0
    for batch in _batches(ordered, RECORD_BATCH):

        def refused(
            index: int, error: InvalidEvent, batch: list[tuple[SourceLocation, Event]] = batch
        ) -> None:
            report.add_problem(batch[index][0], _refusal(error))

        qa.catch_up()  # events others recorded meanwhile are not ours to count as new
        before = qa.position
        # R-INP-1 is the importer's own: it refuses dates after --as-of (``not_after``)
        positions = qa.record_many([event for _, event in batch], on_invalid=refused, allow_future=True)
        for (location, event), position in zip(batch, positions, strict=True):
            if position is None:
                continue
            file_report = report.file(location.file)
            if position > before:
                report.stored_by_type[event.type] += 1
                file_report.stored += 1
            else:
                report.already_recorded += 1
                file_report.already_recorded += 1
        done += len(batch)
        if on_recorded is not None:
            on_recorded(done, len(ordered))


def _refusal(error: InvalidEvent) -> str:
    if isinstance(error, UnknownReference) and error.field == "child_ref":
        return f"refused: the child has no plan in the store nor in these files ({error})"
    return f"refused: {error}"


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
