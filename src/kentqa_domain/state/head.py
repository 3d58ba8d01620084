"""The log head: a running HMAC over every stored event, kept under the key (issue 17,
finding 7; decision 0915).

In an encrypted store each batch's write transaction, which appends events, also advances
one document of the state tables (owner ``head``, sealed by the store's cipher like every
document): ``{"start", "position", "digest"}``, where ``digest`` chains, from ``start``, the
HMAC-SHA256 under the store's wrapped secret of the previous digest and each event's
position, stream id, version, topic and the SHA-256 of its stored payload. ``kentqa verify``
recomputes it from the log: a row deleted, inserted, reordered or changed after ``start``, or
the end of the log cut off, gives another digest. Without the key the secret cannot be read,
so the head cannot be recomputed for a changed log. A store encrypted before this was written
starts its chain at the first position recorded after the upgrade.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from hashlib import sha256
from typing import Any
from uuid import UUID

import attrs

OWNER, SPACE, KEY = "head", "log", "head"


@attrs.frozen
class Head:
    """Where the chain starts, the last position it covers, and its digest (hex)."""

    start: int
    position: int
    digest: str

    def to_bytes(self) -> bytes:
        return json.dumps({"start": self.start, "position": self.position, "digest": self.digest}).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Head:
        found = json.loads(data)
        return cls(int(found["start"]), int(found["position"]), str(found["digest"]))


def link(secret: bytes, previous: bytes, row: tuple[int, Any, int, str, Any]) -> bytes:
    """The next digest: the previous one and one stored event (position, stream, version,
    topic, payload)."""
    position, stream, version, topic, state = row
    originator = stream if isinstance(stream, UUID) else UUID(hex=str(stream).replace("-", ""))
    mac = hmac.new(secret, previous, sha256)
    mac.update(f"\x1f{int(position)}\x1f{originator}\x1f{int(version)}\x1f{topic}\x1f".encode())
    mac.update(sha256(bytes(state)).digest())
    return mac.digest()


def chain(secret: bytes, previous: bytes, rows: Iterable[tuple[int, Any, int, str, Any]]) -> bytes:
    for row in rows:
        previous = link(secret, previous, row)
    return previous


class LogHead:
    """Reads and advances the head document of one store (``tables``: its state tables)."""

    def __init__(self, tables: Any, secret: bytes) -> None:
        self.tables = tables
        self.secret = secret

    def read(self) -> Head | None:
        """The head as stored (inside a write transaction: as that transaction sees it)."""
        found = self.tables.load_docs(OWNER, SPACE, [KEY]).get(KEY)
        return Head.from_bytes(found) if found else None

    def advance(self, cursor: Any, rows: list[tuple[int, Any, int, str, Any]]) -> None:
        """Chain ``rows`` (just inserted, in position order) onto the head, in ``cursor``'s
        transaction (the one that inserted them)."""
        if not rows:
            return
        rows = sorted(rows, key=lambda r: r[0])
        head = self.read()
        if head is None:
            start, previous = rows[0][0], b""
        else:
            start, previous = head.start, bytes.fromhex(head.digest)
        digest = chain(self.secret, previous, rows)
        last = rows[-1][0]
        self.tables.write_docs(
            cursor, OWNER, last, [(SPACE, KEY, Head(start, last, digest.hex()).to_bytes())]
        )
