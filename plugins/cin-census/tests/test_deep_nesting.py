"""Deeply nested XML (issue 17, finding 9): 200,000 nested elements (1.4 MB) took 22 s, the
open path being copied and compared at every tag. Now each element costs the same at any
depth (counted below, not timed), and nesting deeper than MAX_DEPTH is refused by line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from kentqa_cin_census import IMPORTER
from kentqa_cin_census.children import MAX_DEPTH, TooDeep, _ChildCollector, children

import kentqa_domain as kq
from kentqa_domain.importing import ImportOptions
from kentqa_domain.importing.session import run_import

TODAY = dt.date(2026, 11, 26)
GOOD = (
    "<Child><ChildIdentifiers><LAchildID>K1</LAchildID></ChildIdentifiers>"
    "<CINdetails><DateOfInitialCPC>2021-05-10</DateOfInitialCPC></CINdetails></Child>"
)


def nested(depth: int) -> str:
    return "<a>" * depth + "</a>" * depth


def message(*parts: str) -> bytes:
    return ("<Message><Children>\n" + "\n".join(parts) + "\n</Children></Message>").encode()


def test_200000_levels_are_refused_by_line_and_the_children_before_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "deep.xml"
    path.write_bytes(message(GOOD, f"<Child>{nested(200_000)}</Child>", GOOD.replace("K1", "K2")))
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY))
        assert qa.stats() == {"ReviewHeld": 1}
    (problem,) = report.problems
    assert problem.location.row == 3
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.reason
    assert "nothing after this point is imported" in problem.reason


def test_nesting_up_to_the_limit_is_read() -> None:
    inner = MAX_DEPTH - 3  # Message, Children, Child
    doc = message(
        f"<Child>{nested(inner)}<ChildIdentifiers><LAchildID>K</LAchildID></ChildIdentifiers></Child>"
    )
    assert len(list(children(io.BytesIO(doc)))) == 1
    with pytest.raises(TooDeep):
        list(children(io.BytesIO(message(f"<Child>{nested(inner + 1)}</Child>"))))


@pytest.mark.parametrize("depth", [4, 16, 60])
def test_the_work_per_element_does_not_grow_with_depth(monkeypatch: pytest.MonkeyPatch, depth: int) -> None:
    """Every element of the open path that is looked at is counted: at most a few per tag,
    whether the elements are 4 or 60 deep (before the fix: the whole depth at every tag)."""
    looked_at = [0]

    class CountingPath(list[str]):
        def __iter__(self) -> Any:
            looked_at[0] += len(self)
            return super().__iter__()

        def __eq__(self, other: object) -> bool:
            looked_at[0] += len(self)
            return super().__eq__(other)

        __hash__ = None  # type: ignore[assignment]

    original = _ChildCollector.__init__

    def init(self: _ChildCollector) -> None:
        original(self)
        self.path = CountingPath()

    monkeypatch.setattr(_ChildCollector, "__init__", init)
    elements = 6_000
    repeats = elements // depth
    doc = message(*(f"<Child>{nested(depth)}</Child>" for _ in range(repeats)))
    assert len(list(children(io.BytesIO(doc)))) == repeats
    tags = 2 * (repeats * (depth + 1) + 2)  # a start and an end for every element
    assert looked_at[0] <= 4 * tags, (looked_at[0], tags)
