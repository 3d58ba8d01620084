"""The shape of a projection."""

from __future__ import annotations

from typing import Any, ClassVar

from ..events import Event
from ..forgetting import Forgetting


class Projection:
    """A fold over the events. Subclasses set ``name`` and ``version`` and implement ``apply``.

    State must be picklable plain data (dicts, lists, sets, attrs instances) and must not
    depend on the order events arrive in when their business dates say otherwise: late events
    are normal (SPEC section 2). Bump ``version`` when the state's shape changes; stored
    checkpoints of another version are ignored and the projection is rebuilt from the log.

    Erasure: a projection whose state holds child references, child-linked identifiers
    (review ids, plan action ids) or free text about a child must implement
    :meth:`forget_child`; one that holds none says so with ``holds_child_refs = False``.
    A subclass doing neither is refused when it is defined.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    #: Whether the state holds child references (then ``forget_child`` is required).
    holds_child_refs: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.holds_child_refs and cls.forget_child is Projection.forget_child:
            raise TypeError(
                f"projection {cls.__name__} must implement forget_child(forgetting) "
                "or declare holds_child_refs = False (erasure, docs/security.md)"
            )

    def apply(self, event: Event, position: int) -> None:
        raise NotImplementedError

    def forget_child(self, forgetting: Forgetting) -> None:
        """Replace the child's reference and identifiers by their anonymous forms; drop its free text.

        The state afterwards must equal the state folded from the same events as they read
        once the child's key is destroyed (anonymous reference, pseudonymised ids, empty text).
        """
