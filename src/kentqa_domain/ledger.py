"""The projections still folded in memory, at one tracking position (decision 0900 moves them
into the store one by one; the write model and the identity index are there already).

The ledger is checkpointed as a single blob together with its position, so the tracking
position and the views it describes are always written in one transaction.

For erasure it also keeps, per child it knows by reference, the child's anonymous token and
the pseudonyms of its review and plan action ids (``child_aliases``), so a forgetting read
from the log can be applied to every part of the state without the child's key
(:meth:`Ledger.forget`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from hashlib import blake2b
from typing import Any
from uuid import UUID

import attrs

from .domain.identity import identity_of
from .events import Event
from .forgetting import ALIAS_KINDS, Forgetting
from .projections import PROJECTIONS, Projection


@attrs.define
class ChildAliases:
    """A child's anonymous token and the pseudonyms of its identifiers, by kind."""

    token: str
    ids: dict[str, dict[str, str]] = attrs.Factory(lambda: {kind: {} for kind in ALIAS_KINDS})


class Ledger:
    """In-memory state at ``position``; ``fold`` brings it forward one stored event at a time."""

    #: Bump when the ledger's own shape changes (projection versions are added to it).
    #: 2: children's aliases (erasure); 3: the identity index and stream versions are packed
    #: maps (decision 0803); 4: checkpoints pickled part by part (decision 0820), so older
    #: checkpoints are not loaded but rebuilt from the log; 5: the write model keeps a child's
    #: plan dates in tuples; 6: the write model, identities and stream versions live in the store.
    format_version = 6
    #: Which rebuild of the ledger this is (see :mod:`kentqa_domain.checkpoints`); set on load.
    generation = 0

    def __init__(self, projections: Iterable[type[Projection]] = PROJECTIONS) -> None:
        self.position = 0
        self.generation = 0
        self.projections: dict[str, Projection] = {cls.name: cls() for cls in projections}
        #: child ref -> its token and pseudonyms (children known by reference only)
        self.child_aliases: dict[str, ChildAliases] = {}
        #: how many children were forgotten (markers folded)
        self.forgotten = 0

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
        *,
        child: tuple[str, str, Mapping[str, Mapping[str, str]]] | None = None,
    ) -> None:
        """Apply one stored event to every projection folded in memory.

        ``child``: (child ref, token, pseudonyms by kind) when the event is a child's, read with its key.
        """
        if child is not None:
            ref, token, aliases = child
            known = self.child_aliases.get(ref)
            if known is None:
                known = self.child_aliases[ref] = ChildAliases(token)
            for kind, mapping in aliases.items():
                known.ids.setdefault(kind, {}).update(mapping)
        for projection in self.projections.values():
            projection.apply(event, position)
        self.position = max(self.position, position)

    #: The attributes pickled as parts of their own in a checkpoint (decision 0820); the
    #: projections are one part each.
    PARTS = ("child_aliases",)

    def parts(self) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        """(the small attributes, [(name, part), ...]): what a checkpoint pickles one by one."""
        state = dict(vars(self))
        projections = state.pop("projections")
        parts = [(name, state.pop(name)) for name in self.PARTS]
        parts += [(f"projection:{name}", projection) for name, projection in projections.items()]
        return state, parts

    @classmethod
    def from_parts(cls, header: dict[str, Any], parts: Iterable[tuple[str, Any]]) -> Ledger:
        """The ledger :meth:`parts` took apart (``ValueError`` if a part is missing or unknown)."""
        ledger = cls.__new__(cls)
        state = dict(header)
        state["projections"] = {}
        for name, part in parts:
            kind, _, projection = name.partition(":")
            if kind == "projection" and projection:
                state["projections"][projection] = part
            elif name in cls.PARTS:
                state[name] = part
            else:
                raise ValueError(f"unknown part {name!r} in a checkpoint")
        missing = [name for name in cls.PARTS if name not in state]
        if missing:
            raise ValueError(f"a checkpoint without {', '.join(missing)}")
        ledger.__dict__.update(state)
        return ledger

    def forgetting_of(self, child_ref: str) -> Forgetting | None:
        """The :class:`Forgetting` of ``child_ref``, if this ledger knows the child by reference."""
        known = self.child_aliases.get(child_ref)
        if known is None:
            return None
        return Forgetting(child_ref, known.token, {k: dict(v) for k, v in known.ids.items()})

    def forgetting(self, token: str) -> Forgetting | None:
        """The :class:`Forgetting` of the child whose token is ``token``, if this ledger knows it by reference."""
        for ref, known in self.child_aliases.items():
            if known.token == token:
                return Forgetting(ref, token, {k: dict(v) for k, v in known.ids.items()})
        return None

    def forget_early(self, token: str) -> Forgetting | None:
        """Every part of the state forgets the child whose token is ``token``, if it knows it by
        reference (its key is gone; the stored forgetting itself may come later in the log)."""
        forgetting = self.forgetting(token)
        if forgetting is not None:
            for projection in self.projections.values():
                projection.forget_child(forgetting)
            del self.child_aliases[forgetting.child_ref]
        return forgetting

    def forget(self, token: str, stream: UUID, version: int, position: int) -> Forgetting | None:
        """Fold a stored forgetting: every part of the state forgets the child (erasure)."""
        forgetting = self.forget_early(token)
        self.forgotten += 1
        self.position = max(self.position, position)
        return forgetting

    def projection(self, name: str) -> Any:
        return self.projections[name]


_MASK = (1 << 64) - 1


def digest64(data: bytes) -> int:
    """A stable 64-bit digest (blake2b), the same in every process."""
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big")


def identity_key(event: Event) -> int:
    """The 64-bit key of an event's identity (see :mod:`kentqa_domain.domain.identity`)."""
    return digest64(identity_of(event).encode())
