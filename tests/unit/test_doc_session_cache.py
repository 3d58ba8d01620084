"""DocSession's cache: at most ``capacity`` entries, least recently used go first, and the
entries a fold touched stay until they are written (decision 0900)."""

from __future__ import annotations

from collections.abc import Sequence

from kentqa_domain.readmodel.docs import DocSession
from kentqa_domain.state import codec


class Source:
    def __init__(self, docs: dict[str, bytes]) -> None:
        self.docs = docs

    def load_docs(self, owner: str, space: str, keys: Sequence[str]) -> dict[str, bytes]:
        return {k: self.docs[k] for k in keys if k in self.docs}

    def scan_docs(self, owner: str, space: str, after: str | None, limit: int) -> list[tuple[str, bytes]]:
        return []

    def changed_since(self, owner: str, position: int, limit: int) -> list[tuple[str, str]]:
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


class CountingSource(Source):
    def __init__(self, docs: dict[str, bytes]) -> None:
        super().__init__(docs)
        self.asked: list[int] = []

    def changed_since(self, owner: str, position: int, limit: int) -> list[tuple[str, str]]:
        self.asked.append(position)
        return [("numbers", key) for key in self.docs][:limit]


def test_a_new_session_follows_the_store_without_listing_its_changes() -> None:
    """A new process has nothing cached: joining the store at its position reads nothing;
    once it caches entries, moving on drops those another process changed."""
    source = CountingSource({"a": b"1", "b": b"2"})
    session = DocSession(source, "test", codec)
    numbers = session.map("numbers", str, int)
    session.sync(1_000_000)
    assert source.asked == [] and session.position == 1_000_000
    assert numbers["a"] == 1
    source.docs["a"] = b"5"
    session.sync(1_000_001)
    assert source.asked == [1_000_000]
    assert numbers["a"] == 5


def test_a_new_entry_is_read_once_and_written_once() -> None:
    """A fold looks for a subject, finds none and makes it: one read of the store, not two;
    after the write, the entry is the stored one."""
    source = Source({})
    reads: list[Sequence[str]] = []
    load = source.load_docs

    def counted(owner: str, space: str, keys: Sequence[str]) -> dict[str, bytes]:
        reads.append(keys)
        return load(owner, space, keys)

    source.load_docs = counted  # type: ignore[method-assign]
    session = DocSession(source, "test", codec)
    numbers = session.map("numbers", str, int)
    session.writing = True
    assert numbers.get("a") is None and "a" not in numbers
    numbers["a"] = 1
    session.writing = False
    written = session.changes()
    assert reads == [["a"]] and written == [("numbers", "a", b"1")]
    session.committed(1, written)
    source.docs["a"] = b"1"
    assert numbers["a"] == 1 and reads == [["a"]]


def test_a_fold_touching_more_entries_than_the_cache_holds_keeps_every_change() -> None:
    """An entry a fold has read (and may change) is never evicted before its changes are
    taken, even when the fold touches more entries than the cache's capacity."""
    from tests.memory_docs import MemoryDocs

    store = MemoryDocs()
    session = store.session("owner", capacity=3)
    numbers = session.map("numbers", str, list[int])
    session.writing = True
    for n in range(10):
        numbers[f"k{n}"] = [n]
    session.writing = False
    written = session.changes()
    for space, key, data in written:
        store.docs[("owner", space, key)] = (1, data)  # type: ignore[assignment]
    session.committed(1, written)
    session.writing = True
    for n in range(10):
        numbers[f"k{n}"].append(100)  # read, then changed in place: ten entries held by a cache of three
    session.writing = False
    changed = session.changes()
    assert sorted(key for _space, key, _doc in changed) == [f"k{n}" for n in range(10)]
