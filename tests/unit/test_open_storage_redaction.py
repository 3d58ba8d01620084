"""``open_storage`` errors never show a password (issue 17, low finding): an unknown scheme
(a typo such as ``postgress://``) printed the whole URL, and the SQLite opener quoted the URL
and its host part, credentials included."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.errors import StorageError
from kentqa_domain.plugins import make_plugin_manager, open_storage

PM = make_plugin_manager(entry_points=False)
#: Passwords of printable ASCII, long enough not to be a word of the message by chance.
PASSWORDS = st.text(
    alphabet=string.ascii_letters + string.digits + "!$%&'()*+,-.:;=~_[]{}^`|\"\\<>",
    min_size=10,
    max_size=30,
)


@pytest.mark.parametrize("scheme", ["postgress", "sqlite", "nosuch"])
@given(password=PASSWORDS)
def test_a_password_is_never_in_an_open_storage_error(scheme: str, password: str) -> None:
    url = f"{scheme}://kentqa:{password}@db.example:5432/qa"
    with pytest.raises(StorageError) as caught:
        open_storage(PM, url)
    assert password not in str(caught.value)
    assert "***" in str(caught.value) or scheme == "sqlite"  # the host part is still named


def test_the_error_still_says_what_is_wrong() -> None:
    with pytest.raises(StorageError) as caught:
        open_storage(PM, "postgress://kentqa:hunter2hunter2@db/qa")
    assert "no storage plugin for postgress://" in str(caught.value)
    assert "postgress://kentqa:***@db/qa" in str(caught.value)
