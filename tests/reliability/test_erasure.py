"""Erasure on real stores: after ``forget_child`` the child's reference, its free text and its key
are nowhere in the database files, replay succeeds and counts the child anonymously.

SQLite: the main file, WAL and shared-memory file are searched byte for byte (secure_delete,
VACUUM and a truncating WAL checkpoint must have removed the destroyed key's bytes).
PostgreSQL: every row of every table is searched, and the data files of the throwaway
cluster when the test started it (the key and document tables are rewritten with VACUUM
FULL; the server's WAL may still hold the destroyed key until it is recycled: see
docs/security.md). Also: a second process that had the child in memory drops it when it
reads the stored forgetting, and a process killed (SIGKILL) mid-forget is finished by the
next connection.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

import kentqa_domain as kq
from kentqa_domain.privacy.encryption import new_key
from kentqa_domain.privacy.keyring import key_id_of
from tests.cli_run import kentqa, python, start_python
from tests.reliability.children import ORGANISATION
from tests.reliability.scan import (
    files_containing,
    postgres_checkpoint,
    postgres_tables_containing,
    sqlite_files,
)
from tests.reliability.state import known_children, replayed, store_state

ON = dt.date(2026, 6, 1)


def child_events(ref: str, needle: str) -> list[dict[str, object]]:
    return [
        {"type": "ChildBecameLookedAfter", "child_ref": ref, "on": "2026-01-05", "iro_id": "IRO1"},
        {
            "type": "ReviewHeld",
            "review_id": f"R-{needle}",
            "child_ref": ref,
            "kind": "looked_after_review",
            "held_on": "2026-02-02",
            "actions": [
                {
                    "action_id": f"A-{needle}",
                    "description": f"contact {needle}",
                    "owner_id": "W1",
                    "due_on": "2026-03-02",
                }
            ],
        },
        {
            "type": "PlanActionCompleted",
            "child_ref": ref,
            "action_id": f"A-{needle}",
            "completed_on": "2026-02-20",
        },
        {
            "type": "ReviewQualityAssured",
            "review_id": f"R-{needle}",
            "assured_on": "2026-02-04",
            "by": "IRO1",
            "plan_reflects_needs": True,
            "actions_in_child_timeframe": True,
            "consistent_with_legal_duties": True,
        },
        {
            "type": "EscalationRaised",
            "escalation_id": f"E-{needle}",
            "raised_by": "IRO1",
            "raised_on": "2026-03-01",
            "stage": "informal",
            "reason": "drift",
            "child_ref": ref,
            "details": f"details {needle}",
        },
        {
            "type": "EscalationResponded",
            "escalation_id": f"E-{needle}",
            "responded_on": "2026-03-03",
            "by": "TM1",
            "response": f"reply {needle}",
        },
    ]


def secrets_of(ref: str, needle: str) -> list[bytes]:
    return [
        s.encode()
        for s in (
            ref,
            f"R-{needle}",
            f"A-{needle}",
            f"contact {needle}",
            f"details {needle}",
            f"reply {needle}",
        )
    ]


def _setup(url: str, key: str | None) -> tuple[str, str, bytes]:
    needle = secrets.token_hex(6)
    ref = f"CHILD-{needle}"
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as qa:
        qa.record_many(
            [*ORGANISATION, *child_events(ref, needle), *child_events(f"OTHER-{needle}", needle + "x")]
        )
        key_id = qa.keyring.child_key_id(ref, create=False)
        assert key_id is not None
        child_key = qa.keyring.child_key(key_id)
        assert child_key is not None
    return ref, needle, child_key.hex().encode()  # as the key table holds it (wrapped too when encrypted)


@pytest.mark.parametrize("encrypted", [False, True])
def test_sqlite_forgetting_leaves_nothing_of_the_child_in_the_files(tmp_path: Path, encrypted: bool) -> None:
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    key = new_key() if encrypted else None
    ref, needle, child_key = _setup(url, key)
    assert (
        files_containing(sqlite_files(db), child_key) != [] or encrypted
    )  # the key is there before (raw when unencrypted)
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as qa:
        stats = qa.stats()
        forgetting = qa.forget_child(ref, on=ON)
        assert qa.stats() == stats
        assert forgetting.token in known_children(qa)
        assert f"OTHER-{needle}" in known_children(qa)
        assert store_state(qa) == replayed(qa)
    for secret in [*secrets_of(ref, needle), child_key]:
        assert files_containing(sqlite_files(db), secret) == [], secret
    # The other child is still readable (and its key still there).
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as qa:
        assert f"OTHER-{needle}" in known_children(qa)
        assert ref not in known_children(qa)


def test_sqlite_replay_in_a_new_process_after_forgetting(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    ref, _needle, _ = _setup(url, None)
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.forget_child(ref, on=ON)
        expected = store_state(qa)
        stats = qa.stats()
    script = (  # a new process rebuilds the whole state from the log
        "import sys, kentqa_domain as kq, orjson\n"
        "qa = kq.connect(sys.argv[1], policy=kq.Policy())\n"
        "qa.replay(restart=True)\n"
        "print(orjson.dumps(qa.stats()).decode())\n"
    )
    done = python("-c", script, url)
    assert done.returncode == 0, done.stderr
    assert __import__("orjson").loads(done.stdout) == stats
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert store_state(qa) == expected


def test_another_process_with_the_child_in_memory_drops_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    ref, _needle, _ = _setup(url, None)
    with kq.connect(url, policy=kq.Policy()) as other, kq.connect(url, policy=kq.Policy()) as forgetter:
        assert ref in known_children(other)
        forgetting = forgetter.forget_child(ref, on=ON)
        other.stats()  # any query catches up, reading the stored forgetting
        assert ref not in known_children(other)
        assert forgetting.token in known_children(other)
        assert store_state(other) == store_state(forgetter)


def test_a_process_killed_mid_forget_is_finished_by_the_next(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    ref, needle, child_key = _setup(url, None)
    crashed = start_python("-m", "tests.reliability.forget_crash", url, ref)
    crashed.communicate(timeout=120)
    assert crashed.returncode == -9  # really killed, after storing the forgetting
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert ref not in known_children(qa)
        token = next(
            iter(
                c
                for c in known_children(qa)
                if c.startswith("anon-") and qa.keyring.child_key(key_id_of(c) or "") is None
            )
        )
        assert token
        assert store_state(qa) == replayed(qa)
    for secret in [*secrets_of(ref, needle), child_key]:
        assert files_containing(sqlite_files(db), secret) == [], secret


@pytest.mark.parametrize("encrypted", [False, True])
def test_postgres_forgetting_leaves_nothing_of_the_child_in_rows_or_table_files(
    make_postgres_db: Callable[[], str], postgres_data_dir: Path | None, encrypted: bool
) -> None:
    url = make_postgres_db()
    key = new_key() if encrypted else None
    ref, needle, child_key = _setup(url, key)
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as qa:
        stats = qa.stats()
        qa.forget_child(ref, on=ON)
        assert qa.stats() == stats
        assert store_state(qa) == replayed(qa)
    postgres_checkpoint(url)
    for secret in [*secrets_of(ref, needle), child_key]:
        assert postgres_tables_containing(url, secret) == [], secret
    if postgres_data_dir is not None:
        import psycopg

        with psycopg.connect(url) as conn:
            paths = [
                postgres_data_dir / conn.execute("SELECT pg_relation_filepath(%s)", (t,)).fetchone()[0]  # type: ignore[index]
                for t in ("kentqa_events", "kentqa_docs", "kentqa_keys")
            ]
        for secret in [*secrets_of(ref, needle), child_key]:
            assert files_containing(paths, secret) == [], secret
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as qa:
        assert qa.stats() == stats
        assert f"OTHER-{needle}" in known_children(qa)


def test_forget_child_command(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    ref, needle, _ = _setup(url, None)
    # every installed plugin loaded (the council's policy too), here and below
    done = kentqa("forget-child", ref, "--on", "2026-06-01", "--db", url, "--json", "--yes", blocked="")
    assert done.returncode == 0, done.stderr
    assert __import__("orjson").loads(done.stdout)["now_counted_as"].startswith("anon-")
    again = kentqa("forget-child", ref, "--on", "2026-06-01", "--db", url, "--yes", blocked="")
    assert again.returncode == 1
    assert "already forgotten" in again.stderr
    for secret in secrets_of(ref, needle):
        assert files_containing(sqlite_files(db), secret) == [], secret


HOLD_READ = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM stored_events").fetchone()
print("reading", flush=True)
time.sleep(60)
"""


def test_when_scrubbing_is_blocked_the_erasure_stands_and_scrub_finishes_later(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    ref, needle, child_key = _setup(f"sqlite:///{db}", None)
    reader = start_python("-c", HOLD_READ, db)
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "reading"
        with kq.connect(f"sqlite:///{db}?timeout=1", policy=kq.Policy()) as qa:
            erasure = qa.forget_child(ref, on=ON)
            assert not erasure.scrubbed
            assert erasure.problem is not None
            assert "kentqa scrub" in erasure.problem
            assert ref not in known_children(qa)
    finally:
        reader.kill()
        reader.wait()
    done = kentqa("scrub", "--db", f"sqlite:///{db}", blocked="")
    assert done.returncode == 0, done.stderr
    for secret in [*secrets_of(ref, needle), child_key]:
        assert files_containing(sqlite_files(db), secret) == [], secret


def test_forgetting_while_another_process_records_children(tmp_path: Path) -> None:
    """A forgets children that B has just recorded, while B goes on recording others: B's state
    stays equal to a replay of the log, and the forgotten children's text is gone from the files."""
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(ORGANISATION)
    writer = start_python("-m", "tests.reliability.child_writer", url, "24", stdin=True)
    assert writer.stdout is not None and writer.stdin is not None
    forgotten = []
    with kq.connect(url, policy=kq.Policy()) as forgetter:
        for line in writer.stdout:
            if line.startswith("done"):
                k = int(line.split()[1])
                if k % 3 == 1:
                    forgetter.forget_child(f"C{k}", on=ON)
                    forgotten.append(k)
            elif line.startswith("recorded"):
                writer.stdin.write("check\n")
                writer.stdin.flush()
            elif line.startswith("consistent"):
                break
        writer.wait(timeout=300)
        assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
        forgetter.catch_up()
        assert store_state(forgetter) == replayed(forgetter)
        assert forgetter.scrub() is None
    assert len(forgotten) == 8
    for k in forgotten:
        for secret in (f"secret worry {k}".encode(), f"secret plan {k}-0".encode()):
            assert files_containing(sqlite_files(db), secret) == [], secret
    with kq.connect(url, policy=kq.Policy()) as qa:
        refs = set(known_children(qa))
        assert {f"C{k}" for k in range(24)} - refs == {f"C{k}" for k in forgotten}


def _notify(url: str, out: Path) -> None:
    done = kentqa("notify", "--as-of", "2026-12-01", "--notify", f"file://{out}", "--db", url, blocked="")
    assert done.returncode == 0, done.stderr


def test_sqlite_forgetting_deletes_the_childs_deliveries_from_the_notification_record(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    ref, _needle, _ = _setup(url, None)
    out = tmp_path / "sent.jsonl"
    _notify(url, out)
    assert ref in out.read_text(encoding="utf-8")  # notifications name the child (drift, escalations) ...
    assert files_containing(sqlite_files(db), ref.encode()) != []  # ... and so does the delivery record
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.forget_child(ref, on=ON)
    assert files_containing(sqlite_files(db), ref.encode()) == []
    first_run = len(out.read_text(encoding="utf-8").splitlines())
    _notify(url, out)  # a later run names the child only by its token
    later = out.read_text(encoding="utf-8").splitlines()[first_run:]
    assert later, "the child's notifications are due again, under its token"
    assert all(ref not in line for line in later)
    assert any("anon-" in line for line in later)


def test_postgres_forgetting_deletes_the_childs_deliveries_from_the_notification_record(
    make_postgres_db: Callable[[], str], tmp_path: Path
) -> None:
    url = make_postgres_db()
    ref, _needle, _ = _setup(url, None)
    _notify(url, tmp_path / "sent.jsonl")
    assert postgres_tables_containing(url, ref.encode()) == ["kentqanotifications_events"]
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.forget_child(ref, on=ON)
    assert postgres_tables_containing(url, ref.encode()) == []


def test_an_incomplete_scrub_exits_non_zero_until_the_files_are_clean(tmp_path: Path) -> None:
    """Issue 17, finding 8: with another process holding a read transaction, the write-ahead
    log cannot be checkpointed, so the child's reference is still in the file: ``forget-child``
    and ``scrub`` exit 5 (decision 0912) telling the operator to run ``kentqa scrub`` again
    (before: 0); once the reader is gone, ``scrub`` exits 0 and the files are clean."""
    db = tmp_path / "qa.db"
    ref, needle, child_key = _setup(f"sqlite:///{db}", None)
    busy_url = f"sqlite:///{db}?timeout=1"
    reader = start_python("-c", HOLD_READ, db)
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "reading"
        forgot = kentqa("forget-child", ref, "--on", "2026-06-01", "--yes", "--db", busy_url, blocked="")
        assert forgot.returncode == 5, forgot.stderr
        assert "may still be in the database files" in forgot.stderr
        assert "run `kentqa scrub` again" in forgot.stderr
        left = [s for s in [*secrets_of(ref, needle), child_key] if files_containing(sqlite_files(db), s)]
        assert left, "the reader kept the old pages: the reason the exit status must not be 0"
        scrub = kentqa("scrub", "--db", busy_url, blocked="")
        assert scrub.returncode == 5, scrub.stderr
        assert "run `kentqa scrub` again" in scrub.stderr
        assert "scrubbed" not in scrub.stdout
    finally:
        reader.kill()
        reader.wait()
    done = kentqa("scrub", "--db", busy_url, blocked="")
    assert done.returncode == 0, done.stderr
    for secret in [*secrets_of(ref, needle), child_key]:
        assert files_containing(sqlite_files(db), secret) == [], secret
