"""Old and damaged checkpoints in a real SQLite file are ignored and the ledger rebuilt (decision 0820).

ORACLE: the answers of the connection that recorded the events (live) against a new
connection to the file after its checkpoint rows were replaced by an old-format body (one
pickle of the whole ledger, as format 3 wrote), by damaged bytes, or given the old signature.
"""

from __future__ import annotations

import pickle
import sqlite3
import zlib
from pathlib import Path

import pytest

import kentqa_domain as kq
from kentqa_domain.checkpoints import checkpoint_stream
from kentqa_domain.keyring import aes_encrypt
from tests.integration.test_replay import answers, council


def _checkpoint_rows(path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT originator_id, originator_version FROM stored_checkpoints WHERE originator_id = ?",
            (checkpoint_stream(0).hex,),
        ).fetchall()


@pytest.mark.parametrize("damage", ["whole-ledger pickle", "garbage", "old signature"])
def test_an_old_or_damaged_checkpoint_is_rebuilt_not_a_crash(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(council()[:2500])
        qa.checkpoint()
        live = answers(qa)
        key_id, key = qa.keyring.ledger_key()
        old_body = zlib.compress(pickle.dumps(qa.ledger, protocol=pickle.HIGHEST_PROTOCOL), 1)
        old_state = qa.event_mapper.seal(key_id.encode() + b":" + aes_encrypt(key, old_body))
    rows = _checkpoint_rows(path)
    assert rows
    with sqlite3.connect(path) as db:
        for stream, version in rows:
            if damage == "whole-ledger pickle":
                db.execute(
                    "UPDATE stored_checkpoints SET state = ? WHERE originator_id = ? AND originator_version = ?",
                    (old_state, stream, version),
                )
            elif damage == "garbage":
                db.execute(
                    "UPDATE stored_checkpoints SET state = ? WHERE originator_id = ? AND originator_version = ?",
                    (b"\x00not a checkpoint" * 10, stream, version),
                )
            else:
                db.execute(
                    "UPDATE stored_checkpoints SET topic = ? WHERE originator_id = ? AND originator_version = ?",
                    ("ledger.v3,event_counts.v1", stream, version),
                )
    with kq.connect(url, policy=kq.Policy()) as reopened:
        assert reopened.ledger.generation >= 1  # rebuilt from the log in a generation of its own
        assert answers(reopened) == live
    with kq.connect(url, policy=kq.Policy()) as again:  # the rebuilt ledger's checkpoint loads
        assert again.ledger.generation == 1
        assert again.position == 2500
        assert answers(again) == live
