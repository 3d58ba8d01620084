"""DocSession's cache: at most ``capacity`` entries, least recently used go first, and the
entries a fold touched stay until they are written (decision 0900)."""

from __future__ import annotations

from collections.abc import Sequence

from kentqa_domain.state import codec
from kentqa_domain.state.docs import DocSession


class Source:
    def __init__(self, docs: dict[str, bytes]) -> None:
        self.docs = docs

    def load_docs(self, owner: str, space: str, keys: Sequence[str]) -> dict[str, bytes]:
        return {k: self.docs[k] for k in keys if k in self.docs}

    def scan_docs(self, owner: str, space: str, after: str | None, limit: int) -> list[tuple[str, bytes]]:
        return []

    def changed_since(self, owner: str, position: int) -> list[tuple[str, str]]:
        return []


def test_a_full_cache_drops_the_least_recently_used_but_never_what_a_fold_touched() -> None:
    source = Source({f"k{n}": str(n).encode() for n in range(10)})
    session = DocSession(source, "test", codec, capacity=3)
    numbers = session.map("numbers", str, int)
    for n in range(10):
        assert numbers[f"k{n}"] == n
    assert [key for _space, key in session._cache] == ["k7", "k8", "k9"]
    assert numbers["k7"] == 7  # used again: now the most recent
    assert numbers["k0"] == 0
    assert [key for _space, key in session._cache] == ["k9", "k7", "k0"]
    session.writing = True
    for n in range(5):
        numbers[f"new{n}"] = n  # touched by a fold: kept beyond capacity until written
    assert {key for _space, key in session._cache} >= {f"new{n}" for n in range(5)}
    session.writing = False
    session.committed(1, session.changes())
    assert session.cached == 3
