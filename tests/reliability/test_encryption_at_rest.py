"""Encryption at rest: with KENTQA_CIPHER_KEY no payload text is in the database files.

Real SQLite files (main file, WAL, shared memory) and the real PostgreSQL server (every row
of every table, and the cluster's data directory including its WAL when the test started the
server) are searched for payload strings known to the test. Without a key the same search
finds them (so the search itself works); with a key it finds nothing. A missing, wrong or
malformed key, or a key given to a store made without one, is a clear StorageError.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

import kentqa_domain as kq
from kentqa_domain.errors import StorageError
from kentqa_domain.privacy.encryption import new_key
from tests.cli_run import kentqa
from tests.reliability.scan import (
    files_containing,
    postgres_checkpoint,
    postgres_tables_containing,
    sqlite_files,
)


def payload(needle: str) -> list[dict[str, object]]:
    """A team, a worker and an observation whose summary holds the needle; and a child's escalation."""
    return [
        {
            "type": "TeamRegistered",
            "team_id": "T1",
            "name": f"Team {needle}",
            "service": "Early Help",
            "area": "East",
        },
        {
            "type": "WorkerRegistered",
            "worker_id": "W1",
            "team_id": "T1",
            "role": "practitioner",
            "experience": "experienced",
            "registered_on": "2026-01-05",
        },
        {
            "type": "ObservationRecorded",
            "observation_id": "O1",
            "worker_id": "W1",
            "observer_id": "M1",
            "observed_on": "2026-02-03",
            "setting": "practice",
            "judgements": {"planning_and_purpose": "good"},
            "overall": "good",
            "summary": f"summary {needle}",
        },
        {"type": "ChildBecameLookedAfter", "child_ref": f"CHILD{needle}", "on": "2026-02-02"},
        {
            "type": "EscalationRaised",
            "escalation_id": "E1",
            "raised_by": "IRO1",
            "raised_on": "2026-03-01",
            "stage": "informal",
            "reason": "drift",
            "child_ref": f"CHILD{needle}",
            "details": f"details {needle}",
        },
    ]


def _record(url: str, needle: str, key: str | None) -> None:
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as qa:
        qa.record_many(payload(needle))  # the state tables (documents, rows) too


@pytest.mark.parametrize("encrypted", [False, True])
def test_sqlite_files_hold_no_payload_text_with_a_key(tmp_path: Path, encrypted: bool) -> None:
    needle = secrets.token_hex(8)
    db = tmp_path / "qa.db"
    key = new_key() if encrypted else None
    _record(f"sqlite:///{db}", needle, key)
    files = sqlite_files(db)
    # Child data is sealed with the child's own key whether or not the store is encrypted.
    assert files_containing(files, f"CHILD{needle}".encode()) == []
    assert files_containing(files, f"details {needle}".encode()) == []
    found = files_containing(files, f"summary {needle}".encode()) + files_containing(
        files, f"Team {needle}".encode()
    )
    if encrypted:
        assert found == []
    else:
        assert found, "without a key the payload is stored as JSON: the search must find it"
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy(), cipher_key=key) as qa:
        assert qa.stats()["ObservationRecorded"] == 1


@pytest.mark.parametrize("encrypted", [False, True])
def test_postgres_rows_and_files_hold_no_payload_text_with_a_key(
    make_postgres_db: Callable[[], str], postgres_data_dir: Path | None, encrypted: bool
) -> None:
    needle = secrets.token_hex(8)
    url = make_postgres_db()
    key = new_key() if encrypted else None
    _record(url, needle, key)
    postgres_checkpoint(url)
    for secret_text in (f"CHILD{needle}", f"details {needle}"):
        assert postgres_tables_containing(url, secret_text.encode()) == []
    visible = postgres_tables_containing(url, f"summary {needle}".encode())
    in_files = (
        files_containing([postgres_data_dir], f"summary {needle}".encode()) if postgres_data_dir else []
    )
    if encrypted:
        assert visible == []
        assert in_files == []  # data files and WAL alike
        if postgres_data_dir:
            assert files_containing([postgres_data_dir], f"CHILD{needle}".encode()) == []
    else:
        assert visible == ["kentqa_events"]
        if postgres_data_dir:
            assert in_files, "without a key the payload is in the data files: the search must find it"


def test_a_missing_wrong_or_malformed_key_is_a_clear_storage_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    key = new_key()
    _record(url, "x", key)
    with pytest.raises(StorageError, match="this store is encrypted: set KENTQA_CIPHER_KEY"):
        kq.connect(url, policy=kq.Policy(), cipher_key=None)
    with pytest.raises(StorageError, match="KENTQA_CIPHER_KEY is set but empty"):  # issue 17, finding 6
        kq.connect(url, policy=kq.Policy(), cipher_key="")
    with pytest.raises(StorageError, match="not the key this store was encrypted with"):
        kq.connect(url, policy=kq.Policy(), cipher_key=new_key())
    with pytest.raises(StorageError, match="KENTQA_CIPHER_KEY is not base64"):
        kq.connect(url, policy=kq.Policy(), cipher_key="not a key!")
    with pytest.raises(StorageError, match="16, 24 or 32 bytes"):
        kq.connect(url, policy=kq.Policy(), cipher_key="AAAA")
    plain = f"sqlite:///{tmp_path / 'plain.db'}"
    _record(plain, "y", None)
    with pytest.raises(StorageError, match="created without encryption"):
        kq.connect(plain, policy=kq.Policy(), cipher_key=key)


def test_a_damaged_encrypted_event_is_a_storage_error_not_garbage(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "qa.db"
    key = new_key()
    _record(f"sqlite:///{db}", "z", key)
    with sqlite3.connect(db) as conn:
        (state,) = conn.execute(
            "SELECT state FROM stored_events WHERE topic='ObservationRecorded'"
        ).fetchone()
        damaged = bytes(state[:-1]) + bytes([state[-1] ^ 1])
        conn.execute("UPDATE stored_events SET state=? WHERE topic='ObservationRecorded'", (damaged,))
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy(), cipher_key=key) as qa:
        with pytest.raises(StorageError, match="could not read stored ObservationRecorded"):
            qa.replay(restart=True)  # rebuilding from the log reads it


def test_keygen_and_the_environment_variable_through_the_cli(tmp_path: Path) -> None:
    # every installed plugin loaded (the council's policy too), here and below
    key = kentqa("keygen", blocked="", code=0).stdout.strip()
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    lines = tmp_path / "in.jsonl"
    needle = secrets.token_hex(6)
    lines.write_text("\n".join(__import__("json").dumps(e) for e in payload(needle)) + "\n")
    done = kentqa("record", str(lines), "--db", db, env={"KENTQA_CIPHER_KEY": key}, blocked="")
    assert done.returncode == 0, done.stderr
    assert files_containing(sqlite_files(tmp_path / "qa.db"), f"summary {needle}".encode()) == []
    missing = kentqa("stats", "--db", db, blocked="")
    assert missing.returncode == 3
    assert "this store is encrypted: set KENTQA_CIPHER_KEY" in missing.stderr
    assert "Traceback" not in missing.stderr
