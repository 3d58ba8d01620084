"""``smtp://[user:password@]host:port?from=ADDR&to=ADDR[,ADDR][&starttls=1][&timeout=SECONDS]``."""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

OPTIONS = ("from", "to", "starttls", "timeout")
DEFAULT_PORT = 25


@attrs.frozen
class SmtpSettings:
    """Where and how to send: the server, the envelope sender and recipients, TLS and login."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    timeout: float = 10.0


def _address(value: str, option: str) -> str:
    _name, address = parseaddr(value)
    local, _, domain = address.partition("@")
    if not local or not domain or address != value.strip():
        raise ValueError(f"smtp URL option {option} must be a plain e-mail address, not {value!r}")
    return address


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"smtp URL option starttls must be 1 or 0, not {value!r}")


def parse_url(url: str) -> SmtpSettings:
    """The settings of an ``smtp://`` URL; ``ValueError`` names the part that is wrong."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "smtp":
        raise ValueError(f"not an smtp:// URL: {parts.scheme}://")
    if not parts.hostname:
        raise ValueError("smtp URL needs a host, e.g. smtp://mail.example.org:587?from=...&to=...")
    if parts.path.strip("/"):
        raise ValueError(f"smtp URL takes no path, not {parts.path!r}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise ValueError("smtp URL port must be a number from 1 to 65535") from None
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ValueError(f"unknown smtp URL option(s): {', '.join(unknown)} (known: {', '.join(OPTIONS)})")
    if "from" not in options:
        raise ValueError("smtp URL needs from=ADDRESS (the sender)")
    if "to" not in options:
        raise ValueError("smtp URL needs to=ADDRESS[,ADDRESS] (the recipients)")
    sender = _address(options["from"][-1], "from")
    recipients = tuple(_address(a, "to") for value in options["to"] for a in value.split(",") if a.strip())
    if not recipients:
        raise ValueError("smtp URL option to names no recipient")
    timeout_text = options.get("timeout", ["10"])[-1]
    try:
        timeout = float(timeout_text)
    except ValueError:
        timeout = 0.0
    if not timeout > 0:
        raise ValueError(
            f"smtp URL option timeout must be a positive number of seconds, not {timeout_text!r}"
        )
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        sender=sender,
        recipients=tuple(dict.fromkeys(recipients)),
        starttls=_flag(options.get("starttls", ["0"])[-1]),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout=timeout,
    )
