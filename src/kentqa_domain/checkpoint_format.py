"""The bytes of a checkpoint: the ledger pickled part by part, streamed through the compressor.

One pickle of the whole ledger keeps a memo entry for every object it has written until it
ends: at a million events that is tens of millions of entries and about 400 MB for the few
seconds a checkpoint takes (decision 0820). Here the ledger is written as a sequence of
pickles in one compressed stream — a header, then one pickle per part (the write model, the
identity index, the stream versions, the children's aliases, each projection) — and the
pickler's memo is cleared between parts, so it never spans more than the largest part. Every
pickle goes straight into the compressor; reading decompresses as the unpickler asks, so the
plain pickle is never whole on either side.

Parts share no mutable objects (each part of the ledger owns its state), so pickling them
apart gives back an equal ledger; strings shared between parts come back as equal copies.

A stream that does not start with this format's header (an older checkpoint, damage) raises
:class:`ValueError`; the caller skips such a checkpoint and the ledger is rebuilt from the log.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable
from typing import Any

from .ledger import Ledger

#: The first object of a checkpoint stream: (MAGIC, FORMAT, attribute names of the parts).
MAGIC = "kentqa-ledger-parts"
FORMAT = 1
#: zlib level 1: the checkpoint is mostly small integers and repeated ids, which level 1
#: compresses almost as well as level 6 at a third of the time.
LEVEL = 1
_CHUNK = 1 << 16


def dump_ledger(ledger: Ledger, write: Callable[[bytes], object]) -> None:
    """Write ``ledger`` compressed to ``write``, part by part (see the module docstring)."""
    compressor = zlib.compressobj(LEVEL)

    class Sink:  # the pickler writes frames of about 64 kB; each goes into the compressor
        @staticmethod
        def write(data: bytes) -> None:
            write(compressor.compress(data))

    pickler = pickle.Pickler(Sink(), protocol=5)
    header, parts = ledger.parts()
    pickler.dump((MAGIC, FORMAT, header, [name for name, _ in parts]))
    for _name, part in parts:
        pickler.clear_memo()
        pickler.dump(part)
    write(compressor.flush())


class _Inflating:
    """A read-only file over compressed bytes, decompressing as it is read (for the unpickler)."""

    def __init__(self, data: bytes | memoryview) -> None:
        self._data = memoryview(data)
        self._offset = 0
        self._inflate = zlib.decompressobj()
        self._buffer = bytearray()

    def _fill(self, size: int) -> None:
        while len(self._buffer) < size and not self._inflate.eof:
            if self._inflate.unconsumed_tail:
                chunk = self._inflate.unconsumed_tail
            else:
                if self._offset >= len(self._data):
                    break
                chunk = bytes(self._data[self._offset : self._offset + _CHUNK])
                self._offset += len(chunk)
            self._buffer += self._inflate.decompress(chunk, max(size - len(self._buffer), _CHUNK))

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            self._fill(1 << 62)
            size = len(self._buffer)
        else:
            self._fill(size)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def readinto(self, target: Any) -> int:
        view = memoryview(target).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readline(self) -> bytes:
        line = bytearray()
        while not line.endswith(b"\n"):
            byte = self.read(1)
            if not byte:
                break
            line += byte
        return bytes(line)

    def at_end(self) -> bool:
        self._fill(1)
        return not self._buffer


def load_ledger(data: bytes | memoryview) -> Ledger:
    """The ledger written by :func:`dump_ledger` into ``data`` (the compressed bytes).

    ``ValueError`` if ``data`` is not a checkpoint of this format or is incomplete.
    """
    stream = _Inflating(data)
    try:
        first = pickle.Unpickler(stream).load()  # noqa: S301 - sealed with the ledger key: our own bytes
        if not (isinstance(first, tuple) and len(first) == 4 and first[:2] == (MAGIC, FORMAT)):
            raise ValueError("not a checkpoint of this format (an older one): it is rebuilt from the log")
        _magic, _format, header, names = first
        # one unpickler per part: each part's memo starts afresh, as the pickler's did
        parts = [(name, pickle.Unpickler(stream).load()) for name in names]  # noqa: S301
    except (pickle.UnpicklingError, EOFError, zlib.error, AttributeError, ImportError, TypeError) as exc:
        raise ValueError(f"the checkpoint cannot be read: {exc}") from exc
    if not stream.at_end():
        raise ValueError("the checkpoint has bytes after its last part")
    return Ledger.from_parts(header, parts)


def plaintext(data: bytes | memoryview) -> bytes:
    """The uncompressed pickles of a checkpoint (for privacy audits that look inside)."""
    return zlib.decompress(data)
