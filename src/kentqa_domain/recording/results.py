"""What a batch holds while it is recorded and what it returns; the write model's place (SPEC 2, 9.4).

:class:`Pending` is an accepted event ready to store, ``_Batch`` what a batch has seen and
accepted inside its write transaction, :class:`BatchResult` what it did. ``MODEL`` names the
write model's documents and position row (decision 0900); ``_place`` is a stored event as
the log reads it back (the log head, decision 0915).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import attrs

from ..errors import InvalidEvent
from ..events import Event
from ..serialization.mapper import Recorded

#: The write model's position row in ``kentqa_projections``.
MODEL = "model"
#: Log rows read per page when the write model is rebuilt.
REBUILD_PAGE = 2_000


@attrs.define
class Pending:
    """An accepted event of the batch, ready to store."""

    index: int
    recorded: Recorded
    key: int
    digest: int
    subject: Event  # what projections and the write model fold (anonymous for a child's)


@attrs.define
class _Batch:
    """What a batch has seen and accepted so far, inside its transaction."""

    cursor: Any
    positions: list[int | None]
    known: dict[int, tuple[int, int]]  # identity key -> (position, digest), stored before
    versions: dict[UUID, int]  # stream -> last stored version
    refused: list[tuple[int, InvalidEvent]] = attrs.Factory(list)
    pending: list[Pending] = attrs.Factory(list)
    in_batch: dict[int, tuple[int, int]] = attrs.Factory(dict)  # identity key -> (pending index, digest)
    new_versions: dict[UUID, int] = attrs.Factory(dict)


@attrs.define
class BatchResult:
    """What one batch did: positions (None: refused; negative: an earlier event of the batch),
    refusals, and the events stored as projections fold them."""

    positions: list[int | None]
    refused: list[tuple[int, InvalidEvent]]
    stored: list[tuple[int, Event, Recorded]]


def _as_recorded(rows: Sequence[Any], _cursor: Any) -> Sequence[Any]:
    """Rows as stored (a store with no corrections reader)."""
    return rows


def _nothing(_ok: bool) -> None:
    """Nothing to finish after the transaction."""


def _place(position: int, stored: Any) -> tuple[int, Any, int, str, Any]:
    """A stored event as the log reads it back: (position, stream, version, topic, payload)."""
    return position, stored.originator_id, stored.originator_version, stored.topic, stored.state
