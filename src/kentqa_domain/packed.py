"""Compact maps from 64-bit keys to integers, for state that grows with every event.

The identity index (one entry per event ever recorded) and the stream versions (one per
aggregate stream) would cost 100-150 bytes an entry as Python dicts of ints or UUIDs. Here
entries live in flat ``array('Q')`` buckets: a key and its value words take 16-24 bytes plus
a few bytes of bucket overhead (decision 0803). Keys are uniformly distributed hashes (blake2b
identity keys; uuid5 stream ids folded to 64 bits), so buckets are chosen by their top bits
and searched by C-level scans of a few dozen words. When buckets average more than
``MAX_BUCKET`` entries there are four times as many. Pickles as compact bytes.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any
from uuid import UUID

_MASK64 = (1 << 64) - 1
#: Average entries per bucket before the buckets are split four ways.
MAX_BUCKET = 32
_START_BITS = 6


class PackedMap:
    """64-bit key -> value of ``words`` 64-bit words (one or two), in bucketed arrays."""

    __slots__ = ("_bits", "_count", "_keys", "_values", "_words")

    def __init__(self, words: int = 1) -> None:
        if words not in (1, 2):
            raise ValueError("words must be 1 or 2")
        self._words = words
        self._bits = _START_BITS
        self._count = 0
        self._keys: list[array[int]] = [array("Q") for _ in range(1 << self._bits)]
        self._values: list[array[int]] = [array("Q") for _ in range(1 << self._bits)]

    # --- keys and values as integers ---------------------------------------------------------

    def _find(self, key: int) -> tuple[int, int]:
        """(bucket, index in it or -1)."""
        b = key >> (64 - self._bits)
        keys = self._keys[b]
        if key in keys:
            return b, keys.index(key)
        return b, -1

    def get_int(self, key: int, default: int | None = None) -> int | None:
        b, i = self._find(key)
        if i < 0:
            return default
        values = self._values[b]
        if self._words == 1:
            return values[i]
        return (values[2 * i] << 64) | values[2 * i + 1]

    def set_int(self, key: int, value: int, *, only_new: bool = False) -> None:
        b, i = self._find(key)
        values = self._values[b]
        if i >= 0:
            if only_new:
                return
            if self._words == 1:
                values[i] = value
            else:
                values[2 * i], values[2 * i + 1] = value >> 64, value & _MASK64
            return
        self._keys[b].append(key)
        if self._words == 1:
            values.append(value)
        else:
            values.append(value >> 64)
            values.append(value & _MASK64)
        self._count += 1
        if self._count > MAX_BUCKET << self._bits:
            self._split()

    def _split(self) -> None:
        """Four times as many buckets (every entry moves once)."""
        bits = self._bits + 2
        keys: list[array[int]] = [array("Q") for _ in range(1 << bits)]
        values: list[array[int]] = [array("Q") for _ in range(1 << bits)]
        shift, words = 64 - bits, self._words
        for old_keys, old_values in zip(self._keys, self._values, strict=True):
            for j, key in enumerate(old_keys):
                b = key >> shift
                keys[b].append(key)
                values[b].extend(old_values[words * j : words * j + words])
        self._bits, self._keys, self._values = bits, keys, values

    def items_int(self) -> Iterator[tuple[int, int]]:
        words = self._words
        for keys, values in zip(self._keys, self._values, strict=True):
            for j, key in enumerate(keys):
                if words == 1:
                    yield key, values[j]
                else:
                    yield key, (values[2 * j] << 64) | values[2 * j + 1]

    def __len__(self) -> int:
        return self._count

    def nbytes(self) -> int:
        """Bytes held by the arrays (what this map costs beyond a few object headers)."""
        return sum(a.buffer_info()[1] * a.itemsize for a in (*self._keys, *self._values))

    def __getstate__(self) -> dict[str, Any]:
        return {"words": self._words, "bits": self._bits, "count": self._count, "keys": self._keys, "values": self._values}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._words, self._bits, self._count = state["words"], state["bits"], state["count"]
        self._keys, self._values = state["keys"], state["values"]


def _fold(stream: UUID | str | int) -> int:
    """A stream id (a UUID, or its 32-digit hex as eventsourcing stores it) folded to 64 bits;
    an int is taken as already folded (as :meth:`StreamVersions.keys` gives them)."""
    if isinstance(stream, int):
        return stream
    value = stream.int if isinstance(stream, UUID) else int(stream, 16)
    return (value ^ (value >> 64)) & _MASK64


class IdentityIndex(PackedMap):
    """Identity key (64 bits) -> ``(position << 64) | digest`` of the first recording (SPEC section 2)."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(words=2)

    def get(self, key: int, default: int | None = None) -> int | None:
        return self.get_int(key & _MASK64, default)

    def setdefault(self, key: int, value: int) -> None:
        self.set_int(key & _MASK64, value, only_new=True)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self._find(key & _MASK64)[1] >= 0

    def items(self) -> Iterator[tuple[int, int]]:
        """(identity key, packed position and digest) pairs, as ``dict.items`` gives them."""
        return self.items_int()

    def keys(self) -> Iterator[int]:
        return (key for key, _value in self.items_int())

    def __getitem__(self, key: int) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found


class StreamVersions(PackedMap):
    """Aggregate stream (UUID or its hex, folded to 64 bits) -> its last version."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(words=1)

    def get(self, stream: UUID | str, default: int = 0) -> int:
        found = self.get_int(_fold(stream))
        return default if found is None else found

    def __setitem__(self, stream: UUID | str, version: int) -> None:
        self.set_int(_fold(stream), version)

    def __getitem__(self, stream: UUID | str | int) -> int:
        found = self.get_int(_fold(stream))
        if found is None:
            raise KeyError(stream)
        return found

    def raise_to(self, stream: UUID | str, version: int) -> None:
        """Set the stream's version to ``version`` unless it is already at least that."""
        key = _fold(stream)
        b = key >> (64 - self._bits)
        keys = self._keys[b]
        if key in keys:
            values = self._values[b]
            i = keys.index(key)
            values[i] = max(values[i], version)
            return
        self.set_int(key, version)

    def keys(self) -> Iterator[int]:
        """The folded 64-bit stream keys (``dict(versions)`` maps them to versions)."""
        return (key for key, _version in self.items_int())

    def items(self) -> Iterator[tuple[int, int]]:
        return self.items_int()

    def __contains__(self, stream: object) -> bool:
        return isinstance(stream, UUID | str) and self._find(_fold(stream))[1] >= 0
