"""Notification sources: one module per area, each a function ``(qa, policy, as_of) -> notifications``
whose ``qa`` is a protocol of the queries it asks (:class:`~kentqa_domain.queries.Queries` has them all).

A source reads the area's query (or a projection of its own) at ``as_of`` and says what
must be told. Add a source by writing the function in a module here and listing it in
:data:`SOURCES`. Sources are pure functions of the recorded events and the policy: no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from ..areas.audits import notify as audits
from ..areas.complaints import notify as complaints
from ..areas.escalations import notify as escalations
from ..areas.observations import notify as observations
from ..areas.plans import notify as drift
from ..notification import Notification
from ..policy import Policy

#: A notification source: what the area must tell at ``as_of``.
NotificationSource = Callable[[Any, Policy, dt.date], Iterable[Notification]]

#: Every source, in the order their notifications are listed.
SOURCES: tuple[NotificationSource, ...] = (
    observations.overdue_observations,
    drift.drifting_plans,
    escalations.open_escalations,
    complaints.complaint_deadlines,
    audits.inadequate_audits,
)


def derive(
    qa: Any,
    policy: Policy,
    as_of: dt.date,
    sources: Iterable[NotificationSource] = SOURCES,
) -> list[Notification]:
    """Every source's notifications at ``as_of``, one per key, by due date, kind and subject.

    The query ``qa.notifications(as_of=...)`` calls this with the caught-up store.
    """
    found: dict[str, Notification] = {}
    for source in sources:
        for notification in source(qa, policy, as_of):
            found.setdefault(notification.key, notification)
    return sorted(found.values(), key=lambda n: (n.due_on, n.kind.value, n.subject))
