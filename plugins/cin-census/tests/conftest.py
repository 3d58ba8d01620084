"""Fixtures for the CIN census importer tests: the shared sample message and stored events."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.events import Event

REPO_ROOT = Path(__file__).resolve().parents[3]
#: ../shared beside the repository (KENTQA_SHARED_DIR overrides it, e.g. for a git worktree).
SHARED = Path(os.environ.get("KENTQA_SHARED_DIR") or REPO_ROOT / ".." / "shared")
#: One DfE-style CIN census message (MIT, Social Finance): ../shared/data/cin-census-sample.
SAMPLE_CIN = SHARED / "data" / "cin-census-sample" / "cin-2022.xml"


@pytest.fixture(scope="session")
def sample_cin() -> Path:
    if not SAMPLE_CIN.is_file():
        pytest.fail(
            f"the shared CIN census sample is missing: {SAMPLE_CIN.resolve()} "
            "(expected ../shared/data/cin-census-sample/cin-2022.xml beside the repository)"
        )
    return SAMPLE_CIN


@pytest.fixture
def import_day() -> dt.date:
    return dt.date(2026, 11, 26)


def _stored_events(qa: QualityAssurance) -> list[Event]:
    out: list[Event] = []
    start = 1
    while page := qa.recorder.select_notifications(start=start, limit=1000):
        out.extend(qa.event_mapper.decode(n)[0].event for n in page)
        start = page[-1].id + 1
    return out


def _as_json(events: Sequence[Event]) -> list[dict[str, Any]]:
    return sorted((kq.events.to_json(e) for e in events), key=repr)


@pytest.fixture
def stored() -> Callable[[QualityAssurance], list[dict[str, Any]]]:
    """``stored(qa)``: every event in the store as JSON objects, sorted (read back from the log)."""
    return lambda qa: _as_json(_stored_events(qa))


@pytest.fixture
def to_json() -> Callable[[Sequence[Event]], list[dict[str, Any]]]:
    return _as_json
