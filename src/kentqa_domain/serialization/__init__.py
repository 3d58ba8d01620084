"""The events' JSON form under the names the store, the mapper and the reports use (SPEC section 2).

One cattrs converter family (:mod:`kentqa_domain.serialization.convert`, decision 1012): the
validating mode is built in :mod:`kentqa_domain.events`, beside the classes it converts
(``events.parse`` and ``events.to_json`` are public and need every event class, so it cannot
live in a module the events import: that was an import cycle); the trusted mode, for events
read back from the store, is built from it in ``convert``. ``structure_event`` is
``events.parse`` and ``unstructure_event`` is ``events.to_json``.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..events import Event, converter, make_converter
from ..events import parse as structure_event
from ..events import to_json as unstructure_event
from .convert import trusted, trusted_event


def event_fields(cls: type[Event]) -> list[attrs.Attribute[Any]]:
    """The fields of an event class in declaration order (for docs and tools)."""
    return list(attrs.fields(cls))


__all__ = [
    "converter",
    "event_fields",
    "make_converter",
    "structure_event",
    "trusted",
    "trusted_event",
    "unstructure_event",
]
