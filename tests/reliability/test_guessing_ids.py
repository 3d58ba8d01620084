"""Issue 17, finding 2 (attack): ids in an encrypted store are not derived from guessable text.

Before: worker stream ids were ``uuid5(public namespace, "worker:ID")`` and notification
delivery ids ``uuid5(public namespace, "CHANNEL\\nKIND:child:REF:PLAN:DATE")``, so 26,280
guesses re-identified a child from the file alone, and a worker's stream showed its
``SupportNeedFlagged`` topic. Now (decision 0913) an encrypted store keys both under its wrapped
secret. The attacker here has the SQLite file and the source code, not the key: they read
every id column and try every worker id SW-000..SW-999 and every child C-0000..C-0099 on
every day of 2026. On a plain store (the control) the same attack succeeds, so it is a real one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from uuid import UUID, uuid5

import pytest

import kentqa_domain as kq
from kentqa_domain.application.opening import KEYED_IDENTITIES
from kentqa_domain.privacy.encryption import new_key
from kentqa_domain.recording.identity import digest64
from kentqa_domain.state.outbox import NAMESPACE
from kentqa_domain.state.sql_base import unsigned
from kentqa_domain.storage.store import STREAM_NAMESPACE
from tests.cli_run import kentqa

EVENTS = [
    {"type": "TeamRegistered", "team_id": "T-EAST-1", "name": "East 1", "service": "CSW", "area": "East"},
    *(
        {
            "type": "WorkerRegistered",
            "worker_id": f"SW-{i}",
            "team_id": "T-EAST-1",
            "role": "practitioner",
            "experience": "experienced",
            "registered_on": "2026-01-05",
        }
        for i in range(100, 105)
    ),
    {"type": "SupportNeedFlagged", "worker_id": "SW-102", "flagged_on": "2026-03-02"},
    {"type": "ChildBecameLookedAfter", "child_ref": "C-0042", "on": "2026-01-05", "iro_id": "SW-101"},
]


def _store(tmp_path: Path, key: str | None) -> Path:
    db = tmp_path / ("secret.db" if key else "plain.db")
    with kq.connect(f"sqlite:///{db}", cipher_key=key) as qa:
        qa.record_many(EVENTS)
    done = kentqa(
        "notify", "--as-of", "2026-06-01", "--notify", "log://", "--db", f"sqlite:///{db}",
        env={"KENTQA_CIPHER_KEY": key or None}, blocked="",  # every installed plugin loaded
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return db


def _ids_in_file(db: Path) -> tuple[dict[UUID, set[str]], set[int]]:
    """Every originator id in the file, with the topics stored under it, and every key of the
    identity index (no key needed for either)."""
    found: dict[UUID, set[str]] = {}
    with sqlite3.connect(db) as conn:
        for table in ("stored_events", "kentqa_notification_events"):
            for oid, topic in conn.execute(f"SELECT originator_id, topic FROM {table}"):
                found.setdefault(UUID(oid) if isinstance(oid, str) else UUID(bytes=oid), set()).add(topic)
        identities = {unsigned(k) for (k,) in conn.execute("SELECT key FROM kentqa_identities")}
    return found, identities


DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(365)]
WORKERS = [f"SW-{i:03d}" for i in range(1000)]


def _guess(found: tuple[dict[UUID, set[str]], set[int]]) -> tuple[dict[str, set[str]], set[str], set[str]]:
    ids, identities = found
    workers = {w: ids[u] for w in WORKERS if (u := uuid5(STREAM_NAMESPACE, f"worker:{w}")) in ids}
    children = {
        ref
        for ref in (f"C-{i:04d}" for i in range(100))
        for day in DAYS
        if uuid5(NAMESPACE, f"log://\nreview_overdue:child:{ref}:looked_after:{day.isoformat()}") in ids
    }
    flagged = {
        f"{w} {day}"
        for w in WORKERS
        for day in DAYS
        if digest64(f"SupportNeedFlagged\x1f{w}\x1f{day.isoformat()}".encode()) in identities
    }
    return workers, children, flagged


def test_guessing_ids_from_the_file_reidentifies_nobody_in_an_encrypted_store(tmp_path: Path) -> None:
    plain = _ids_in_file(_store(tmp_path, None))
    workers, children, flagged = _guess(plain)
    # the control: without encryption the attack works (a plain store protects nothing from a reader)
    assert "C-0042" in children
    assert any("SupportNeedFlagged" in topic for topic in workers["SW-102"])
    assert flagged == {"SW-102 2026-03-02"}

    secret_ids = _ids_in_file(_store(tmp_path, new_key()))
    assert len(secret_ids[0]) >= len(EVENTS)  # the same streams, deliveries ...
    assert len(secret_ids[1]) == len(EVENTS)  # ... and identities are there ...
    assert _guess(secret_ids) == ({}, set(), set())  # ... and no guess finds one


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_store_written_with_the_first_ids_still_answers_the_same(tmp_path: Path, encrypted: bool) -> None:
    """Decision 0913: a store written before ids were keyed (streams under ``uuid5`` ids) opens,
    records on (its subjects' new events under keyed ids) and answers as a store written wholly
    now; its old deliveries are found by (channel, key), so nothing is delivered twice."""
    from kentqa_domain.storage.store import stream_id

    key = new_key() if encrypted else None
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    with kq.connect(f"sqlite:///{old}", cipher_key=key) as qa:
        qa.recording.stream_id = stream_id  # what every store used before decision 0913
        qa.recording.identity_secret = None  # ... and an unkeyed identity index
        first = qa.record_many(EVENTS)
        qa.admin.change_keys(delete=[KEYED_IDENTITIES])  # nor the mark of a keyed one
    later = [
        {"type": "SupportNeedCleared", "worker_id": "SW-102", "cleared_on": "2026-05-04"},
        {
            "type": "ReviewHeld",
            "review_id": "R-1",
            "child_ref": "C-0042",
            "kind": "looked_after_review",
            "held_on": "2026-02-02",
        },
    ]
    as_of = dt.date(2026, 11, 26)
    with (
        kq.connect(f"sqlite:///{old}", cipher_key=key) as qa,
        kq.connect(f"sqlite:///{new}", cipher_key=key) as fresh,
    ):
        assert qa.recording.stream_id("worker:SW-102") != stream_id("worker:SW-102") or not encrypted
        assert qa.record_many(EVENTS) == first  # re-sent: recognised, nothing new (index re-keyed)
        qa.record_many(later)
        fresh.record_many([*EVENTS, *later])
        for query in ("drift_register", "observation_compliance", "notifications"):
            assert getattr(qa, query)(as_of=as_of) == getattr(fresh, query)(as_of=as_of), query
        assert qa.stats() == fresh.stats()
        assert qa.replay(verify=True).position == qa.position
