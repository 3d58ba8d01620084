"""Pausing the cyclic garbage collector while folding or recording many events (decision 0807)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while folding or recording many events: full
    collections would traverse every object again and again while they grow. Reference
    counting still frees what is dropped; cycles made meanwhile are collected once it is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
