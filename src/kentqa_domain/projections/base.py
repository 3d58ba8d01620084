"""The shape of a projection."""

from __future__ import annotations

from typing import ClassVar

from ..events import Event


class Projection:
    """A fold over the events. Subclasses set ``name`` and ``version`` and implement ``apply``.

    State must be picklable plain data (dicts, lists, sets, attrs instances) and must not
    depend on the order events arrive in when their business dates say otherwise: late events
    are normal (SPEC section 2). Bump ``version`` when the state's shape changes; stored
    checkpoints of another version are ignored and the projection is rebuilt from the log.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1

    def apply(self, event: Event, position: int) -> None:
        raise NotImplementedError
