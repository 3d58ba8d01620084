"""Observations overdue (R-OBS-1..3, R-OBS-5; SPEC section 6 "observation overdue")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Protocol

from ...notification import Notification, NotificationKind
from ...policy import Policy
from ...values import Role
from .rows import ObservationComplianceRow

_REQUIREMENT = {
    "asye": "ASYE observations, R-OBS-1",
    "annual": "the annual observation, R-OBS-2",
    "support": "more frequent observation while needing support, R-OBS-3",
}


class ObservationQueries(Protocol):
    """What this source asks: the ``observation_compliance`` query (:class:`~kentqa_domain.queries.Queries`
    has it; a source never sees the application)."""

    def observation_compliance(self, *, as_of: dt.date) -> Iterable[ObservationComplianceRow]: ...


def overdue_observations(qa: ObservationQueries, policy: Policy, as_of: dt.date) -> Iterator[Notification]:
    """``observation_overdue`` to the practitioner's team manager for each row of
    ``observation_compliance`` whose status is ``overdue`` at ``as_of`` (R-OBS-5): the due
    date is the row's ``next_due_on``, so the next observation that falls due is a new one."""
    for row in qa.observation_compliance(as_of=as_of):
        if row.status != "overdue":
            continue
        last = (
            f"last observed on {row.last_observed_on.isoformat()}"
            if row.last_observed_on
            else "not yet observed"
        )
        requirement = _REQUIREMENT.get(str(row.requirement), str(row.requirement))
        yield Notification(
            kind=NotificationKind.OBSERVATION_OVERDUE,
            subject=f"worker:{row.worker_id}",
            due_on=row.next_due_on,
            audience=Role.TEAM_MANAGER.value,
            team_id=row.team_id,
            refs={"worker_id": row.worker_id, "team_id": row.team_id},
            message=(
                f"Practitioner {row.worker_id} (team {row.team_id}) was due a practice observation by "
                f"{row.next_due_on.isoformat()} ({requirement}); {last}."
            ),
        )
