"""State kept in the store as documents, read through a bounded cache (SPEC 9.4).

The write model and every projection keep their state in maps of documents: a
:class:`DocMap` behaves like a ``dict`` (``get``, ``[]``, ``in``, ``setdefault``, ``pop``,
iteration) but its entries live in the store's document table, one row per entry, as JSON
(:mod:`kentqa_domain.state.codec`). A :class:`DocSession` is one owner's view of its maps (the
write model's, or one projection's): it loads entries on first use, keeps at most
``capacity`` of them (least recently used go first), remembers which entries a fold touched,
and hands the changed ones to the caller to write in the same transaction as the events or
the projection's tracking position. Memory is bounded by the subjects a process works on,
never by history.

The session knows the store position its cache reflects. When another process has moved the
state on, :meth:`DocSession.sync` drops exactly the entries changed since.

This module does no I/O itself: it reads through a
:class:`~kentqa_domain.readmodel.doc_source.DocSource` (the store's port).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from ..errors import StorageError
from .doc_source import Codec, DocSource, DocWrite

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
_MISSING: Any = object()
#: Entries read per query when a whole map is listed.
SCAN_PAGE = 1_000


class _Entry:
    __slots__ = ("original", "value")

    def __init__(self, value: Any, original: bytes | None) -> None:
        self.value = value
        self.original = original  # the stored bytes (None: not in the store)


class DocSession:
    """One owner's documents: a bounded cache, what a fold touched, the position it reflects."""

    def __init__(self, source: DocSource, owner: str, codec: Codec, *, capacity: int = 20_000) -> None:
        self.source = source
        self.codec = codec
        self.owner = owner
        self.capacity = capacity
        #: the store position the cached entries reflect
        self.position = 0
        #: while True, every entry read is taken as changed (a fold may change what it reads)
        self.writing = False
        self._maps: dict[str, DocMap[Any, Any]] = {}
        self._cache: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._touched: set[tuple[str, str]] = set()
        #: entries a fold prefetched: kept until it ends, so a page's reads are not evicted
        #: by the page's own later reads (each would be read again, one at a time)
        self._pinned: set[tuple[str, str]] = set()
        #: (space, key) -> entry: absent entries read (None) are remembered too, as misses
        self.loads = 0

    # --- maps ---------------------------------------------------------------------------

    def map(self, space: str, key_type: Any, value_type: Any) -> DocMap[Any, Any]:
        """The map ``space`` of this owner, with its key and value types (made once)."""
        found = self._maps.get(space)
        if found is None:
            found = self._maps[space] = DocMap(self, space, key_type, value_type)
        return found

    def value_type(self, space: str) -> Any:
        return self._maps[space].value_type

    # --- reading ------------------------------------------------------------------------

    def _entry(self, space: str, key: str, value_type: Any) -> _Entry | None:
        slot = (space, key)
        entry = self._cache.get(slot)
        if entry is None:
            self.loads += 1
            stored = self.source.load_docs(self.owner, space, [key]).get(key)
            # an absent entry is remembered too (until the store changes it): asking again reads nothing
            entry = _Entry(
                _MISSING if stored is None else self._decode(space, key, stored, value_type), stored
            )
            self._cache[slot] = entry
            if self.writing and entry.value is not _MISSING:
                self._touched.add(slot)  # before shrinking: an entry a fold holds is never evicted
            self._shrink()
        else:
            self._cache.move_to_end(slot)
        if entry.value is _MISSING:
            return None
        if self.writing:
            self._touched.add(slot)
        return entry

    def _decode(self, space: str, key: str, stored: bytes, value_type: Any) -> Any:
        try:
            return self.codec.decode(stored, value_type)
        except ValueError as exc:
            raise StorageError(
                f"a stored document could not be read ({self.owner}/{space}/{key[:60]}): {exc}; "
                f"rebuild it with: kentqa replay --projection {self.owner}"
            ) from None

    def prefetch(self, space: str, keys: Sequence[str]) -> None:
        """Load the entries of ``keys`` not in the cache, in one read. Keys not in the store are
        remembered as misses, so reading them afterwards asks the store nothing more."""
        wanted = [k for k in dict.fromkeys(keys) if (space, k) not in self._cache]
        if not wanted:
            return
        found = self.source.load_docs(self.owner, space, wanted)
        value_type = self.value_type(space)
        for key in wanted:
            stored = found.get(key)
            value = _MISSING if stored is None else self._decode(space, key, stored, value_type)
            self._cache[(space, key)] = _Entry(value, stored)
        if self.writing:
            self._pinned.update((space, key) for key in wanted)
        self.loads += len(wanted)
        self._shrink()

    def _put(self, space: str, key: str, value: Any) -> None:
        slot = (space, key)
        entry = self._cache.get(slot)
        if entry is None:
            # not cached: it may still be stored (its original bytes decide whether to write)
            stored = self.source.load_docs(self.owner, space, [key]).get(key)
            entry = self._cache[slot] = _Entry(value, stored)
        else:
            entry.value = value
            self._cache.move_to_end(slot)
        self._touched.add(slot)
        self._shrink()

    def _delete(self, space: str, key: str) -> None:
        self._put(space, key, _MISSING)

    def _shrink(self) -> None:
        cache = self._cache
        excess = len(cache) - self.capacity
        if excess <= 0:
            return
        held, pinned = self._touched, self._pinned
        if len(cache) <= len(held) + len(pinned):  # a fold holds (about) all of it: nothing to evict
            return
        # oldest first, stopping at the last victim: copying the whole cache on every read
        # made each read of a full cache cost its capacity; held entries met on the way go to
        # the end, so the next shrink does not walk past them again
        victims, kept = [], []
        for slot in cache:
            if slot in held or slot in pinned:
                kept.append(slot)
                continue
            victims.append(slot)
            if len(victims) == excess:
                break
        for slot in victims:
            del cache[slot]
        for slot in kept:
            cache.move_to_end(slot)

    def scan(self, space: str, key_type: Any, value_type: Any) -> Iterator[tuple[Any, Any]]:
        """Every entry of a map, by stored key, then the new ones not yet stored."""
        after: str | None = None
        seen: set[str] = set()
        while True:
            page = self.source.scan_docs(self.owner, space, after, SCAN_PAGE)
            for key, stored in page:
                seen.add(key)
                if not stored:  # deleted
                    continue
                slot = (space, key)
                entry = self._cache.get(slot)
                if entry is None:
                    entry = _Entry(self._decode(space, key, stored, value_type), stored)
                    self._cache[slot] = entry
                if entry.value is _MISSING:
                    continue
                if self.writing:
                    self._touched.add(slot)
                yield self.codec.decode_key(key, key_type), entry.value
            self._shrink()
            if len(page) < SCAN_PAGE:
                break
            after = page[-1][0]
        for slot in sorted(s for s in self._touched if s[0] == space and s[1] not in seen):
            entry = self._cache[slot]
            if entry.value is not _MISSING and entry.original is None:
                yield self.codec.decode_key(slot[1], key_type), entry.value

    # --- writing ------------------------------------------------------------------------

    def changes(self) -> list[DocWrite]:
        """The touched entries whose document changed: what to store with the fold's position."""
        out: list[DocWrite] = []
        for space, key in self._touched:
            entry = self._cache[(space, key)]
            if entry.value is _MISSING:
                if entry.original is not None:
                    out.append(DocWrite((space, key, None)))
                continue
            data = self.codec.encode(entry.value, self.value_type(space))
            if data != entry.original:
                out.append(DocWrite((space, key, data)))
        return out

    def committed(self, position: int, written: Sequence[DocWrite]) -> None:
        """The changes were stored at ``position``: they are now the originals."""
        for space, key, data in written:
            slot = (space, key)
            if data is None:
                self._cache.pop(slot, None)
            else:
                self._cache[slot].original = data
        for slot in self._touched:
            entry = self._cache.get(slot)
            if entry is not None and entry.value is _MISSING:
                del self._cache[slot]
        self._touched.clear()
        self._pinned.clear()
        self.position = max(self.position, position)
        self._shrink()

    def discard(self) -> None:
        """Forget what a fold changed (its transaction did not commit)."""
        for slot in self._touched:
            self._cache.pop(slot, None)
        self._touched.clear()
        self._pinned.clear()

    def sync(self, position: int) -> None:
        """The store is at ``position``: drop the cached entries other processes changed since ours."""
        if position == self.position:
            return
        if position < self.position:  # rebuilt from the start: nothing cached holds
            self.clear()
        elif self._cache:  # with nothing cached there is nothing to drop (a new process reads no history)
            changed = self.source.changed_since(self.owner, self.position, len(self._cache) + 1)
            if len(changed) > len(self._cache):  # more changed than we hold: drop it all, read nothing more
                self._cache.clear()
                self._touched.clear()
                self._pinned.clear()
            for slot in changed:
                self._cache.pop(slot, None)
        self.position = position

    def clear(self) -> None:
        self._cache.clear()
        self._touched.clear()
        self._pinned.clear()
        self.position = 0

    @property
    def cached(self) -> int:
        return len(self._cache)


class DocMap(Generic[K, V]):
    """A map of documents in the store, used like a ``dict`` (see the module docstring)."""

    __slots__ = ("key_type", "session", "space", "value_type")

    def __init__(self, session: DocSession, space: str, key_type: Any, value_type: Any) -> None:
        self.session = session
        self.space = space
        self.key_type = key_type
        self.value_type = value_type

    def _key(self, key: K) -> str:
        return self.session.codec.encode_key(key, self.key_type)

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: V | T) -> V | T: ...
    def get(self, key: K, default: Any = None) -> Any:
        entry = self.session._entry(self.space, self._key(key), self.value_type)
        return default if entry is None else entry.value

    @overload
    def peek(self, key: K) -> V | None: ...
    @overload
    def peek(self, key: K, default: V | T) -> V | T: ...
    def peek(self, key: K, default: Any = None) -> Any:
        """``get`` without taking the entry as changed by the fold in progress (a fold that
        only looks, so the document is not encoded again to see whether it changed)."""
        session = self.session
        writing, session.writing = session.writing, False
        try:
            return self.get(key, default)
        finally:
            session.writing = writing

    def __getitem__(self, key: K) -> V:
        entry = self.session._entry(self.space, self._key(key), self.value_type)
        if entry is None:
            raise KeyError(key)
        value: V = entry.value
        return value

    def __contains__(self, key: object) -> bool:
        # ``in`` passes any object (typeshed's Container); the codec encodes it as a key.
        return self.session._entry(self.space, self._key(key), self.value_type) is not None  # type: ignore[arg-type]

    def __setitem__(self, key: K, value: V) -> None:
        self.session._put(self.space, self._key(key), value)

    def __delitem__(self, key: K) -> None:
        if key not in self:
            raise KeyError(key)
        self.session._delete(self.space, self._key(key))

    def setdefault(self, key: K, default: V) -> V:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            self[key] = default
            return default
        value: V = found
        return value

    @overload
    def pop(self, key: K) -> V: ...
    @overload
    def pop(self, key: K, default: V | T) -> V | T: ...
    def pop(self, key: K, default: Any = _MISSING) -> Any:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            if default is _MISSING:
                raise KeyError(key)
            return default
        self.session._delete(self.space, self._key(key))
        return found

    def prefetch(self, keys: Sequence[K]) -> None:
        self.session.prefetch(self.space, [self._key(k) for k in keys])

    def items(self) -> Iterator[tuple[K, V]]:
        return self.session.scan(self.space, self.key_type, self.value_type)

    def keys(self) -> Iterator[K]:
        return (k for k, _ in self.items())

    def values(self) -> Iterator[V]:
        return (v for _, v in self.items())

    def __iter__(self) -> Iterator[K]:
        return self.keys()

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __bool__(self) -> bool:
        for _ in self.items():
            return True
        return False

    def __repr__(self) -> str:
        return f"DocMap({self.session.owner}:{self.space})"


def load(docs: DocMap[str, Any], keys: Iterable[str], chunk: int = 500) -> dict[str, Any]:
    """The documents of ``keys`` that exist, read ``chunk`` at a time (key order kept)."""
    wanted = list(dict.fromkeys(keys))
    out: dict[str, Any] = {}
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        docs.prefetch(part)
        for key in part:
            found = docs.get(key)
            if found is not None:
                out[key] = found
    return out
