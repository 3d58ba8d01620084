"""The audit projection: every audit, audit action and thematic audit, folded as facts (R-AUD-1..6).

The state holds facts only. Which cycle an audit belongs to, its phase, due dates and
statuses are worked out at query time from these facts, the ``Policy`` (the month the year
starts, R-AUD-1) and ``as_of``, so a policy change needs no rebuild. Every collection is a
dict keyed by id, so the state is the same whatever order the events arrive in.

Cycle membership (decision 0300): an audit recorded with an explicit ``cycle_id`` belongs to
that cycle; otherwise to the cycle its ``completed_on`` falls in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .. import events as ev
from ..calendar import cycle_bounds, cycle_id_for
from ..values import Role
from .base import Projection


class AuditLedger(Projection):
    """Audits by id, indexed by the month they were completed in and by their explicit cycle."""

    name = "audit_cycle"
    version = 1
    #: Audits, audit actions and themes: no ``child_ref`` (an audit's ``case_ref`` is not covered by erasure, docs/security.md).
    holds_child_refs = False

    def __init__(self) -> None:
        self.audits: dict[str, ev.AuditCompleted] = {}
        #: (year, month) of completed_on -> audit ids; cycles are whole months, so this
        #: index serves any ``year_start_month`` the policy may choose.
        self.by_month: dict[tuple[int, int], set[str]] = {}
        #: explicit cycle id -> audit ids recorded with it
        self.by_tag: dict[str, set[str]] = {}
        #: (audit_id, action_id) -> completed_on
        self.action_completions: dict[tuple[str, str], dt.date] = {}
        self.themes: dict[str, ev.ThematicAuditAgreed] = {}
        #: qa_unit worker -> registered_on (R-AUD-4 pairs each triad with one of them)
        self.qa_unit: dict[str, dt.date] = {}
        #: worker -> left_on, for every worker (a leaver is not offered for a triad)
        self.left: dict[str, dt.date] = {}

    def apply(self, event: ev.Event, position: int) -> None:
        if isinstance(event, ev.AuditCompleted):
            self.audits[event.audit_id] = event
            month = (event.completed_on.year, event.completed_on.month)
            self.by_month.setdefault(month, set()).add(event.audit_id)
            if event.cycle_id is not None:
                self.by_tag.setdefault(event.cycle_id, set()).add(event.audit_id)
        elif isinstance(event, ev.AuditActionCompleted):
            self.action_completions[(event.audit_id, event.action_id)] = event.completed_on
        elif isinstance(event, ev.ThematicAuditAgreed):
            self.themes[event.theme_id] = event
        elif isinstance(event, ev.WorkerRegistered):
            if event.role is Role.QA_UNIT:
                self.qa_unit[event.worker_id] = event.registered_on
        elif isinstance(event, ev.WorkerLeft):
            self.left[event.worker_id] = event.left_on

    # --- reading -----------------------------------------------------------------------

    def cycle_of(self, audit: ev.AuditCompleted, year_start_month: int) -> str:
        """R-AUD-1: the cycle an audit counts in (its explicit ``cycle_id``, else its date's)."""
        return audit.cycle_id or cycle_id_for(audit.completed_on, year_start_month)

    def audits_in(
        self, cycle_id: str, *, year_start_month: int, as_of: dt.date
    ) -> Iterator[ev.AuditCompleted]:
        """The audits of ``cycle_id`` completed on or before ``as_of``, in (date, id) order."""
        starts_on, ends_on = cycle_bounds(cycle_id, year_start_month)
        ids = set(self.by_tag.get(cycle_id, ()))
        year, month = starts_on.year, starts_on.month
        while (year, month) <= (ends_on.year, ends_on.month):
            ids.update(self.by_month.get((year, month), ()))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        found = (self.audits[i] for i in ids)
        chosen = [
            a for a in found if a.completed_on <= as_of and self.cycle_of(a, year_start_month) == cycle_id
        ]
        yield from sorted(chosen, key=lambda a: (a.completed_on, a.audit_id))

    def audits_until(self, as_of: dt.date) -> Iterator[ev.AuditCompleted]:
        """Every audit completed on or before ``as_of``, in (date, id) order."""
        chosen = [a for a in self.audits.values() if a.completed_on <= as_of]
        yield from sorted(chosen, key=lambda a: (a.completed_on, a.audit_id))

    def current_qa_unit(self, as_of: dt.date) -> list[str]:
        """R-AUD-4: qa_unit workers registered by ``as_of`` and not left by then, sorted by id."""
        return sorted(
            worker
            for worker, registered_on in self.qa_unit.items()
            if registered_on <= as_of and not (worker in self.left and self.left[worker] <= as_of)
        )
