"""Everything folded from the log, at one tracking position: the write model, the identity
index, stream versions and the projections.

The ledger is checkpointed as a single blob together with its position, so the tracking
position and the views it describes are always written in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b
from typing import Any
from uuid import UUID

from .domain import Casebook
from .domain.identity import identity_of
from .events import Event
from .packed import IdentityIndex, StreamVersions
from .projections import PROJECTIONS, Projection


class Ledger:
    """In-memory state at ``position``; ``fold`` brings it forward one stored event at a time."""

    #: Bump when the ledger's own shape changes (projection versions are added to it).
    #: 2: the identity index and stream versions are packed maps (decision 0803).
    format_version = 2
    #: Which rebuild of the ledger this is (see :mod:`kentqa_domain.checkpoints`); set on load.
    generation = 0

    def __init__(self, projections: Iterable[type[Projection]] = PROJECTIONS) -> None:
        self.position = 0
        self.generation = 0
        self.casebook = Casebook()
        #: identity key -> (position << 64) | content digest, about 40 bytes an event
        self.identities = IdentityIndex()
        #: stream id -> last version, about 25 bytes a stream
        self.versions = StreamVersions()
        self.projections: dict[str, Projection] = {cls.name: cls() for cls in projections}

    @classmethod
    def signature(cls, projections: Iterable[type[Projection]] = PROJECTIONS) -> str:
        """Names the shape of the state; a checkpoint with another signature is not used."""
        parts = [f"ledger.v{cls.format_version}"]
        parts += [f"{p.name}.v{p.version}" for p in projections]
        return ",".join(parts)

    def fold(
        self,
        event: Event,
        stream: UUID | str,
        version: int,
        position: int,
        digest: int,
        *,
        casebook: bool = True,
        key: int | None = None,
    ) -> None:
        """Apply one stored event to every part of the state.

        ``casebook=False`` when the recording path already applied it while validating;
        ``key`` is the event's identity key when the caller has it already.
        """
        if casebook:
            self.casebook.apply(event)
        self.identities.setdefault(identity_key(event) if key is None else key, (position << 64) | digest)
        self.versions.raise_to(stream, version)
        for projection in self.projections.values():
            projection.apply(event, position)
        self.position = max(self.position, position)

    def recorded(self, key: int) -> tuple[int, int] | None:
        """(position, digest) of the event with this identity key, if recorded."""
        packed = self.identities.get(key)
        if packed is None:
            return None
        return packed >> 64, packed & _MASK

    def projection(self, name: str) -> Any:
        return self.projections[name]


_MASK = (1 << 64) - 1


def digest64(data: bytes) -> int:
    """A stable 64-bit digest (blake2b), the same in every process."""
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big")


def identity_key(event: Event) -> int:
    """The 64-bit key of an event's identity (see :mod:`kentqa_domain.domain.identity`)."""
    return digest64(identity_of(event).encode())
