"""``smtp://[user:password@]host:port?from=ADDR&to=ADDR[,ADDR][&starttls=0|1][&timeout=SECONDS]``
and ``smtps://...`` (implicit TLS).

TLS is on by default (issue 17, finding 3): ``smtp://`` upgrades with ``STARTTLS`` and
``smtps://`` speaks TLS from the first byte, both verifying the server's certificate. Only a
URL without credentials may turn it off (``starttls=0``, for a relay on the same host): a
password is never sent in clear text.
"""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from kentqa_domain.safe_text import misplaced_password

OPTIONS = ("from", "to", "starttls", "timeout")
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
DEFAULT_PORT = DEFAULT_PORTS["smtp"]


@attrs.frozen
class SmtpSettings:
    """Where and how to send: the server, the envelope sender and recipients, TLS and login.

    ``implicit_tls``: TLS from the first byte (``smtps://``); ``starttls``: upgrade a plain
    connection before anything else is said (the default for ``smtp://``).
    """

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = True
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    timeout: float = 10.0
    implicit_tls: bool = False

    def __attrs_post_init__(self) -> None:
        if self.credentials and not self.tls:
            raise ValueError(_CLEAR_TEXT_LOGIN)

    @property
    def tls(self) -> bool:
        return self.starttls or self.implicit_tls

    @property
    def credentials(self) -> bool:
        return self.username is not None or self.password is not None


_CLEAR_TEXT_LOGIN = (
    "smtp URL has a user or password but starttls=0: a password is never sent in clear "
    "text; drop starttls=0 (STARTTLS is the default) or use smtps:// (implicit TLS)"
)


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
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"smtp URL option starttls must be 1 or 0, not {value!r:.20}")


def _tls(scheme: str, options: dict[str, list[str]]) -> tuple[bool, bool]:
    """(starttls, implicit_tls): STARTTLS unless turned off, implicit TLS for smtps://."""
    if scheme == "smtps":
        if "starttls" in options:
            raise ValueError("smtps:// is TLS from the start: drop the starttls option")
        return False, True
    return _flag(options.get("starttls", ["1"])[-1]), False


def parse_url(url: str) -> SmtpSettings:
    """The settings of an ``smtp://`` or ``smtps://`` URL; ``ValueError`` names the part that is
    wrong, and never shows the password."""
    if misplaced_password(url):
        raise ValueError(
            "smtp URL password holds an unencoded '/', '?' or '#': percent-encode them "
            "(%2F, %3F, %23; and %40 for '@', %3A for ':')"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an smtp:// or smtps:// URL: {parts.scheme}://")
    if not parts.hostname:
        raise ValueError("smtp URL needs a host, e.g. smtp://mail.example.org:587?from=...&to=...")
    if parts.path.strip("/"):
        raise ValueError("smtp URL takes no path (put options after ?)")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
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
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    starttls, implicit_tls = _tls(scheme, options)
    if scheme == "smtp" and port == DEFAULT_PORTS["smtps"] and (username is not None or password is not None):
        # issue 17: port 465 speaks TLS from the first byte; smtp:// waited for a greeting
        # that never came, and the run failed with a bare time-out
        raise ValueError(
            "smtp URL with a login on port 465: that port speaks TLS from the start (SMTPS); "
            "use smtps://HOST:465, or smtp:// on port 587 (STARTTLS)"
        )
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        sender=sender,
        recipients=tuple(dict.fromkeys(recipients)),
        starttls=starttls,
        username=username,
        password=password,
        timeout=timeout,
        implicit_tls=implicit_tls,
    )
