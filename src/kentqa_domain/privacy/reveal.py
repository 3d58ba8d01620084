"""Putting a child's references back into query answers, with the child's key (decision 0900).

The state holds a child only by its token and pseudonyms; :class:`Revealer` turns them back
into the child's reference and the original review and action ids, reading the ``reveal``
projection's sealed originals and opening them with the child's key. A forgotten child's key
is gone: its token and pseudonyms are returned as they are.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, overload

from .keyring import Keyring, aes_decrypt, key_id_of


class Revealer:
    """Token and pseudonym -> original, cached (bounded)."""

    def __init__(self, reveal: Any, keyring: Keyring, capacity: int = 50_000) -> None:
        self.reveal = reveal  # the Reveal projection (its ``names`` map)
        self.keyring = keyring
        self.capacity = capacity
        self._known: OrderedDict[str, str] = OrderedDict()

    def prefetch(self, tokens_and_pseudonyms: Iterable[tuple[str, str]]) -> None:
        """Load the sealed originals of many (token, pseudonym) pairs in one read."""
        names = []
        for token, pseudonym in tokens_and_pseudonyms:
            key_id = key_id_of(token)
            if key_id is not None and f"{key_id}:{pseudonym}" not in self._known:
                names.append(f"{key_id}:{pseudonym}")
        if names:
            self.reveal.names.prefetch(names)

    def child(self, token: str) -> str:
        """The child's reference for its token (the token once the child is forgotten)."""
        return self.original(token, token)

    @overload
    def original(self, token: str, pseudonym: str) -> str: ...
    @overload
    def original(self, token: str, pseudonym: None) -> None: ...
    @overload
    def original(self, token: str, pseudonym: str | None) -> str | None: ...
    def original(self, token: str, pseudonym: str | None) -> str | None:
        """The original of ``pseudonym`` (a review or action id) of the child ``token``."""
        if pseudonym is None:
            return None
        key_id = key_id_of(token)
        if key_id is None:
            return pseudonym
        name = f"{key_id}:{pseudonym}"
        found = self._known.get(name)
        if found is not None:
            return found
        sealed = self.reveal.names.get(name)
        key = self.keyring.child_key(key_id) if sealed is not None else None
        if sealed is None or key is None:
            return pseudonym
        found = aes_decrypt(key, base64.b64decode(sealed)).decode()
        self._known[name] = found
        if len(self._known) > self.capacity:
            self._known.popitem(last=False)
        return found

    def forget(self, key_id: str) -> None:
        """Drop what is cached about a child being forgotten."""
        prefix = f"{key_id}:"
        self._known = OrderedDict((k, v) for k, v in self._known.items() if not k.startswith(prefix))
