"""Stores are created explicitly (issue 17, finding 6), by real ``kentqa`` processes.

- ``KENTQA_CIPHER_KEY`` set but empty is an error, never a silent plain store.
- A command that only reads, pointed at an SQLite file that does not exist (a mistyped
  ``--db``), fails with exit status 2 naming the path, and creates nothing.
- ``kentqa init [--no-encryption]`` creates a store; ``kentqa record`` may create one, with a
  notice on stderr saying where and whether it is encrypted.
- New database files are the owner's only (0600), WAL and shared-memory files included.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import kentqa_domain as kq
from kentqa_domain.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_STORAGE, EXIT_USAGE
from kentqa_domain.errors import StorageError, StoreNotFound
from kentqa_domain.privacy.encryption import new_key
from tests.cli_run import kentqa

TEAM = '{"type": "TeamRegistered", "team_id": "T1", "name": "A", "service": "Early Help", "area": "East"}\n'

#: Every command that only reads a store (each with the arguments it needs).
READERS = [
    ("status",),
    ("status", "drift", "--as-of", "2026-11-26"),
    ("status", "observations", "--as-of", "2026-11-26"),
    ("status", "complaints", "--as-of", "2026-11-26"),
    ("stats",),
    ("report", "learning", "--cycle", "2026-T2", "--format", "json", "-o", "out.json"),
    ("replay", "--verify"),
    ("notify", "--as-of", "2026-11-26", "--dry-run"),
    ("scrub",),
    ("forget-child", "C-1", "--on", "2026-11-26", "--yes"),
]


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_a_read_command_on_a_missing_store_fails_with_2_and_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    before = sorted(tmp_path.iterdir())
    done = kentqa(*command, "--db", "sqlite:///./tpyo.db", cwd=tmp_path)
    assert done.returncode == EXIT_USAGE == 2, done.stderr
    assert f"no store at {tmp_path / 'tpyo.db'}" in done.stderr
    assert "kentqa init" in done.stderr
    assert sorted(tmp_path.iterdir()) == before  # no file, no WAL, no report


def test_the_api_refuses_to_create_when_asked_not_to(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no store at"):
        kq.connect(f"sqlite:///{tmp_path / 'missing.db'}", create=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_cipher_key_is_an_error_not_a_plain_store(tmp_path: Path, empty: str) -> None:
    done = kentqa(
        "record",
        "-",
        "--db",
        "sqlite:///./new.db",
        cwd=tmp_path,
        env={"KENTQA_CIPHER_KEY": empty},
        stdin=TEAM,
    )
    assert done.returncode == EXIT_STORAGE == 3
    assert "KENTQA_CIPHER_KEY is set but empty" in done.stderr
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StorageError, match="set but empty"):
        kq.connect(f"sqlite:///{tmp_path / 'api.db'}", cipher_key=empty)
    assert list(tmp_path.iterdir()) == []


def test_the_first_record_creates_a_store_and_says_so(tmp_path: Path) -> None:
    plain = kentqa("record", "-", "--db", "sqlite:///./plain.db", cwd=tmp_path, stdin=TEAM)
    assert plain.returncode == EXIT_OK, plain.stderr
    assert (
        f"kentqa: notice: created a new store at sqlite:///{tmp_path / 'plain.db'}, WITHOUT encryption"
        in plain.stderr
    )
    again = kentqa("record", "-", "--db", "sqlite:///./plain.db", cwd=tmp_path, stdin=TEAM)
    assert "notice" not in again.stderr  # only when it was created
    secret = kentqa(
        "record",
        "-",
        "--db",
        "sqlite:///./secret.db",
        cwd=tmp_path,
        env={"KENTQA_CIPHER_KEY": new_key()},
        stdin=TEAM,
    )
    assert secret.returncode == EXIT_OK, secret.stderr
    assert "created a new store" in secret.stderr
    assert "encrypted with KENTQA_CIPHER_KEY" in secret.stderr


def test_init_creates_a_store_explicitly(tmp_path: Path) -> None:
    refused = kentqa("init", "--db", "sqlite:///./a.db", cwd=tmp_path)
    assert refused.returncode == EXIT_USAGE
    assert "KENTQA_CIPHER_KEY is not set" in refused.stderr
    assert "--no-encryption" in refused.stderr
    assert list(tmp_path.iterdir()) == []

    made = kentqa("init", "--no-encryption", "--db", "sqlite:///./a.db", cwd=tmp_path)
    assert made.returncode == EXIT_OK, made.stderr
    assert "created a new store" in made.stdout
    assert kentqa("stats", "--db", "sqlite:///./a.db", cwd=tmp_path).returncode == EXIT_OK
    kentqa("record", "-", "--db", "sqlite:///./a.db", cwd=tmp_path, stdin=TEAM, code=EXIT_OK)
    twice = kentqa("init", "--no-encryption", "--db", "sqlite:///./a.db", cwd=tmp_path)
    assert twice.returncode == EXIT_REFUSED
    assert "already exists" in twice.stderr

    key = new_key()
    both = kentqa(
        "init", "--no-encryption", "--db", "sqlite:///./b.db", cwd=tmp_path, env={"KENTQA_CIPHER_KEY": key}
    )
    assert both.returncode == EXIT_USAGE
    encrypted = kentqa("init", "--db", "sqlite:///./b.db", cwd=tmp_path, env={"KENTQA_CIPHER_KEY": key})
    assert encrypted.returncode == EXIT_OK, encrypted.stderr
    assert "encrypted" in encrypted.stdout
    without = kentqa("stats", "--db", "sqlite:///./b.db", cwd=tmp_path)
    assert without.returncode == EXIT_STORAGE
    assert "this store is encrypted" in without.stderr


def test_database_files_are_created_for_the_owner_only(tmp_path: Path) -> None:
    """Low finding of issue 17: the files were created 0644 (readable by every local user)."""
    old = os.umask(0o022)
    try:
        with kq.connect(f"sqlite:///{tmp_path / 'kentqa.db'}") as qa:
            qa.record_json(
                {"type": "TeamRegistered", "team_id": "T1", "name": "A", "service": "S", "area": "E"}
            )
            names = sorted(p.name for p in tmp_path.iterdir())
            assert "kentqa.db" in names
            assert "kentqa.db-wal" in names  # while open
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    finally:
        os.umask(old)
    assert modes == dict.fromkeys(names, 0o600)
