"""The importer hook ``kentqa_register_importers`` and the import session, on every back end.

A small JSON-lines importer registered through the hook stands in for a real format, so the
session's duties are tested apart from SSDA903 and CIN: order events so the write model
accepts them, store each distinct event once, report repeats once, report refusals at the
row they came from, and store nothing new on a second import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.errors import PluginError
from kentqa_domain.importing import FileRead, Importer, ImportOptions, Located, Problem, SourceLocation
from kentqa_domain.importing.session import run_import
from kentqa_domain.plugins import importers, make_plugin_manager


def read_lines(paths: Sequence[Path], options: ImportOptions) -> Iterator[Located]:
    for path in paths:
        lines = path.read_text().splitlines()
        yield SourceLocation(str(path)), FileRead("JSON lines", len(lines))
        for number, line in enumerate(lines, start=1):
            obj = json.loads(line)
            where = SourceLocation(str(path), number, "event")
            if "problem" in obj:
                yield where, Problem(obj["problem"])
            else:
                yield where, kq.events.parse(obj)


LINES = Importer("jsonl-test", "JSON lines (tests)", (".jsonl",), read_lines)


class LinesPlugin:
    @kq.hookimpl
    def kentqa_register_importers(self, register: Callable[[str, Any], None]) -> None:
        register(LINES.name, LINES)


def test_importers_register_through_kentqa_register_importers() -> None:
    """The hook's registry holds the installed formats and ours; a clash names both plugins."""
    found = importers(make_plugin_manager(extra=[LinesPlugin()]))
    assert {"ssda903", "cin-census", "jsonl-test"} <= set(found)
    assert found["jsonl-test"][0] is LINES

    class Clash:
        @kq.hookimpl
        def kentqa_register_importers(self, register: Callable[[str, Any], None]) -> None:
            register("ssda903", LINES)

    with pytest.raises(PluginError, match="ssda903"):
        importers(make_plugin_manager(extra=[Clash()]))


def _write(path: Path, objects: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(o) for o in objects) + "\n")
    return path


LAC = {"type": "ChildBecameLookedAfter", "child_ref": "K1", "on": "2024-01-10"}
REVIEW = {
    "type": "ReviewHeld",
    "review_id": "R1",
    "child_ref": "K1",
    "kind": "looked_after_review",
    "held_on": "2024-02-01",
}
CEASED = {"type": "ChildCeasedLookedAfter", "child_ref": "K1", "on": "2024-02-01"}
STRANGER = {
    "type": "ReviewHeld",
    "review_id": "R2",
    "child_ref": "NOBODY",
    "kind": "looked_after_review",
    "held_on": "2024-02-01",
}


def test_the_session_orders_dedupes_reports_and_is_idempotent(qa: QualityAssurance, tmp_path: Path) -> None:
    """R-LAC-1: the review (line 1) before its child's plan (line 3) is still accepted; R-LAC-7:
    the end on the review's day comes after it; repeats and refusals are reported by line."""
    conflicting = {**REVIEW, "participation": "PN1"}
    path = _write(
        tmp_path / "a.jsonl",
        [CEASED, REVIEW, LAC, REVIEW, conflicting, STRANGER, {"problem": "line 7 is odd"}],
    )
    progress: list[tuple[int, int]] = []
    report = run_import(qa, LINES, [path], on_recorded=lambda done, total: progress.append((done, total)))
    assert qa.stats() == {"ChildBecameLookedAfter": 1, "ReviewHeld": 1, "ChildCeasedLookedAfter": 1}
    assert report.stored == 3 and report.already_recorded == 0
    assert [(d.location.row, d.of.row) for d in report.duplicates] == [(4, 2)]
    rows = {p.location.row: p.reason for p in report.problems}
    assert set(rows) == {5, 6, 7}
    assert "conflicts with" in rows[5] and "no plan in the store" in rows[6] and rows[7] == "line 7 is odd"
    assert progress[-1] == (4, 4)
    assert report.files[str(path)].kind == "JSON lines" and report.files[str(path)].rows == 7
    payload = report.to_json()
    assert payload["stored"] == 3 and payload["rows_with_problems"] == 3

    again = run_import(qa, LINES, [path])
    assert again.stored == 0 and again.already_recorded == 3
    assert sum(qa.stats().values()) == 3


def test_a_second_import_of_a_different_file_with_the_same_events_stores_nothing(
    qa: QualityAssurance, tmp_path: Path
) -> None:
    run_import(qa, LINES, [_write(tmp_path / "a.jsonl", [LAC, REVIEW])])
    report = run_import(qa, LINES, [_write(tmp_path / "b.jsonl", [REVIEW, LAC, CEASED])])
    assert report.stored_by_type == {"ChildCeasedLookedAfter": 1}
    assert report.already_recorded == 2
