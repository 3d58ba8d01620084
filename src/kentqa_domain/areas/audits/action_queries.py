"""The actions of the audit cycle: audit actions open, overdue and completed (R-AUD-5) and
thematic audits and their progress (R-AUD-6).

Each query selects the actions or themes it needs from the audit projection's row tables
(``kentqa_audit_actions``, ``kentqa_thematic_audits``; docs/read-model.md) with indexed SQL
and reads only those documents: "what is open now" reads the actions not done, so it does
not grow with the years of history behind it (SPEC 9.4). The cycle's audits, grades and
triads are :mod:`kentqa_domain.areas.audits.queries`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, cast

import attrs

from ...errors import InvalidInput, UnknownReference
from ...readmodel import arguments
from ...readmodel.tables import as_date
from ...readmodel.view import View
from .actions import action_rows, thematic_rows
from .projection import ThemeLabel, cycle_of
from .queries import audits_of, scope_clause
from .rows import AuditActionRow, Progress, ThematicAuditRow

STATES = tuple(p.value for p in Progress)


def _states(state: Progress | str | Iterable[Progress | str] | None) -> frozenset[str] | None:
    if state is None:
        return None
    given = (state,) if isinstance(state, str) else tuple(state)
    chosen = arguments.states(
        "audit_actions", [str(s.value if isinstance(s, Progress) else s) for s in given], STATES
    )
    return None if chosen == frozenset(STATES) else chosen


def _after(view: View, after: Sequence[str] | None) -> tuple[dt.date, str, str] | None:
    """The (due_on, audit_id, action_id) a page starts after: the last row of the previous page."""
    if after is None:
        return None
    if isinstance(after, str) or len(after) != 2 or not all(isinstance(part, str) for part in after):
        raise InvalidInput(
            "audit_actions",
            "after",
            "paging",
            "must be (audit_id, action_id) of the previous page's last row",
        )
    audit_id, action_id = after
    found = view.select(
        "SELECT due_on FROM kentqa_audit_actions WHERE doc_key = ? AND action_id = ?", [audit_id, action_id]
    )
    if not found:
        raise UnknownReference(
            "audit_actions", "after", "paging", f"no action {action_id!r} of audit {audit_id!r}"
        )
    return cast(dt.date, as_date(found[0][0])), audit_id, action_id


def audit_actions(
    view: View,
    cycle_id: str | None = None,
    *,
    as_of: dt.date,
    as_worker: str | None = None,
    state: Progress | str | Iterable[Progress | str] | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
    after: Sequence[str] | None = None,
) -> list[AuditActionRow]:
    """R-AUD-5: the actions of the audits completed by ``as_of``: open, overdue or completed.

    Selected from ``kentqa_audit_actions`` with indexed SQL, then built from their audits'
    documents: ``state`` open or overdue reads only the actions not done by ``as_of`` (for
    ``as_of`` today, the live ones); ``cycle_id`` the actions of that cycle's audits;
    ``since`` those raised on or after it; ``limit`` / ``after`` one page in register order
    (due date, audit id, action id), each page reading at most ``limit`` rows per state.
    """
    if since is not None:
        since = arguments.date("audit_actions", "since", since)
    limit = arguments.limit("audit_actions", limit)
    scoped = scope_clause(view, view.scope(as_worker, on=as_of), "team_id", "owner_id")
    if scoped is None:
        return []
    wanted = _ActionFilter(
        as_of=as_of,
        states=_states(state),
        since=since,
        cycle_id=cycle_id,
        bounds=view.cycle_bounds(cycle_id) if cycle_id is not None else None,
        start=_after(view, after),
    )
    found: dict[tuple[str, str], _ActionKey] = {}
    for condition, values, paged in wanted.queries(*scoped):
        for row in _select_actions(view, condition, values, limit if paged else None):
            if wanted.keep(row):
                found[(row.audit_id, row.action_id)] = row
    chosen = sorted(found.values(), key=lambda r: (r.due_on, r.audit_id, r.action_id))[:limit]
    done = {(r.audit_id, r.action_id): r.completed_on for r in chosen}
    ysm = view.policy.year_start_month
    return action_rows(
        audits_of(view).load([r.audit_id for r in chosen]),
        lambda audit_id, action_id: done.get((audit_id, action_id)),
        lambda a: cycle_of(a, ysm),
        view.policy.calendar,
        as_of=as_of,
        only=done,
    )


def audit_action_counts(
    view: View, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
) -> dict[str, int]:
    """R-AUD-5 in numbers: the actions open, overdue and completed at ``as_of`` (of one cycle,
    or all), as ``audit_actions`` would list them, read from the rows alone: the actions not
    done are visited, the completed ones counted by the database."""
    counts = dict.fromkeys(STATES, 0)
    scoped = scope_clause(view, view.scope(as_worker, on=as_of), "team_id", "owner_id")
    if scoped is None:
        return counts
    wanted = _ActionFilter(
        as_of=as_of,
        states=frozenset({Progress.OPEN.value, Progress.OVERDUE.value}),
        since=None,
        cycle_id=cycle_id,
        bounds=view.cycle_bounds(cycle_id) if cycle_id is not None else None,
        start=None,
    )
    seen: set[tuple[str, str]] = set()
    for condition, values, _paged in wanted.queries(*scoped):
        for row in _select_actions(view, condition, values, None):
            if wanted.keep(row) and (row.audit_id, row.action_id) not in seen:
                seen.add((row.audit_id, row.action_id))
                counts[_status(row, as_of).value] += 1
    where, params = wanted.where(*scoped)
    sql = f"SELECT COUNT(*) FROM kentqa_audit_actions WHERE {where} AND completed_on <= ?"  # noqa: S608
    counts[Progress.COMPLETED.value] = int(view.select(sql, [*params, as_of])[0][0])
    return counts


#: The columns of ``kentqa_audit_actions`` a query reads (an :class:`_ActionKey`).
ACTION_COLUMNS = "due_on, audit_id, action_id, raised_on, cycle_id, completed_on"


class _ActionKey(NamedTuple):
    """What an action's row in ``kentqa_audit_actions`` says about where it stands."""

    due_on: dt.date
    audit_id: str
    action_id: str
    raised_on: dt.date
    cycle_id: str | None
    completed_on: dt.date | None

    @classmethod
    def of(cls, row: Sequence[Any]) -> _ActionKey:
        due_on, audit_id, action_id, raised_on, tag, completed_on = row
        return cls(
            cast(dt.date, as_date(due_on)),
            audit_id,
            action_id,
            cast(dt.date, as_date(raised_on)),
            tag,
            as_date(completed_on),
        )


@attrs.frozen
class _ActionFilter:
    """The audit actions asked for: as SQL each index serves, and as a check of each row."""

    as_of: dt.date
    states: frozenset[str] | None
    since: dt.date | None
    cycle_id: str | None
    bounds: tuple[dt.date, dt.date] | None
    start: tuple[dt.date, str, str] | None

    def keep(self, row: _ActionKey) -> bool:
        """Whether a row selected by :meth:`queries` (perhaps more widely) is asked for."""
        if row.raised_on > self.as_of or (self.since is not None and row.raised_on < self.since):
            return False
        if self.bounds is not None and row.cycle_id != self.cycle_id:
            if row.cycle_id is not None or not self.bounds[0] <= row.raised_on <= self.bounds[1]:
                return False
        if self.start is not None and (row.due_on, row.audit_id, row.action_id) <= self.start:
            return False
        return self.states is None or _status(row, self.as_of).value in self.states

    def where(self, scope: str, scope_params: list[Any]) -> tuple[str, list[Any]]:
        """The condition every row asked for meets (raised by ``as_of``, since, cycle, scope)."""
        where = "raised_on <= ?" + scope
        params: list[Any] = [self.as_of, *scope_params]
        if self.since is not None:
            where += " AND raised_on >= ?"
            params.append(self.since)
        if self.bounds is not None:
            where += " AND (cycle_id = ? OR (cycle_id IS NULL AND raised_on >= ? AND raised_on <= ?))"
            params += [self.cycle_id, *self.bounds]
        return where, params

    def queries(self, scope: str, scope_params: list[Any]) -> list[tuple[str, list[Any], bool]]:
        """WHERE conditions with their values, each served by one index; ``True`` for those
        read a page at a time in due date order (:func:`_select_actions`)."""
        where, params = self.where(scope, scope_params)
        branches: list[tuple[str, list[Any]]] = []
        if self.states is None:
            branches.append(("", []))
        pending = (self.states or frozenset()) & {Progress.OPEN.value, Progress.OVERDUE.value}
        out: list[tuple[str, list[Any], bool]] = []
        if pending:
            due, more = "", []
            if pending == {Progress.OPEN.value}:
                due, more = " AND due_on >= ?", [self.as_of]
            elif pending == {Progress.OVERDUE.value}:
                due, more = " AND due_on < ?", [self.as_of]
            # Not done by as_of: never done (the live actions), or done after as_of (only an
            # as_of in the past has these): that one index condition alone, the rest by keep().
            branches.append((f" AND completed_on IS NULL{due}", more))
            out.append((f"completed_on > ?{scope}", [self.as_of, *scope_params], False))
        if self.states is not None and Progress.COMPLETED.value in self.states:
            branches.append((" AND completed_on <= ?", [self.as_of]))
        for branch, more in branches:
            if self.since is not None:  # the actions raised since then, ordered here
                out.append((f"{where}{branch}", [*params, *more], False))
            elif self.start is None:
                out.append((f"{where}{branch}", [*params, *more], True))
            else:  # the rest of the last page's day (keep() compares the ids), then the days after
                day = self.start[0]
                out.append((f"{where}{branch} AND due_on = ?", [*params, *more, day], False))
                out.append((f"{where}{branch} AND due_on > ?", [*params, *more, day], True))
        return out


def _select_actions(view: View, condition: str, values: list[Any], limit: int | None) -> list[_ActionKey]:
    """The rows of ``kentqa_audit_actions`` meeting ``condition``; with ``limit``, the first
    ``limit`` by due date and every other row due on the last of those days, so that the
    page's order among one day's actions is Python's (ids compare as text in any collation)."""
    sql = f"SELECT {ACTION_COLUMNS} FROM kentqa_audit_actions WHERE {condition}"  # noqa: S608
    if limit is None:
        return [_ActionKey.of(r) for r in view.select(sql, values)]
    first = [_ActionKey.of(r) for r in view.select(f"{sql} ORDER BY due_on LIMIT ?", [*values, limit])]
    if len(first) < limit:
        return first
    last = max(r.due_on for r in first)
    return first + [_ActionKey.of(r) for r in view.select(f"{sql} AND due_on = ?", [*values, last])]


def _status(row: _ActionKey, as_of: dt.date) -> Progress:
    """R-AUD-5 at ``as_of`` (as :func:`~kentqa_domain.areas.audits.actions.action_row`)."""
    if row.completed_on is not None and row.completed_on <= as_of:
        return Progress.COMPLETED
    return Progress.OVERDUE if row.due_on < as_of else Progress.OPEN


def thematic_audits(
    view: View, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
) -> list[ThematicAuditRow]:
    """R-AUD-6: thematic audits agreed by ``as_of`` and their progress (organisation-wide, decision 0606).

    With ``cycle_id``: the themes agreed by the cycle's end not already done before it began,
    selected from ``kentqa_thematic_audits`` (those still not done, and those done since).
    """
    if not view.sees_everything(as_worker, on=as_of):
        return []
    if cycle_id is None:
        keys = view.select("SELECT doc_key FROM kentqa_thematic_audits WHERE agreed_on <= ?", [as_of])
    else:
        starts_on, ends_on = view.cycle_bounds(cycle_id)
        # not done by as_of (never, or first done after it), or first done since the cycle began
        agreed_by = min(as_of, ends_on)
        keys = view.select(
            "SELECT doc_key FROM kentqa_thematic_audits WHERE first_completed_on IS NULL AND agreed_on <= ? "
            "UNION SELECT doc_key FROM kentqa_thematic_audits WHERE first_completed_on >= ? AND agreed_on <= ?",
            [agreed_by, min(starts_on, as_of + dt.timedelta(days=1)), agreed_by],
        )
    book = audits_of(view)
    ids = [k for (k,) in keys]
    book.themes.prefetch(ids)
    themes = [t for t in (book.themes.get(i) for i in ids) if t is not None]
    labels = sorted({t.theme_id.lower() for t in themes})
    book.labels.prefetch(labels)

    def audits_labelled(label: str) -> Iterable[Any]:
        found: ThemeLabel | None = book.labels.get(label)
        return found.audits.values() if found is not None else ()

    rows = thematic_rows(themes, audits_labelled, as_of=as_of)
    if cycle_id is None:
        return rows
    return [
        r
        for r in rows
        if r.agreed_on <= ends_on and (r.first_completed_on is None or r.first_completed_on >= starts_on)
    ]
