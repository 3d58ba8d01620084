"""What is printed and stored of a URL never holds its password or a webhook token, and
remote replies are echoed without control characters (issue 17, finding 4 and 10)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kentqa_domain.safe_text import misplaced_password, printable, redact
from kentqa_domain.storage import redact as storage_redact

#: Passwords as people type them: anything printable but '@' and spaces, '#', '/', '?' included.
passwords = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="@"), min_size=6, max_size=20
).map(lambda s: "Zq" + s)  # "Zq": found in no host, user or scheme below
hosts = st.from_regex(r"[a-y][a-y0-9-]{0,10}(\.[a-y]{2,6}){0,2}", fullmatch=True)
users = st.from_regex(r"[a-y][a-y0-9_]{0,8}", fullmatch=True)
ports = st.none() | st.integers(1, 65535)
tails = st.sampled_from(
    ["/qa", "/qa?schema=kentqa", "?from=a@x.org&to=b@x.org", "?from=a@x.org&to=b@x.org&starttls=1", "", "/"]
)


@given(
    scheme=st.sampled_from(["postgresql", "smtp", "smtps", "https"]),
    user=users,
    password=passwords,
    host=hosts,
    port=ports,
    tail=tails,
)
@example(scheme="postgresql", user="kent", password="1234/ssZq", host="h", port=5432, tail="/qa")
@example(
    scheme="smtp",
    user="kent",
    password="25?Zq",
    host="mail.example",
    port=587,
    tail="?from=a@x.org&to=b@x.org",
)
@example(scheme="smtp", user="u", password="Zqpa#ss", host="h", port=25, tail="?from=a@x.org&to=b@x.org")
@example(scheme="smtp", user="u", password="Zq?from=", host="h", port=None, tail="?from=a@x.org&to=b@x.org")
def test_a_password_is_never_shown_even_unencoded(
    scheme: str, user: str, password: str, host: str, port: int | None, tail: str
) -> None:
    where = f"{host}:{port}" if port else host
    url = f"{scheme}://{user}:{password}@{where}{tail}"
    shown = redact(url)
    assert password not in shown
    assert "Zq" not in shown
    assert shown.startswith(f"{scheme}://{user}:***@{host}")
    assert storage_redact(url) == shown
    assert misplaced_password(url) == any(c in password for c in "/?#")


@given(host=hosts, port=ports, tail=tails.filter(lambda t: not t.startswith("/")))
def test_urls_without_credentials_are_shown_as_given(host: str, port: int | None, tail: str) -> None:
    where = f"{host}:{port}" if port else host
    for scheme in ("postgresql", "smtp", "sqlite"):
        url = f"{scheme}://{where}{tail}"
        assert redact(url) == url
        assert not misplaced_password(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.example/services/T0AAA/B0BBB/Zq5xYtoken",
        "https://discord.example/api/webhooks/1234/Zq-token_value",
        "https://qa-hub.example.org/kentqa?token=Zqsecret",
        "http://127.0.0.1:8080/hook?sig=Zqsecret&x=1",
        "https://qa-hub.example.org/hook#Zqfragment",
    ],
)
def test_webhook_paths_and_queries_are_hidden_behind_a_fingerprint(url: str) -> None:
    shown = redact(url)
    assert "Zq" not in shown
    assert shown.partition("/***#")[2].isalnum() and len(shown.partition("/***#")[2]) == 8
    assert redact(url) == shown  # the same URL is the same channel on every run


def test_two_webhooks_on_one_host_stay_two_channels_and_a_password_change_is_not_a_new_one() -> None:
    a = redact("https://u:one@hooks.example.org/services/T0/B0/aaaa")
    b = redact("https://u:two@hooks.example.org/services/T0/B0/bbbb")
    assert a != b
    assert redact("https://u:three@hooks.example.org/services/T0/B0/aaaa") == a
    assert redact("https://hooks.example.org/") == "https://hooks.example.org/"


def test_other_urls_are_unchanged() -> None:
    for url in (
        "sqlite:///x.db",
        "memory://",
        "log://",
        "file:///tmp/notifications.jsonl",
        "smtp://h:25?from=a@x.org&to=b@x.org",
    ):
        assert redact(url) == url
    assert redact("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"


@given(st.text(max_size=300))
def test_printable_text_holds_no_control_or_format_character(text: str) -> None:
    import unicodedata

    shown = printable(text)
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for c in shown)
    shown.encode("utf-8")


def test_printable_escapes_what_a_hostile_receiver_sends() -> None:
    assert printable("denied\r\x07\x1b[2Jok\u202e!") == "denied\\r\\x07\\x1b[2Jok\\u202e!"
    assert len(printable("x" * 1000)) == 200
