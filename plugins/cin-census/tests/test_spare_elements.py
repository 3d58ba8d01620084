"""Spare and missing elements the importer does not read (issue 16, decision 0975): the CIN
census is XML read element by name, so a local extra element (the census's counterpart of a
spare ``TEST_COLUMN``) or a child lacking elements the importer never reads imports the same
events; re-importing stores nothing new. Built from the committed sample (tests/data).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from kentqa_cin_census import IMPORTER

import kentqa_domain as kq
from kentqa_domain.importing import ImportOptions
from kentqa_domain.importing.session import run_import

TODAY = dt.date(2026, 11, 26)

CHANGES = {
    "extra-elements": lambda text: text.replace(
        "<CINdetails>", "<CINdetails>\n<TEST_COLUMN>x</TEST_COLUMN>"
    ).replace("</Child>", "<TEST_COLUMN>1</TEST_COLUMN></Child>"),
    "unread-elements-missing": lambda text: _without(_without(text, "ChildCharacteristics"), "Assessments"),
}


def _without(text: str, name: str) -> str:
    start, end = text.index(f"<{name}>"), text.index(f"</{name}>") + len(f"</{name}>")
    return text[:start] + text[end:]


@pytest.mark.parametrize("change", list(CHANGES))
def test_spare_or_missing_unread_elements_import_the_same_events(
    sample_cin: Path, tmp_path: Path, stored: Any, change: str
) -> None:
    changed = tmp_path / "cin.xml"
    changed.write_text(CHANGES[change](sample_cin.read_text(encoding="utf-8")), encoding="utf-8")
    assert changed.read_text(encoding="utf-8") != sample_cin.read_text(encoding="utf-8")
    options = ImportOptions(not_after=TODAY)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        expected = run_import(qa, IMPORTER, [sample_cin], options)
        events = stored(qa)
    assert expected.stored > 0
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        first = run_import(qa, IMPORTER, [changed], options)
        assert (first.problems, stored(qa)) == ([], events)
        assert run_import(qa, IMPORTER, [changed], options).stored == 0
        assert run_import(qa, IMPORTER, [sample_cin], options).stored == 0
        assert stored(qa) == events
