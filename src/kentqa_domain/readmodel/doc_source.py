"""What a document session reads from and hands to the store (SPEC 9.4).

:class:`DocSource` is the store's port a :class:`~kentqa_domain.readmodel.docs.DocSession`
reads through (implemented per back end in :mod:`kentqa_domain.state.doc_tables`), a
:class:`Codec` how documents and keys become text (:mod:`kentqa_domain.state.codec`), and a
:class:`DocWrite` one changed document to store in the fold's transaction (decision 0900).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class DocSource(Protocol):
    """What a session reads from the store (implemented in :mod:`kentqa_domain.state.doc_tables`)."""

    def load_docs(self, owner: str, space: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored documents of these keys (absent keys are left out)."""
        ...

    def scan_docs(self, owner: str, space: str, after: str | None, limit: int) -> list[tuple[str, bytes]]:
        """Up to ``limit`` (key, document) of a map, by key, after ``after``."""
        ...

    def changed_since(self, owner: str, position: int, limit: int) -> list[tuple[str, str]]:
        """(space, key) of the owner's documents written after ``position`` (at most ``limit``)."""
        ...


class Codec(Protocol):
    """How documents and keys become text (:mod:`kentqa_domain.state.codec`, given by the store)."""

    def encode(self, value: Any, type_: Any) -> bytes: ...

    def decode(self, data: bytes | str, type_: Any) -> Any: ...

    def encode_key(self, key: Any, type_: Any) -> str: ...

    def decode_key(self, text: str, type_: Any) -> Any: ...


class DocWrite(tuple[str, str, "bytes | None"]):
    """(space, key, document) to store; a document of None deletes the entry."""

    __slots__ = ()
