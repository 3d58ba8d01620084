"""What a child's pseudonyms stand for, sealed with the child's key (decision 0900).

Projections fold a child's events in their anonymous form: the child's token
(``anon-<key id>``) and pseudonymised review and plan action ids. Queries show the case
system's references; this projection keeps, for each pseudonym, its original sealed with
the child's own key (AES-GCM), so that a query can put it back while the key exists and
nothing can once the child is forgotten (the key destroyed; these entries are deleted too).

One document per pseudonym, keyed ``<key id>:<pseudonym>`` (the token itself for the
child's reference), holding the sealed original as base64 text.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

from ..readmodel.projection import StoredProjection

#: (key id, plaintext) -> sealed bytes, given by the application (it holds the keys).
Sealer = Callable[[str, bytes], bytes]


class Reveal(StoredProjection):
    name = "reveal"
    version = 1
    needs_keys = True
    #: set by the application when it opens the store
    seal: Sealer | None = None

    def setup(self) -> None:
        self.names = self.session.map("names", str, str)

    def apply(self, event: Any, position: int) -> None:
        """``event`` is the stored event read in full (``Recorded``): its ``sealing`` names the
        child, the key and the pseudonyms made from the child's identifiers."""
        sealing = getattr(event, "sealing", None)
        if sealing is None or self.seal is None:
            return
        key_id, token = sealing.key_id, sealing.token
        if sealing.child_ref != token:
            self._put(key_id, token, sealing.child_ref)
        for mapping in sealing.aliases.values():
            for original, pseudonym in mapping.items():
                self._put(key_id, pseudonym, original)

    def prefetch(self, events: Sequence[Any]) -> None:
        names = []
        for event in events:
            sealing = getattr(event, "sealing", None)
            if sealing is not None:
                names.append(f"{sealing.key_id}:{sealing.token}")
                names += [
                    f"{sealing.key_id}:{p}" for mapping in sealing.aliases.values() for p in mapping.values()
                ]
        if names:
            self.names.prefetch(names)

    def _put(self, key_id: str, pseudonym: str, original: str) -> None:
        name = f"{key_id}:{pseudonym}"
        if name not in self.names:
            assert self.seal is not None
            self.names[name] = base64.b64encode(self.seal(key_id, original.encode())).decode()
