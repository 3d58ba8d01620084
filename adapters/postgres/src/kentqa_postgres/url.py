"""Parse ``postgresql://`` URLs into eventsourcing's PostgreSQL settings (SPEC section 6)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from kentqa_domain.safe_text import misplaced_password

#: Settings given unless the URL's query overrides them. Timeouts are in seconds.
DEFAULTS: dict[str, str] = {
    "POSTGRES_CONNECT_TIMEOUT": "5",
    "POSTGRES_LOCK_TIMEOUT": "5",
    "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "5",
    "POSTGRES_POOL_SIZE": "2",
    "POSTGRES_MAX_OVERFLOW": "8",
    "POSTGRES_MAX_WAITING": "0",
    "POSTGRES_CONN_MAX_AGE": "3600",
    "POSTGRES_PRE_PING": "n",
}

#: Query parameters a URL may carry, each with its setting key and its kind of value.
QUERY: dict[str, tuple[str, str]] = {
    "schema": ("POSTGRES_SCHEMA", "identifier"),
    "connect_timeout": ("POSTGRES_CONNECT_TIMEOUT", "positive"),
    "lock_timeout": ("POSTGRES_LOCK_TIMEOUT", "int"),
    "idle_in_transaction_session_timeout": (
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT",
        "int",
    ),
    "pool_size": ("POSTGRES_POOL_SIZE", "positive"),
    "max_overflow": ("POSTGRES_MAX_OVERFLOW", "int"),
    "max_waiting": ("POSTGRES_MAX_WAITING", "int"),
    "conn_max_age": ("POSTGRES_CONN_MAX_AGE", "positive"),
    "pre_ping": ("POSTGRES_PRE_PING", "bool"),
}

SCHEMES = ("postgresql", "postgres")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_BOOLS = {"y": "y", "yes": "y", "true": "y", "1": "y", "n": "n", "no": "n", "false": "n", "0": "n"}


def parse_url(url: str) -> dict[str, str]:
    """The eventsourcing settings for *url*; ``ValueError`` names the part that is wrong and
    never shows the password."""
    if misplaced_password(url):
        raise ValueError(
            "PostgreSQL URL password holds an unencoded '/', '?' or '#': percent-encode them "
            "(%2F, %3F, %23; and %40 for '@', %3A for ':')"
        )
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise ValueError(f"PostgreSQL URL host is malformed: {error}") from None
    if parts.scheme not in SCHEMES:
        raise ValueError(f"PostgreSQL URL scheme must be one of {SCHEMES}, not {parts.scheme!r}")
    if parts.fragment:
        raise ValueError("PostgreSQL URL must not have a #fragment")
    host = _host(parts.netloc, parts.hostname)
    if not host:
        raise ValueError("PostgreSQL URL has no host: expected postgresql://user:pw@host/db")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("PostgreSQL URL port must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError("PostgreSQL URL port must be a number from 1 to 65535")
    user = _text("user", parts.username)
    if not user:
        raise ValueError("PostgreSQL URL has no user: expected postgresql://user:pw@host/db")
    path = parts.path.removeprefix("/")
    dbname = _text("database name", path)
    if not dbname or "/" in path:
        raise ValueError("PostgreSQL URL must name one database: postgresql://user:pw@host/db")
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(port or 5432),
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": _text("password", parts.password),
        **DEFAULTS,
    }
    settings.update(_query(parts.query))
    return settings


def _host(netloc: str, hostname: str | None) -> str:
    """The host, or a percent-encoded unix socket directory such as ``%2Fvar%2Frun``, as given."""
    raw = netloc.rpartition("@")[2]
    if raw.startswith("["):
        return hostname or ""
    return _text("host", raw.partition(":")[0])


def _text(part: str, raw: str | None) -> str:
    try:
        value = unquote(raw or "", errors="strict")
    except UnicodeDecodeError:
        raise ValueError(f"PostgreSQL URL {part} is not valid percent-encoded UTF-8") from None
    if "\x00" in value:
        raise ValueError(f"PostgreSQL URL {part} must not contain a NUL character")
    return value


def _query(query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ValueError(f"PostgreSQL URL query is malformed: {query!r}") from None
    found: dict[str, str] = {}
    for name, value in pairs:
        if name not in QUERY:
            known = ", ".join(sorted(QUERY))
            raise ValueError(f"PostgreSQL URL query parameter {name!r} is unknown (known: {known})")
        key, kind = QUERY[name]
        if key in found:
            raise ValueError(f"PostgreSQL URL query parameter {name!r} is given twice")
        found[key] = _value(name, kind, value)
    return found


def _value(name: str, kind: str, value: str) -> str:
    number = int(value) if value.isascii() and value.isdigit() else -1
    if (kind == "int" and number >= 0) or (kind == "positive" and number > 0):
        return str(number)
    if kind == "bool" and value.lower() in _BOOLS:
        return _BOOLS[value.lower()]
    if kind == "identifier" and _IDENTIFIER.fullmatch(value):
        return value
    wanted = {
        "int": "a whole number >= 0",
        "positive": "a whole number >= 1",
        "bool": "yes or no",
        "identifier": "a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)",
    }[kind]
    raise ValueError(f"PostgreSQL URL query parameter {name!r} must be {wanted}, not {value!r}")
