"""Fold events straight into the stored ``observation_compliance`` projection, in any order.

Recording refuses what refers to a subject not yet registered; folding does not, and late
events (a share before its observation, a move after the supervision that followed it) reach
the projection in any order. :func:`folded` folds a list as given through the projection
runner into a private in-memory store (documents, rows, position written as in production),
and yields a :class:`~kentqa_domain.readmodel.view.View` for the area's queries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.areas.observations.projection import ObservationCompliance
from kentqa_domain.readmodel.view import View
from kentqa_domain.state.runner import Folded, Projections


@contextmanager
def folded(events: Sequence[ev.Event], policy: kq.Policy, *, page: int = 7) -> Iterator[View]:
    """A view of the projection after folding ``events`` in this order, ``page`` at a time."""
    log: list[Folded] = [(n, e, None) for n, e in enumerate(events, start=1)]

    def read(start: int, limit: int, keys: bool) -> list[Folded]:
        return log[start - 1 : start - 1 + min(limit, page)]

    with kq.connect("memory://", policy=policy) as qa:
        projections = Projections(qa.state_tables, [ObservationCompliance])
        projections.catch_up(read, len(log))
        yield View(projections, policy, len(log))
