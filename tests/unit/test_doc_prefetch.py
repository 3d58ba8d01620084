"""DocSession.prefetch: one read for many keys, and absent keys remembered as misses."""

from __future__ import annotations

from tests.memory_docs import MemoryDocs


def test_prefetched_misses_ask_the_store_nothing_more() -> None:
    store = MemoryDocs()
    writer = store.session("owner")
    counts = writer.map("counts", str, int)
    writer.writing = True
    counts["a"] = 1
    writer.writing = False
    written = writer.changes()
    for space, key, data in written:
        assert data is not None
        store.docs[("owner", space, key)] = (1, data)
    writer.committed(1, written)

    store.reads = 0
    reader = store.session("owner")
    found = reader.map("counts", str, int)
    found.prefetch(["a", "b", "c"])
    assert (store.reads, reader.loads) == (1, 3)
    assert (found.get("a"), found.get("b"), "c" in found) == (1, None, False)
    assert store.reads == 1  # the misses were remembered

    reader.writing = True  # a fold may still add a key that was a miss
    found["b"] = 2
    reader.writing = False
    assert [(space, key) for space, key, _data in reader.changes()] == [("counts", "b")]


def test_a_miss_is_forgotten_when_another_process_writes_the_key() -> None:
    store = MemoryDocs()
    reader = store.session("owner")
    found = reader.map("counts", str, int)
    found.prefetch(["b"])
    assert found.get("b") is None
    store.docs[("owner", "counts", "b")] = (5, b"7")  # written elsewhere at position 5
    reader.sync(5)
    assert found.get("b") == 7


def test_a_new_session_syncs_to_the_store_without_reading_what_changed() -> None:
    """A process that has cached nothing has nothing to drop: opening reads no history."""
    store = MemoryDocs()
    store.docs[("owner", "counts", "a")] = (9, b"1")
    reader = store.session("owner")
    reader.sync(9)
    assert (store.reads, reader.position) == (0, 9)
    assert reader.map("counts", str, int)["a"] == 1
