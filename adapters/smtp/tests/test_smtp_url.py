"""smtp:// URLs: every part parsed, every mistake named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_smtp import SmtpSettings, parse_url


def test_a_full_url() -> None:
    s = parse_url(
        "smtp://qa%2Dbot:p%40ss%3Aw@mail.example.org:587?from=a@x.org&to=b@x.org,c@x.org&to=d@x.org&starttls=1&timeout=3.5"
    )
    assert (s.host, s.port, s.sender, s.recipients) == (
        "mail.example.org",
        587,
        "a@x.org",
        ("b@x.org", "c@x.org", "d@x.org"),
    )
    assert (s.starttls, s.username, s.password, s.timeout) == (True, "qa-bot", "p@ss:w", 3.5)
    assert "p@ss:w" not in repr(s)


def test_defaults_tls_on() -> None:
    s = parse_url("smtp://mail?from=a@x.org&to=b@x.org")
    assert (s.port, s.starttls, s.implicit_tls, s.username, s.password, s.timeout) == (
        25,
        True,
        False,
        None,
        None,
        10.0,
    )
    s = parse_url("smtps://u:p@mail?from=a@x.org&to=b@x.org")
    assert (s.port, s.starttls, s.implicit_tls, s.username, s.password) == (465, False, True, "u", "p")
    assert parse_url("smtp://mail?from=a@x.org&to=b@x.org&starttls=0").starttls is False


def test_settings_with_credentials_and_no_tls_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="never sent in clear text"):
        SmtpSettings("h", 25, "a@x.org", ("b@x.org",), starttls=False, username="u", password="p")


@pytest.mark.parametrize("password", ["pa#ss", "pa/ss", "pa?ss", "12/ab", "a?b=c#d"])
def test_an_unencoded_password_is_refused_without_being_shown(password: str) -> None:
    with pytest.raises(ValueError, match=r"password holds an unencoded '/', '\?' or '#'") as caught:
        parse_url(f"smtp://u:{password}@mail.example.org:587?from=a@x.org&to=b@x.org")
    assert password not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://?from=a@x.org&to=b@x.org", "needs a host"),
        ("smtp://h:99999?from=a@x.org&to=b@x.org", "port must be a number"),
        ("smtp://h/inbox?from=a@x.org&to=b@x.org", "takes no path"),
        ("smtps://h?from=a@x.org&to=b@x.org&starttls=1", "smtps:// is TLS from the start"),
        ("smtp://u:p@h?from=a@x.org&to=b@x.org&starttls=0", "never sent in clear text"),
        ("smtp://u@h?from=a@x.org&to=b@x.org&starttls=0", "never sent in clear text"),
        ("smtp://h?to=b@x.org", "needs from="),
        ("smtp://h?from=a@x.org", "needs to="),
        ("smtp://h?from=a@x.org&to=,", "names no recipient"),
        ("smtp://h?from=nobody&to=b@x.org", "option from must be a plain e-mail address"),
        ("smtp://h?from=a@x.org&to=Bob <b@x.org>", "option to must be a plain e-mail address"),
        ("smtp://h?from=a@x.org&to=b@x.org&starttls=maybe", "starttls must be 1 or 0"),
        ("smtp://h?from=a@x.org&to=b@x.org&timeout=0", "timeout must be a positive number"),
        ("smtp://h?from=a@x.org&to=b@x.org&cc=c@x.org", "unknown smtp URL option(s): cc"),
    ],
)
def test_mistakes_are_named(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_url(url)


local = st.text(
    st.characters(categories=("Ll", "Nd"), include_characters=".-_"), min_size=1, max_size=10
).filter(lambda s: s[0] not in ".-" and s[-1] != ".")


@given(st.lists(local, min_size=1, max_size=4, unique=True), st.integers(1, 65535))
def test_recipients_keep_their_order_without_duplicates(names: list[str], port: int) -> None:
    addresses = [f"{n}@kent.example" for n in names]
    joined = ",".join(addresses + addresses[:1])
    s = parse_url(f"smtp://h:{port}?from=q@kent.example&to={joined}")
    assert s.recipients == tuple(addresses) and s.port == port


@given(
    user=st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=10),
    password=st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=8, max_size=20),
)
def test_a_login_on_port_465_over_smtp_is_refused_with_a_hint_for_smtps(user: str, password: str) -> None:
    """Issue 17 (low): port 465 is implicit TLS; ``smtp://`` there waited for a greeting that
    never came and failed with a bare time-out. With a login it is refused, naming smtps://."""
    with pytest.raises(ValueError, match=r"use smtps://HOST:465") as caught:
        parse_url(f"smtp://{user}:{password}@mail.example.org:465?from=a@x.org&to=b@x.org")
    assert password not in str(caught.value)
    fixed = parse_url(f"smtps://{user}:{password}@mail.example.org:465?from=a@x.org&to=b@x.org")
    assert (fixed.implicit_tls, fixed.port) == (True, 465)
    assert parse_url(f"smtp://{user}:{password}@mail.example.org:587?from=a@x.org&to=b@x.org").starttls
