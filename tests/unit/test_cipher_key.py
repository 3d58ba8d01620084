"""``KENTQA_CIPHER_KEY`` must be a key (issue 17, "Low"): an all-zero placeholder, or any one
byte repeated, is refused with the variable named, before any store is opened or created."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.errors import StorageError
from kentqa_domain.privacy.encryption import check_key, new_key
from tests.cli_run import kentqa


@given(st.integers(0, 255), st.sampled_from([16, 24, 32]))
def test_one_byte_repeated_is_not_a_key(byte: int, length: int) -> None:
    key = base64.b64encode(bytes([byte]) * length).decode()
    with pytest.raises(StorageError, match=r"KENTQA_CIPHER_KEY is one byte .* repeated .* not a secret"):
        check_key(key)


@given(st.binary(min_size=32, max_size=32).filter(lambda b: len(set(b)) > 1))
def test_any_other_key_of_the_right_length_is_accepted(raw: bytes) -> None:
    check_key(base64.b64encode(raw).decode())


def test_a_fresh_key_is_accepted() -> None:
    check_key(new_key())


def test_an_all_zero_key_creates_no_store(tmp_path: Path) -> None:
    zero = base64.b64encode(bytes(32)).decode()
    db = tmp_path / "qa.db"
    with pytest.raises(StorageError, match="not a secret"):
        kq.connect(f"sqlite:///{db}", cipher_key=zero)
    assert not db.exists()
    # the command reads it from the environment
    run = kentqa("stats", db=f"sqlite:///{db}", env={"KENTQA_CIPHER_KEY": zero})
    assert run.returncode == 3 and "not a secret" in run.stderr
    assert not db.exists()
