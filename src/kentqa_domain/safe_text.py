"""Text safe to print: URLs without their secrets, replies without control characters.

:func:`redact` is what every error message and every channel name shows of a URL (issue 17,
finding 4): the password hidden even when it holds an unencoded ``#``, ``/``, ``?`` or ``@``
(which make ``urllib`` see a host, path or fragment where the password is), and for
``http(s)://`` the path, query and fragment hidden too (webhook tokens live there) behind a
fingerprint, so two webhooks on one host stay two channels. :func:`printable` makes text a
remote server sent (an SMTP reply, an HTTP body) safe to echo on a terminal.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote, urlsplit, urlunsplit

HIDDEN = "***"
#: Schemes whose path and query may carry a token (Slack, Teams, Discord-style webhook URLs).
_TOKEN_SCHEMES = frozenset({"http", "https"})
#: What follows the ``@`` of credentials: a host (name, address or [IPv6]), a port, then the end
#: or the start of a path, query or fragment.
_HOST_THEN_END = re.compile(r"(\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9._~%-]+)(:[0-9]*)?(?=[/?#]|\Z)")


def credentials_span(url: str) -> tuple[int, int, int] | None:
    """Where the credentials of ``url`` are: ``(start, colon, at)`` indexes into ``url`` of the
    user name's start, the ``:`` before the password (``-1``: no password) and the ``@`` that ends
    them; ``None`` when it has none.

    Finds them where ``urllib`` does, and also when the password holds an unencoded ``/``, ``?``
    or ``#``: ``urllib`` then ends the authority early (``u:pa`` with a "port" ``pa``), and the
    ``@`` comes later, followed by something shaped like a host.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme:
        return None
    start = len(scheme) + len(sep)
    end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    netloc = rest[:end]
    if "@" in netloc:
        at = netloc.rindex("@")
        colon = netloc.find(":", 0, at)
        return start, (start + colon if colon >= 0 else -1), start + at
    at = rest.find("@", end)
    colon = netloc.find(":")
    if at < 0 or colon <= 0 or netloc.startswith("["):
        return None
    port = netloc[colon + 1 :]
    if not port or (port.isascii() and port.isdigit()):
        # host:port, then an @ in the path or query (?from=a@example.org) or a password that
        # starts with digits: a password only if a host follows the @, and no query before it
        host_like = _HOST_THEN_END.match(rest, at + 1) is not None
        if not host_like or "=" in rest[colon:at]:
            return None
    return start, start + colon, start + at


def misplaced_password(url: str) -> bool:
    """True when the URL's password holds an unencoded ``/``, ``?`` or ``#`` (so that ``urllib``
    splits the URL inside it): parsers refuse such URLs, asking for percent-encoding."""
    span = credentials_span(url)
    if span is None or span[1] < 0:
        return False
    return any(c in "/?#" for c in url[span[1] : span[2]])


def redact(url: str) -> str:
    """``url`` safe to print and to store as a name: any password replaced by ``***``; for
    ``http(s)://`` the path, query and fragment replaced by ``/***#`` and 8 hex digits of their
    SHA-256 (the same URL always gives the same name; the password never counts)."""
    span = credentials_span(url)
    if span is not None and span[1] >= 0:
        url = f"{url[: span[1] + 1]}{HIDDEN}{url[span[2] :]}"
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced [ in the host: show the scheme only
        return f"{url.partition(':')[0][:20]}://{HIDDEN}"
    if parts.scheme.lower() not in _TOKEN_SCHEMES:
        return url
    hidden = (
        parts.path
        + (f"?{parts.query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )
    if hidden in {"", "/"}:
        return url
    fingerprint = hashlib.sha256(b"kentqa channel\0" + hidden.encode("utf-8", "surrogatepass")).hexdigest()
    return urlunsplit((parts.scheme, parts.netloc, f"/{HIDDEN}", "", fingerprint[:8]))


#: Unicode categories never echoed: controls (BEL, CR, ESC, C1), format characters (bidi
#: overrides, zero-width joiners), surrogates and line or paragraph separators.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def without_password(text: str, url: str) -> str:
    """``text`` (an error about ``url``) with ``url`` shown redacted and its password, as typed
    and percent-decoded, replaced by ``***`` wherever else it appears (issue 17: a storage
    plugin's error quoting the URL or its host part printed the password)."""
    text = text.replace(url, redact(url))
    span = credentials_span(url)
    if span is None or span[1] < 0:
        return text
    password = url[span[1] + 1 : span[2]]
    for form in {password, unquote(password)}:
        if form:
            text = text.replace(form, HIDDEN)
    return text


def printable(text: str, limit: int = 200) -> str:
    """At most ``limit`` characters of ``text`` from a remote peer, on one line, with every
    control or format character escaped (no terminal control, no bidi reordering)."""
    out: list[str] = []
    for c in text[:limit]:
        if unicodedata.category(c) in _UNPRINTABLE:
            out.append(c.encode("unicode_escape").decode("ascii"))
        else:
            out.append(c)
    return "".join(out).strip()
