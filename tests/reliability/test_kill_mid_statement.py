"""SIGKILL inside an SQLite statement — mid-batch, mid-rebuild of a projection, mid-forgetting — leaves
nothing half-done.

tests/reliability/die_mid_sql.py installs SQLite's progress handler on every connection and
kills its own process at a chosen virtual-machine step inside the operation's transaction.
After each kill: a batch is either wholly stored or not at all; the store opens, its
in-memory state equals a replay of its log; re-running the operation ends where an
uninterrupted run ends; a forgetting is either not begun, or finished by the next
connection (the child unreadable everywhere).
"""

from __future__ import annotations

import random
import shutil
import signal
from pathlib import Path

import pytest

import kentqa_domain as kq
from tests.cli_run import start_python
from tests.reliability.state import known_children, live_children, replayed, store_state
from tests.reliability.workload import events

BATCH = events(120)[-300:]
BASE = events(120)[:-300]


def _base_store(tmp_path: Path) -> Path:
    db = tmp_path / "base.db"
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        qa.record_many(BASE)
    return db


def _run(db: Path, what: str, step: int) -> tuple[int, int]:
    """(exit status, steps the operation took when it finished)."""
    proc = start_python("-m", "tests.reliability.die_mid_sql", f"sqlite:///{db}", what, str(step))
    out, err = proc.communicate(timeout=300)
    assert out.startswith("armed"), err
    assert proc.returncode in (0, -signal.SIGKILL), err
    finished = [line for line in out.splitlines() if line.startswith("finished")]
    return proc.returncode, int(finished[0].split()[1]) if finished else 0


@pytest.mark.parametrize("what", ["batch", "rebuild", "forget"])
def test_a_kill_inside_a_statement_leaves_nothing_half_done(tmp_path: Path, what: str) -> None:
    base = _base_store(tmp_path)
    with kq.connect(f"sqlite:///{base}", policy=kq.Policy()) as qa:
        before = sum(qa.stats().values())
        children = len(live_children(qa))
    dry = tmp_path / "dry.db"
    shutil.copy(base, dry)
    status, total = _run(dry, what, 10**12)  # how many SQLite steps the whole operation takes
    assert status == 0 and total > 12
    rng = random.Random(what)
    steps = [*sorted(rng.sample(range(1, total), 12)), 10**12]
    kills = 0
    for step in steps:
        db = tmp_path / f"{what}-{step}.db"
        shutil.copy(base, db)
        killed = _run(db, what, step)[0] == -signal.SIGKILL
        kills += killed
        with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
            stored = sum(qa.stats().values())
            assert store_state(qa) == replayed(qa)
            if what == "batch":
                assert stored in (before, before + len(BATCH))  # all of the batch or none of it
                qa.record_many(BATCH)  # the re-run ends where an uninterrupted run ends
                assert sum(qa.stats().values()) == before + len(BATCH)
            elif what == "rebuild":
                assert stored == before
            else:
                forgotten = len(live_children(qa)) == children - 1
                assert forgotten or len(live_children(qa)) == children
                assert stored == before
                if forgotten:  # the fact was stored: the key must be gone too
                    token = next(iter(c for c in known_children(qa) if c.startswith("anon-")))
                    from kentqa_domain.privacy.keyring import key_id_of

                    assert qa.keyring.child_key(key_id_of(token) or "") is None
        if not killed:
            assert step == steps[-1]
    assert kills == len(steps) - 1, "every chosen step fell inside the operation"
