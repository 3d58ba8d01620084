"""Fixtures for the CIN census importer tests: the sample message and stored events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.events import Event
from tests.sample_data import SAMPLE_CIN  # one DfE-style census message (MIT, Social Finance)


@pytest.fixture(scope="session")
def sample_cin() -> Path:
    if not SAMPLE_CIN.is_file():
        pytest.fail(
            f"the CIN census sample is missing: {SAMPLE_CIN} "
            "(it is part of the repository: tests/data/cin-census-sample)"
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
