"""Observation compliance end to end on every back end (memory, SQLite file, PostgreSQL server).

The scenario is the worked example of docs/observations.md (expected rows reasoned there).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from tests.domain.observation_oracle import as_tuples, oracle_rows

DOC = Path(__file__).resolve().parents[2] / "docs" / "observations.md"
AS_OF = dt.date(2026, 12, 1)


def doc_blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def doc_events() -> list[dict[str, Any]]:
    (block,) = doc_blocks("jsonl")
    return [orjson.loads(line) for line in block.splitlines() if line.strip()]


def doc_rows() -> list[dict[str, Any]]:
    (block,) = doc_blocks("json")
    rows: list[dict[str, Any]] = orjson.loads(block)
    return rows


def plain(rows: list[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        out.append(
            {
                "worker_id": r.worker_id,
                "team_id": r.team_id,
                "requirement": r.requirement.value,
                "last_observed_on": r.last_observed_on.isoformat() if r.last_observed_on else None,
                "next_due_on": r.next_due_on.isoformat(),
                "status": r.status.value,
                "reflection_missed": r.reflection_missed,
            }
        )
    return out


def test_worked_example_end_to_end(qa: QualityAssurance, store_url: str) -> None:
    """R-OBS-1..5 and R-ACC-1 on each back end; the same rows after reopening the store."""
    positions = qa.record_many(doc_events())
    assert None not in positions
    rows = qa.observation_compliance(as_of=AS_OF)
    assert plain(rows) == doc_rows()
    assert as_tuples(rows) == oracle_rows([kq.events.parse(e) for e in doc_events()], AS_OF)
    (team,) = qa.observation_summary(as_of=AS_OF, by="team")
    assert (team.key, team.workers, team.compliant, team.due_soon, team.overdue, team.reflection_missed) == (
        "T-EAST-1",
        3,
        1,
        1,
        1,
        1,
    )
    assert [r.worker_id for r in qa.observation_compliance(as_of=AS_OF, as_worker="W-BEN")] == ["W-BEN"]
    assert [r.worker_id for r in qa.observation_compliance(as_of=AS_OF, as_worker="TM-1")] == [
        "W-ANA",
        "W-BEN",
        "W-CAL",
    ]
    learning = {
        r.area: r for r in qa.observation_learning(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    }
    # O-1 good, O-2 requires improvement, O-3 nothing for planning: 1 good, 1 RI.
    assert (learning["planning_and_purpose"].good, learning["planning_and_purpose"].requires_improvement) == (
        1,
        1,
    )
    # Overall: O-1 good, O-2 good, O-3 good, O-4 outstanding (meeting), O-5 RI.
    o = learning["overall"]
    assert (o.outstanding, o.good, o.requires_improvement, o.inadequate) == (1, 3, 1, 0)
    if store_url != "memory://":
        qa.close()
        with kq.connect(store_url, policy=kq.Policy()) as again:
            assert plain(again.observation_compliance(as_of=AS_OF)) == doc_rows()


def test_bad_references_are_refused_with_nothing_stored(qa: QualityAssurance) -> None:
    qa.record_many(doc_events())
    before, position = qa.stats(), qa.position
    with pytest.raises(kq.errors.UnknownReference, match=r"ObservationRecorded\.worker_id"):
        qa.record_json(
            {
                "type": "ObservationRecorded",
                "observation_id": "O-X",
                "worker_id": "W-NOBODY",
                "observer_id": "TM-1",
                "observed_on": "2026-11-01",
                "setting": "practice",
                "judgements": {},
                "overall": "good",
            }
        )
    with pytest.raises(kq.errors.UnknownReference, match=r"ReflectiveReviewHeld\.observation_id"):
        qa.record_json({"type": "ReflectiveReviewHeld", "observation_id": "O-NOPE", "held_on": "2026-11-01"})
    with pytest.raises(kq.errors.RuleViolation, match="R-OBS-5"):
        qa.record_json(
            {
                "type": "SupervisionHeld",
                "worker_id": "W-DEV",
                "supervisor_id": "TM-1",
                "held_on": "2026-10-01",
            }
        )
    assert (qa.stats(), qa.position) == (before, position)
    assert plain(qa.observation_compliance(as_of=AS_OF)) == doc_rows()


def test_the_query_reads_the_projection_and_replays_nothing(qa: QualityAssurance) -> None:
    """Issue 3 (and 14): answering reads no stored event; recording folded the events into the
    projections in its own transaction, so they stand at the log's end."""
    qa.record_many(doc_events())
    read: list[int] = []
    original = qa.log.read_page  # every read of the log goes through it (log_pages.page_reader)

    def counting(*args: Any, **kwargs: Any) -> Any:
        page = original(*args, **kwargs)
        read.append(len(page))
        return page

    qa.log.read_page = counting
    try:
        for _ in range(3):
            assert len(qa.observation_compliance(as_of=AS_OF)) == 3
            qa.observation_summary(as_of=AS_OF, by="area")
    finally:
        qa.log.read_page = original
    assert sum(read) == 0
    assert set(qa.projections.positions().values()) == {qa.recorder.max_notification_id()}
