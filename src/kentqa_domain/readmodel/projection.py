"""The shape of a projection whose state lives in the store (SPEC 9.4, decision 0900).

A stored projection keeps its state in :class:`~kentqa_domain.readmodel.docs.DocMap` s of one
:class:`~kentqa_domain.readmodel.docs.DocSession` (made in :meth:`setup`), folds events with
:meth:`apply`, and may derive row tables (:attr:`tables`) from the documents a fold changed
(:meth:`rows`), for queries that must not visit all of history and for analysts' SQL. Its
runner writes the changed documents, their rows and the projection's position in one
transaction.

Projections fold events as they read once their child is forgotten (the child's anonymous
token, pseudonymised review and action ids, no free text; ``Sealing.anonymous``): the state
in the store holds no child's reference, so forgetting a child changes nothing in it, and
queries put the references back with the child's key (:mod:`kentqa_domain.privacy.reveal`).

State must not depend on the order events arrive in when their business dates say
otherwise (late events are normal), and must not read the clock. Bump ``version`` when the
shape of the documents or rows changes: the store then rebuilds this projection alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from ..event_base import Event
from ..policy import Policy
from .docs import DocSession
from .tables import Table, View

#: (table, the document keys whose rows are replaced, the new rows as (doc_key, *columns))
RowChange = tuple[Table, Sequence[str], Sequence[Sequence[Any]]]


class StoredProjection:
    """A fold whose state is documents in the store. Subclasses set ``name`` and ``version``."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    #: Row tables derived from the documents (see :meth:`rows`).
    tables: ClassVar[tuple[Table, ...]] = ()
    #: SQL views over the row tables, for analysts (made with the tables).
    sql_views: ClassVar[tuple[View, ...]] = ()
    #: The spaces whose documents own the row tables' rows (None: every space): when rows are
    #: derived again from all documents (the end of a rebuild), ``rows`` is given these.
    row_spaces: ClassVar[tuple[str, ...] | None] = None
    #: Whether the fold needs a child's sealed original (the reveal projection only).
    needs_keys: ClassVar[bool] = False
    #: The policy of the process that folds (set by the store; None: the defaults). Only
    #: row tables for analysts may depend on it (due dates); queries apply their own policy.
    policy: Policy | None = None

    def __init__(self, session: DocSession) -> None:
        self.session = session
        self.setup()

    def setup(self) -> None:
        """Make the projection's maps (``self.session.map(...)``)."""

    def apply(self, event: Event, position: int) -> None:
        raise NotImplementedError

    def prefetch(self, events: Sequence[Any]) -> None:
        """Optionally load, in few reads, the documents a page of events will touch."""

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        """The row tables' rows for the documents a fold changed ((space, key) each)."""
        return []
