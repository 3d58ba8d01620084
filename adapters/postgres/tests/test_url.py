"""The postgresql:// URL parser: settings, defaults and errors that name the wrong part."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.errors import StorageError
from kentqa_domain.storage import redact
from kentqa_postgres import open_postgres, parse_url
from kentqa_postgres.url import DEFAULTS

# Any text PostgreSQL can hold: no NUL, no lone surrogates (not encodable as UTF-8).
texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){0,3}", fullmatch=True)


def url_of(user: str, password: str, host: str = "db", port: int = 5432, db: str = "qa") -> str:
    return (
        f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}/{quote(db, safe='')}"
    )


def test_a_full_url_gives_every_setting() -> None:
    settings = parse_url("postgresql://kent:s3cret@db.example.org:6543/qa?schema=kentqa")
    assert settings == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": "qa",
        "POSTGRES_HOST": "db.example.org",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "kent",
        "POSTGRES_PASSWORD": "s3cret",
        "POSTGRES_SCHEMA": "kentqa",
        **DEFAULTS,
    }


def test_port_defaults_to_5432_and_schema_is_absent_unless_given() -> None:
    settings = parse_url("postgres://kent@localhost/qa")
    assert settings["POSTGRES_PORT"] == "5432"
    assert settings["POSTGRES_PASSWORD"] == ""
    assert "POSTGRES_SCHEMA" not in settings


def test_timeouts_are_set_so_a_stuck_server_fails_rather_than_hangs() -> None:
    settings = parse_url("postgresql://kent:pw@h/qa")
    assert int(settings["POSTGRES_CONNECT_TIMEOUT"]) > 0
    assert int(settings["POSTGRES_LOCK_TIMEOUT"]) > 0
    assert int(settings["POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT"]) > 0


def test_query_parameters_override_the_defaults() -> None:
    settings = parse_url("postgresql://k:p@h/qa?pool_size=7&lock_timeout=0&pre_ping=yes")
    assert settings["POSTGRES_POOL_SIZE"] == "7"
    assert settings["POSTGRES_LOCK_TIMEOUT"] == "0"
    assert settings["POSTGRES_PRE_PING"] == "y"


def test_ipv6_and_unix_socket_hosts() -> None:
    assert parse_url("postgresql://k:p@[::1]:5433/qa")["POSTGRES_HOST"] == "::1"
    socket = parse_url("postgresql://k@%2Fvar%2Frun%2FPostgreSQL/qa")
    assert socket["POSTGRES_HOST"] == "/var/run/PostgreSQL"


@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("postgresql://k:p@h/", "database"),
        ("postgresql://k:p@h", "database"),
        ("postgresql://k:p@h/qa/extra", "database"),
        ("postgresql://k:p@/qa", "host"),
        ("postgresql:///qa", "host"),
        ("postgresql://k:p@[::1/qa", "host"),
        ("postgresql://k:p@h:port/qa", "port"),
        ("postgresql://k:p@h:70000/qa", "port"),
        ("postgresql://k:p@h:0/qa", "port"),
        ("postgresql://h/qa", "user"),
        ("postgresql://k:%FF@h/qa", "password"),
        ("postgresql://k:p%00@h/qa", "password"),
        ("postgresql://k:p@h/qa?sslmode=require", "'sslmode' is unknown"),
        ("postgresql://k:p@h/qa?schema=a&schema=b", "'schema' is given twice"),
        ("postgresql://k:p@h/qa?schema=Bad-Name", "'schema' must be"),
        ("postgresql://k:p@h/qa?pool_size=0", "'pool_size' must be"),
        ("postgresql://k:p@h/qa?lock_timeout=-1", "'lock_timeout' must be"),
        ("postgresql://k:p@h/qa?pre_ping=maybe", "'pre_ping' must be"),
        ("postgresql://k:p@h/qa?schema", "query"),
        ("postgresql://k:p@h/qa#frag", "fragment"),
        ("mysql://k:p@h/qa", "scheme"),
    ],
)
def test_a_bad_url_raises_value_error_naming_the_wrong_part(url: str, part: str) -> None:
    with pytest.raises(ValueError, match=part):
        parse_url(url)


@given(user=texts.filter(bool), password=texts, host=hosts, port=st.integers(1, 65535))
def test_user_and_password_round_trip_through_percent_encoding(
    user: str, password: str, host: str, port: int
) -> None:
    settings = parse_url(url_of(user, password, host, port))
    assert settings["POSTGRES_USER"] == user
    assert settings["POSTGRES_PASSWORD"] == password
    assert settings["POSTGRES_HOST"] == host
    assert settings["POSTGRES_PORT"] == str(port)


@given(db=texts.filter(bool))
def test_database_names_round_trip(db: str) -> None:
    assert parse_url(url_of("kent", "pw", db=db))["POSTGRES_DBNAME"] == db


@given(user=texts.filter(bool), password=texts.filter(bool))
def test_the_display_form_never_shows_the_password(user: str, password: str) -> None:
    storage = open_postgres(url_of(user, password))
    assert f":{quote(password, safe='')}@" not in storage.display
    assert ":***@" in storage.display
    assert storage.settings["POSTGRES_PASSWORD"] == password


@pytest.mark.parametrize("password", ["pa#ss", "pa/ss", "pa?ss", "12/ab", "5432?x", "a#b/c?d"])
def test_an_unencoded_password_is_refused_and_never_shown(password: str) -> None:
    url = f"postgresql://kent:{password}@db.example.org:5432/qa"
    with pytest.raises(ValueError, match=r"password holds an unencoded") as caught:
        parse_url(url)
    assert password not in str(caught.value)
    with pytest.raises(StorageError) as opened:
        kq.connect(url)
    assert password not in str(opened.value)
    assert redact(url) == "postgresql://kent:***@db.example.org:5432/qa"
