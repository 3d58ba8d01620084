"""The audit projection: every audit, audit action and thematic audit, folded as facts (R-AUD-1..6).

The state holds facts only, as documents in the store (decision 0900). Which cycle an audit
belongs to, its phase, due dates and statuses are worked out at query time from these
facts, the ``Policy`` (the month the year starts, R-AUD-1) and ``as_of``, so a policy change
needs no rebuild. Every map is keyed by id, so the state is the same whatever order the
events arrive in.

Documents (one per subject, so an event touches one or two):

- ``audits``: audit id -> the ``AuditCompleted`` event (its SPEC JSON form);
- ``completions``: audit id -> {action id: completed_on} (R-AUD-5);
- ``themes``: theme id -> the ``ThematicAuditAgreed`` event (R-AUD-6);
- ``labels``: a theme label (lower case) -> the themes agreed with it and the thematic
  audits naming it, with their date and grade (R-AUD-6, decision 0302);
- ``qa_unit``: qa_unit worker -> registered_on; ``left``: worker -> left_on (R-AUD-4).

Rows (``docs/read-model.md``), which queries select from so that a cycle reads only its own
audits and "what is open now" only the live actions:

- ``kentqa_audits``: one per audit (by ``completed_on`` and by explicit ``cycle_id``);
- ``kentqa_audit_actions``: one per audit action, with its completion;
- ``kentqa_thematic_audits``: one per agreed theme, with its first thematic audit;
- ``kentqa_qa_unit``: one per qa_unit worker, with the day they left.

Cycle membership (decision 0300): an audit recorded with an explicit ``cycle_id`` belongs to
that cycle; otherwise to the cycle its ``completed_on`` falls in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import attrs

from ...calendar import cycle_id_for
from ...event_base import Event
from ...readmodel.projection import RowChange, StoredProjection
from ...readmodel.tables import Column, Table
from ...values import AuditKind, Grade, Role
from ..organisation.events import WorkerLeft, WorkerRegistered
from . import events as ev

AUDITS = Table(
    "kentqa_audits",
    (
        Column("audit_id", "TEXT", "the audit (AuditCompleted.audit_id)"),
        Column(
            "cycle_id",
            "TEXT",
            "the cycle the audit was recorded for, e.g. 2026-T2; NULL: the cycle its completed_on "
            "falls in under the policy's year start (decision 0300)",
        ),
        Column("completed_on", "DATE", "the day the audit was completed"),
        Column("completed_month", "TEXT", "completed_on's month, YYYY-MM (cycles are whole months)"),
        Column("kind", "TEXT", "AuditKind: practitioner, appreciative_inquiry, peer, triad, thematic, ..."),
        Column("team_id", "TEXT", "the audited team"),
        Column("worker_id", "TEXT", "the audited worker, if any"),
        Column("auditor_id", "TEXT", "who audited"),
        Column("case_ref", "TEXT", "the case audited, if any (R-AUD-4 compares cases)"),
        Column("overall", "TEXT", "the overall grade: outstanding, good, requires_improvement, inadequate"),
        Column("graded", "BOOLEAN", "counts in the grades and the share good or better (R-AUD-3)"),
        Column("actions", "INTEGER", "how many actions the audit raised (kentqa_audit_actions)"),
    ),
    indexes=(("completed_on",), ("cycle_id", "completed_on")),
    doc="Every audit, one row each (R-AUD-1..4).",
)

AUDIT_ACTIONS = Table(
    "kentqa_audit_actions",
    (
        Column("audit_id", "TEXT", "the audit that raised the action"),
        Column("action_id", "TEXT", "the action, within its audit"),
        Column("owner_id", "TEXT", "the worker who owns the action"),
        Column("team_id", "TEXT", "the audited team"),
        Column("kind", "TEXT", "the audit's kind"),
        Column("cycle_id", "TEXT", "the audit's explicit cycle, else NULL (as in kentqa_audits)"),
        Column("raised_on", "DATE", "the day the audit was completed (the action counts from then)"),
        Column("due_on", "DATE", "the day the action is due; not completed by then = overdue (R-AUD-5)"),
        Column("completed_on", "DATE", "the day it was done (AuditActionCompleted), NULL while not done"),
    ),
    indexes=(
        ("completed_on", "due_on", "audit_id", "action_id"),
        ("due_on", "audit_id", "action_id"),
        ("cycle_id", "raised_on"),
        ("raised_on",),
    ),
    doc="Every action raised by an audit, and its completion (R-AUD-5).",
)

THEMATIC_AUDITS = Table(
    "kentqa_thematic_audits",
    (
        Column("theme_id", "TEXT", "the agreed theme (ThematicAuditAgreed.theme_id)"),
        Column("label", "TEXT", "the theme as thematic audits name it (lower case)"),
        Column("title", "TEXT", "the theme's title"),
        Column("agreed_on", "DATE", "the day it was agreed"),
        Column("due_on", "DATE", "the day a thematic audit of it is due"),
        Column(
            "first_completed_on",
            "DATE",
            "the first thematic audit naming it completed on or after agreed_on; NULL: none yet",
        ),
    ),
    indexes=(("first_completed_on", "agreed_on"),),
    doc="Thematic audits agreed, and when the first thematic audit of each was done (R-AUD-6).",
)

QA_UNIT = Table(
    "kentqa_qa_unit",
    (
        Column("worker_id", "TEXT", "a worker registered in the qa_unit role"),
        Column("registered_on", "DATE", "the day they were registered"),
        Column("left_on", "DATE", "the day they left, NULL while they have not"),
    ),
    indexes=(("left_on",),),
    doc="The QA Unit: who may join a triad (R-AUD-4).",
)


class LabelAudit(NamedTuple):
    """A thematic audit naming a theme: when it was done and its overall grade."""

    completed_on: dt.date
    overall: Grade | None


@attrs.define
class ThemeLabel:
    """The themes agreed under one label (lower case) and the thematic audits naming it."""

    themes: set[str] = attrs.field(factory=set)
    audits: dict[str, LabelAudit] = attrs.field(factory=dict)

    def first_done(self, agreed_on: dt.date) -> dt.date | None:
        """The first thematic audit of the label completed on or after ``agreed_on``."""
        return min(
            (a.completed_on for a in self.audits.values() if a.completed_on >= agreed_on), default=None
        )


def cycle_of(audit: ev.AuditCompleted, year_start_month: int) -> str:
    """R-AUD-1: the cycle an audit counts in (its explicit ``cycle_id``, else its date's)."""
    return audit.cycle_id or cycle_id_for(audit.completed_on, year_start_month)


class Audits(StoredProjection):
    """Audits, their actions' completions, agreed themes and the QA Unit, as documents."""

    name = "audit_cycle"
    version = 1
    tables = (AUDITS, AUDIT_ACTIONS, THEMATIC_AUDITS, QA_UNIT)

    def setup(self) -> None:
        self.audits = self.session.map("audits", str, ev.AuditCompleted)
        #: audit id -> action id -> completed_on (the latest recorded completion counts)
        self.completions = self.session.map("completions", str, dict[str, dt.date])
        self.themes = self.session.map("themes", str, ev.ThematicAuditAgreed)
        self.labels = self.session.map("labels", str, ThemeLabel)
        #: qa_unit worker -> registered_on (R-AUD-4 pairs each triad with one of them)
        self.qa_unit = self.session.map("qa_unit", str, dt.date)
        #: worker -> left_on, for every worker (a leaver is not offered for a triad)
        self.left = self.session.map("left", str, dt.date)

    def apply(self, event: Event, position: int) -> None:
        if isinstance(event, ev.AuditCompleted):
            before = self.audits.get(event.audit_id)
            if before is not None and before.kind is AuditKind.THEMATIC:
                for label in before.themes:
                    found = self.labels.get(label)
                    if found is not None:
                        found.audits.pop(event.audit_id, None)
                        self.labels[label] = found
            self.audits[event.audit_id] = event
            if event.kind is AuditKind.THEMATIC:
                for label in event.themes:
                    found = self.labels.get(label) or ThemeLabel()
                    found.audits[event.audit_id] = LabelAudit(event.completed_on, event.overall)
                    self.labels[label] = found
        elif isinstance(event, ev.AuditActionCompleted):
            done = dict(self.completions.get(event.audit_id) or {})
            done[event.action_id] = event.completed_on
            self.completions[event.audit_id] = done
        elif isinstance(event, ev.ThematicAuditAgreed):
            self.themes[event.theme_id] = event
            label = event.theme_id.lower()
            found = self.labels.get(label) or ThemeLabel()
            found.themes.add(event.theme_id)
            self.labels[label] = found
        elif isinstance(event, WorkerRegistered):
            if event.role is Role.QA_UNIT:
                self.qa_unit[event.worker_id] = event.registered_on
        elif isinstance(event, WorkerLeft):
            self.left[event.worker_id] = event.left_on

    # --- rows ----------------------------------------------------------------------------

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        audits: set[str] = set()
        actions: set[str] = set()
        themes: set[str] = set()
        workers: set[str] = set()
        for space, key in changed:
            if space == "audits":
                audits.add(key)
                actions.add(key)
            elif space == "completions":
                actions.add(key)
            elif space == "themes":
                themes.add(key)
            elif space == "labels":
                found = self.labels.get(key)
                themes.update(found.themes if found is not None else ())
            else:  # qa_unit, left
                workers.add(key)
        out: list[RowChange] = []
        if audits:
            out.append((AUDITS, sorted(audits), [r for k in sorted(audits) for r in self._audit_rows(k)]))
        if actions:
            out.append(
                (AUDIT_ACTIONS, sorted(actions), [r for k in sorted(actions) for r in self._action_rows(k)])
            )
        if themes:
            out.append(
                (THEMATIC_AUDITS, sorted(themes), [r for k in sorted(themes) for r in self._theme_rows(k)])
            )
        if workers:
            out.append((QA_UNIT, sorted(workers), [r for k in sorted(workers) for r in self._qa_rows(k)]))
        return out

    def _audit_rows(self, audit_id: str) -> Iterable[tuple[Any, ...]]:
        a = self.audits.get(audit_id)
        if a is None:
            return
        yield (
            audit_id,
            a.audit_id,
            a.cycle_id,
            a.completed_on,
            f"{a.completed_on:%Y-%m}",
            a.kind.value,
            a.team_id,
            a.worker_id,
            a.auditor_id,
            a.case_ref,
            a.overall.value if a.overall is not None else None,
            a.kind.graded and a.overall is not None,
            len(a.actions),
        )

    def _action_rows(self, audit_id: str) -> Iterable[tuple[Any, ...]]:
        a = self.audits.get(audit_id)
        if a is None:
            return
        done = self.completions.get(audit_id) or {}
        for action in a.actions:
            yield (
                audit_id,
                a.audit_id,
                action.action_id,
                action.owner_id,
                a.team_id,
                a.kind.value,
                a.cycle_id,
                a.completed_on,
                action.due_on,
                done.get(action.action_id),
            )

    def _theme_rows(self, theme_id: str) -> Iterable[tuple[Any, ...]]:
        theme = self.themes.get(theme_id)
        if theme is None:
            return
        label = theme.theme_id.lower()
        found = self.labels.get(label) or ThemeLabel()
        yield (
            theme_id,
            theme.theme_id,
            label,
            theme.title,
            theme.agreed_on,
            theme.due_on,
            found.first_done(theme.agreed_on),
        )

    def _qa_rows(self, worker_id: str) -> Iterable[tuple[Any, ...]]:
        registered_on = self.qa_unit.get(worker_id)
        if registered_on is not None:
            yield (worker_id, worker_id, registered_on, self.left.get(worker_id))

    # --- reading -----------------------------------------------------------------------

    def load(self, audit_ids: Sequence[str]) -> list[ev.AuditCompleted]:
        """The audits of these ids (read in one go), in (date, id) order."""
        self.audits.prefetch(audit_ids)
        found = (self.audits.get(i) for i in dict.fromkeys(audit_ids))
        return sorted((a for a in found if a is not None), key=lambda a: (a.completed_on, a.audit_id))
