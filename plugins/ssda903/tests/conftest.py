"""Fixtures for the SSDA903 importer tests: the sample return, CSV writing, stored events."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.events import Event
from tests.sample_data import SAMPLE_903_DIR, SAMPLE_903_TABLES

#: The synthetic return (MIT, Social Finance's 903 validator), in the repository: tests/data.
SAMPLE_903 = SAMPLE_903_DIR
SAMPLE_TABLES = SAMPLE_903_TABLES
#: A fixed "today" for imports, so results do not depend on the day the tests run.
IMPORT_DAY = dt.date(2026, 11, 26)


@pytest.fixture
def import_day() -> dt.date:
    return IMPORT_DAY


def _store_bytes(db: Path) -> bytes:
    """Everything a SQLite store holds, readable: the file bytes (and its WAL), plus every
    document of the state opened (sealed when the store is encrypted: docs/security.md)."""
    files = [db, Path(f"{db}-wal")]
    parts = [f.read_bytes() for f in files if f.exists()]
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        tables = qa.state_tables
        parts.extend(tables.unseal(doc) for (doc,) in tables.select("SELECT doc FROM kentqa_docs"))
    return b"\n".join(parts)  # joined once: adding each document to the whole was quadratic


@pytest.fixture
def store_bytes() -> Callable[[Path], bytes]:
    """``store_bytes(db_path)``: the SQLite store's bytes with its documents opened."""
    return _store_bytes


@pytest.fixture(scope="session")
def sample_903() -> list[Path]:
    """The four tables of the synthetic SSDA903 return (tests/data), failing clearly if absent."""
    missing = [name for name in SAMPLE_TABLES if not (SAMPLE_903 / name).is_file()]
    if missing:
        pytest.fail(
            f"the SSDA903 sample is missing: {', '.join(missing)} under {SAMPLE_903} "
            "(it is part of the repository: tests/data/ssda903-synthetic)"
        )
    return [SAMPLE_903 / name for name in SAMPLE_TABLES]


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[str]], *, bom: bool = False) -> bytes:
    """A CSV file as the DfE tools write it (comma separated, CRLF), with or without a BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode("utf-8") + out.getvalue().encode("utf-8")


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, header: Sequence[str], rows: Sequence[Sequence[str]], *, bom: bool = False) -> Path:
        path = tmp_path / name
        path.write_bytes(_csv_bytes(header, rows, bom=bom))
        return path

    return write


def _stored_events(qa: QualityAssurance) -> list[Event]:
    """Every event in the store, read back from the notification log (not from our own lists)."""
    out: list[Event] = []
    start = 1
    while True:
        page = qa.recorder.select_notifications(start=start, limit=1000)
        if not page:
            return out
        out.extend(qa.event_mapper.decode(n)[0].event for n in page)
        start = page[-1].id + 1


@pytest.fixture
def memory_qa() -> Iterator[QualityAssurance]:
    with kq.connect("memory://", policy=kq.Policy()) as app:
        yield app


def _as_json(events: Sequence[Event]) -> list[dict[str, Any]]:
    return sorted((kq.events.to_json(e) for e in events), key=repr)


@pytest.fixture
def stored() -> Callable[[QualityAssurance], list[dict[str, Any]]]:
    """``stored(qa)``: every event in the store as JSON objects, sorted (read back from the log)."""
    return lambda qa: _as_json(_stored_events(qa))


@pytest.fixture
def to_json() -> Callable[[Sequence[Event]], list[dict[str, Any]]]:
    """``to_json(events)``: events as sorted JSON objects, to compare with ``stored(qa)``."""
    return _as_json
