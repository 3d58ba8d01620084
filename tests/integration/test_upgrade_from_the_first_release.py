"""A store written by the first release opens and answers as if recorded today (issue 14).

``tests/data/first-release/first-release.db`` was written by the first release (its state a
pickled ledger in a checkpoint; 1,200 events; child ``C000001`` forgotten). Opening it with
this release builds the write model, the identity index and every projection from its log,
in the store (decision 0900), and drops the old checkpoints and their key: a checkpoint is a
pickle (loading it would run code) and held children's references under a key that survives
forgetting. ORACLE: a fresh store recording the same events and forgetting the same child.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import orjson

import kentqa_domain as kq
from kentqa_domain.cli.output import to_plain
from tests.sample_data import DATA

FIRST = DATA / "first-release"
AS_OF = dt.date(2026, 6, 30)
FORGOTTEN = "C000001"


def _answers(qa: Any) -> dict[str, Any]:
    return {
        "stats": qa.stats(),
        "observations": to_plain(qa.observation_compliance(as_of=AS_OF)),
        "drift": _untokened(to_plain(qa.drift_register(as_of=AS_OF))),
        "review_qa": to_plain(qa.review_qa_summary(as_of=AS_OF)),
        "voice": to_plain(qa.voice_summary(dt.date(2025, 7, 1), AS_OF)),
    }


def _untokened(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A forgotten child's token and pseudonyms are random per store: compare them as 'anon'."""
    out = []
    for row in rows:
        out.append({k: "anon" if isinstance(v, str) and v.startswith("anon-") else v for k, v in row.items()})
    return sorted(out, key=lambda r: orjson.dumps(r, option=orjson.OPT_SORT_KEYS))


def test_a_first_release_store_opens_with_the_same_answers(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIRST / "first-release.db", db)
    with gzip.open(FIRST / "first-release-events.jsonl.gz", "rt") as lines:
        events = [orjson.loads(line) for line in lines]
    with kq.connect("memory://", policy=kq.Policy()) as fresh:
        fresh.record_many(events, on_invalid=lambda _i, _e: None)
        fresh.forget_child(FORGOTTEN, on=AS_OF)
        expected = _answers(fresh)
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as upgraded:
        assert _answers(upgraded) == expected
        assert upgraded.position == 1201  # 1,200 events and the forgetting
        assert upgraded.record_json(events[0]) == 1  # idempotency from the rebuilt identities
    with sqlite3.connect(db) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        keys = {name for (name,) in conn.execute("SELECT name FROM kentqa_keys")}
    assert "stored_checkpoints" not in tables
    assert "ledger" not in keys
