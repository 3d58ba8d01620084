"""Issue 17, finding 7: tampering with an encrypted store is detected by ``kentqa verify``.

Real SQLite files, changed with ``sqlite3`` as someone holding the file but not the key would,
then checked by a real ``kentqa verify`` process:

- payloads swapped between two rows (two audits' grades exchanged): each payload is sealed
  with its stream, version and type as associated data (decision 0914), so neither opens at
  its new row (before: both read back, and the cycle's grades changed silently);
- a child's key row deleted: the child was silently anonymised with no ``ChildForgotten``
  fact (before: nothing noticed); a real forgetting is not an error.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

import kentqa_domain as kq
from kentqa_domain.errors import IntegrityCheckFailed
from kentqa_domain.privacy.encryption import new_key
from tests.cli_run import kentqa

EVENTS = [
    {"type": "TeamRegistered", "team_id": "T1", "name": "East", "service": "CSW", "area": "East"},
    {"type": "ChildBecameLookedAfter", "child_ref": "C-0042", "on": "2026-01-05"},
    {"type": "ChildBecameLookedAfter", "child_ref": "C-0043", "on": "2026-01-06"},
    *(
        {
            "type": "AuditCompleted",
            "audit_id": f"AU-{i}",
            "kind": "practitioner",
            "auditor_id": "X",
            "team_id": "T1",
            "completed_on": "2026-08-10",
            "case_ref": f"CASE-{i}",
            "overall": grade,
        }
        for i, grade in enumerate(["inadequate", "outstanding"])
    ),
]


def _verify(db: Path, key: str) -> subprocess.CompletedProcess[str]:
    # every installed plugin loaded (the council's policy too)
    return kentqa("verify", "--db", f"sqlite:///{db}", env={"KENTQA_CIPHER_KEY": key}, blocked="")


def _store(tmp_path: Path) -> tuple[Path, str]:
    db, key = tmp_path / "qa.db", new_key()
    with kq.connect(f"sqlite:///{db}", cipher_key=key) as qa:
        qa.record_many(EVENTS)
    clean = _verify(db, key)
    assert clean.returncode == 0, clean.stderr
    assert "5 events read back at their rows, 2 children with their keys, 0 forgotten" in clean.stdout
    return db, key


def test_payloads_swapped_between_rows_are_detected(tmp_path: Path) -> None:
    db, key = _store(tmp_path)
    with sqlite3.connect(db) as conn:
        (a, sa), (b, sb) = conn.execute(
            "SELECT rowid, state FROM stored_events WHERE topic='AuditCompleted' ORDER BY rowid"
        ).fetchall()
        conn.execute("UPDATE stored_events SET state=? WHERE rowid=?", (sb, a))
        conn.execute("UPDATE stored_events SET state=? WHERE rowid=?", (sa, b))
    done = _verify(db, key)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "sealed for another row" in done.stderr
    assert "AuditCompleted" in done.stderr


def test_a_deleted_key_row_without_a_forgetting_is_detected_and_a_forgetting_is_not(tmp_path: Path) -> None:
    db, key = _store(tmp_path)
    with kq.connect(f"sqlite:///{db}", cipher_key=key) as qa:
        forgotten = qa.forget_child("C-0042", on=dt.date(2026, 6, 1)).token
        victim = qa.keyring.child_key_id("C-0043", create=False)
    assert victim is not None
    honest = _verify(db, key)
    assert honest.returncode == 0, honest.stderr
    assert "1 children with their keys, 1 forgotten" in honest.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("DELETE FROM kentqa_keys WHERE name=?", (f"child:{victim}",)).rowcount == 1
    done = _verify(db, key)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert f"anon-{victim}" in done.stderr
    assert "missing with no ChildForgotten fact" in done.stderr
    assert forgotten not in done.stderr


def test_payloads_written_before_binding_still_read_and_verify(tmp_path: Path) -> None:
    """Decision 0914: payloads of the first format (eventsourcing's AESCipher, no associated
    data) are read as before, beside bound ones; the answers equal a store written now."""
    key = new_key()
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    with kq.connect(f"sqlite:///{old}", cipher_key=key) as qa:
        unbound = qa.event_mapper.seal
        qa.event_mapper.seal = lambda state, place=None: unbound(state)  # type: ignore[method-assign]
        qa.record_many(EVENTS[:3])
    with sqlite3.connect(old) as conn:  # nor a log head (decision 0915): its chain starts later
        assert conn.execute("DELETE FROM kentqa_docs WHERE owner='head'").rowcount == 1
    with (
        kq.connect(f"sqlite:///{old}", cipher_key=key) as qa,
        kq.connect(f"sqlite:///{new}", cipher_key=key) as fresh,
    ):
        qa.record_many(EVENTS[3:])
        fresh.record_many(EVENTS)
        assert qa.verify().events == fresh.verify().events == len(EVENTS)
        head = qa.recording.head.read()
        assert head is not None and (head.start, head.position) == (4, 5)
        qa.replay(verify=True)
        for query in ("drift_register", "audits"):
            args = {"as_of": dt.date(2026, 11, 26)} | ({"cycle_id": "2026-T2"} if query == "audits" else {})
            assert getattr(qa, query)(**args) == getattr(fresh, query)(**args), query
    with sqlite3.connect(old) as conn:
        states = [bytes(s) for (s,) in conn.execute("SELECT state FROM stored_events ORDER BY rowid")]
    assert [s.startswith(b"\x00kq1") for s in states] == [False, False, False, True, True]


def test_a_deleted_lookup_row_is_detected(tmp_path: Path) -> None:
    """The key table's rows name each other (a child's key row and its ``ref:<HMAC>`` lookup
    row): a lookup row deleted, which would split the child's next events onto a new key, is
    reported by ``kentqa verify`` naming the child's token."""
    db, key = _store(tmp_path)
    with kq.connect(f"sqlite:///{db}", cipher_key=key) as qa:
        victim = qa.keyring.child_key_id("C-0043", create=False)
        lookup = qa.keyring.lookup_name("C-0043")
    with sqlite3.connect(db) as conn:
        assert conn.execute("DELETE FROM kentqa_keys WHERE name=?", (lookup,)).rowcount == 1
    done = _verify(db, key)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert f"the lookup row of anon-{victim} is missing" in done.stderr


def _rows(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return [
            (int(r), str(t)) for r, t in conn.execute("SELECT rowid, topic FROM stored_events ORDER BY rowid")
        ]


def test_a_deleted_row_or_a_cut_off_end_is_detected_by_the_log_head(tmp_path: Path) -> None:
    """Decision 0915: the log head (an HMAC chain under the key, advanced in each batch's
    transaction) no longer matches a log with a row deleted (an audit's grade gone from the
    cycle) or its last rows cut off; an honest append moves the head on and still verifies."""
    db, key = _store(tmp_path)
    first = json.loads(_verify_json(db, key).stdout)["head"]
    with kq.connect(f"sqlite:///{db}", cipher_key=key) as qa:
        qa.record_json(
            {
                "type": "ComplimentReceived",
                "compliment_id": "CO-1",
                "received_on": "2026-10-06",
                "from_role": "parent_carer",
            }
        )
    appended = _verify_json(db, key)
    assert appended.returncode == 0, appended.stderr
    assert json.loads(appended.stdout)["head"] not in (first, None)

    for victim in ("AuditCompleted", "ComplimentReceived"):  # in the middle, then at the end
        copy = tmp_path / f"{victim}.db"
        shutil.copy(db, copy)
        with sqlite3.connect(copy) as conn:
            conn.execute(
                "DELETE FROM stored_events WHERE rowid=(SELECT max(rowid) FROM stored_events WHERE topic=?)",
                (victim,),
            )
        done = _verify(copy, key)
        assert done.returncode == 1, (victim, done.stdout, done.stderr)
        assert "head digest differs" in done.stderr


def _verify_json(db: Path, key: str) -> subprocess.CompletedProcess[str]:
    # every installed plugin loaded (the council's policy too)
    return kentqa("verify", "--json", "--db", f"sqlite:///{db}", env={"KENTQA_CIPHER_KEY": key}, blocked="")


def test_on_postgresql_a_deleted_row_and_a_moved_payload_are_detected(postgres_db_url: str) -> None:
    """The same checks on a real PostgreSQL database (the log head is a document of the
    state tables; payloads are bound to their rows), through ``qa.verify()``."""
    import psycopg

    key = new_key()
    with kq.connect(postgres_db_url, cipher_key=key) as qa:
        qa.record_many(EVENTS)
        assert qa.verify().events == len(EVENTS)
        table = qa.recorder.events_table_name
    with psycopg.connect(postgres_db_url, autocommit=True) as conn:
        rows = conn.execute(
            f"SELECT notification_id, state FROM {table} WHERE topic='AuditCompleted' ORDER BY notification_id"
        ).fetchall()
        (a, sa), (b, sb) = rows
        conn.execute(f"UPDATE {table} SET state=%s WHERE notification_id=%s", (sb, a))
    with kq.connect(postgres_db_url, cipher_key=key) as qa:
        with pytest.raises(IntegrityCheckFailed, match="sealed for another row"):
            qa.verify()
    with psycopg.connect(postgres_db_url, autocommit=True) as conn:
        conn.execute(f"UPDATE {table} SET state=%s WHERE notification_id=%s", (sa, a))
        conn.execute(f"DELETE FROM {table} WHERE notification_id=%s", (b,))
    with kq.connect(postgres_db_url, cipher_key=key) as qa:
        with pytest.raises(IntegrityCheckFailed, match="head digest differs"):
            qa.verify()
