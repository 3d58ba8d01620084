"""The tri-annual audit cycle: audits, grades, triads, actions, thematic audits, activity (R-AUD-1..6).

Each query selects the audits, actions or themes it needs from the audit projection's row
tables (``kentqa_audits``, ``kentqa_audit_actions``, ``kentqa_thematic_audits``,
``kentqa_qa_unit``; docs/read-model.md) with indexed SQL and reads only those documents: a
cycle's queries read that cycle's audits, "what is open now" the actions not done, so
neither grows with the years of history behind them (SPEC 9.4).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, cast

from ..access import Scope
from ..calendar import cycle_id_for, parse_cycle_id
from ..errors import InvalidEvent, UnknownReference
from ..events import AuditCompleted
from ..projections import ActivityByDay, AuditLedger
from ..projections.audit_actions import action_rows, thematic_rows
from ..projections.audit_cycle import ThemeLabel, cycle_of
from ..projections.audit_grades import good_or_better, summarise_cycle
from ..projections.audit_rows import (
    AuditActionRow,
    AuditCycle,
    CycleShare,
    Progress,
    ThematicAuditRow,
    TriadRecommendation,
)
from ..projections.triad import recommend
from ..state.tables import as_date
from ..values import Grade
from . import arguments
from .view import View

#: The order of the audit actions register, and of its pages (``after``).
ACTION_ORDER = "due_on, audit_id, action_id"
STATES = tuple(p.value for p in Progress)


def _book(view: View) -> AuditLedger:
    book: AuditLedger = view.projection(AuditLedger.name)
    return book


def _scope_clause(
    view: View, scope: Scope, team_column: str, worker_column: str
) -> tuple[str, list[Any]] | None:
    """R-ACC-1 as SQL over a row table: what ``scope.allows(team_id=, worker_id=)`` keeps.

    None when nothing can be visible (a service or area with no team).
    """
    if scope.kind == "all":
        return "", []
    if scope.kind == "own":
        return f" AND {worker_column} = ?", [scope.worker_id]
    if scope.kind == "team":
        return f" AND {team_column} = ?", [scope.team_id]
    field = "service" if scope.kind == "service" else "area"
    wanted = getattr(scope, field)
    teams = sorted(t for t, team in view.teams.items() if getattr(team, field) == wanted)
    if not teams:
        return None
    return f" AND {team_column} IN ({', '.join('?' * len(teams))})", teams


def _cycle_audits(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[AuditCompleted]:
    """R-AUD-1: the audits of ``cycle_id`` completed by ``as_of`` that ``as_worker`` may see:
    those completed in the cycle's months and those recorded for it (decision 0300)."""
    starts_on, ends_on = view.cycle_bounds(cycle_id)
    scoped = _scope_clause(view, view.scope(as_worker), "team_id", "worker_id")
    if scoped is None:
        return []
    clause, params = scoped
    # the clauses are made here from constants; every value is a placeholder
    by_date = f"SELECT doc_key FROM kentqa_audits WHERE completed_on >= ? AND completed_on <= ?{clause}"  # noqa: S608
    by_tag = f"SELECT doc_key FROM kentqa_audits WHERE cycle_id = ? AND completed_on <= ?{clause}"  # noqa: S608
    keys = view.select(
        f"{by_date} UNION {by_tag}", [starts_on, min(ends_on, as_of), *params, cycle_id, as_of, *params]
    )
    ysm = view.policy.year_start_month
    found = _book(view).load([k for (k,) in keys])
    return [a for a in found if a.completed_on <= as_of and cycle_of(a, ysm) == cycle_id]


def audits(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[AuditCompleted]:
    """R-AUD-1: the audits of a cycle completed on or before ``as_of``, by date then id."""
    return _cycle_audits(view, cycle_id, as_of=as_of, as_worker=as_worker)


def completed_between(
    view: View, start: dt.date, end: dt.date, *, overall: Grade | None = None
) -> list[AuditCompleted]:
    """The audits completed in [start, end] (of one ``overall`` grade if given), by date then id."""
    sql = "SELECT doc_key FROM kentqa_audits WHERE completed_on >= ? AND completed_on <= ?"
    params: list[Any] = [start, end]
    if overall is not None:
        sql += " AND overall = ?"
        params.append(overall.value)
    return _book(view).load([k for (k,) in view.select(sql, params)])


def audit_cycle(view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None) -> AuditCycle:
    """R-AUD-1..3: a cycle's phase, its audits by kind and phase, and grades overall and by team,
    service and area (decision 0300)."""
    starts_on, ends_on = view.cycle_bounds(cycle_id)
    found = audits(view, cycle_id, as_of=as_of, as_worker=as_worker)
    return summarise_cycle(cycle_id, starts_on, ends_on, found, view.teams, as_of=as_of)


def good_or_better_trend(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[CycleShare]:
    """R-AUD-3 over time: the share good or better of every cycle up to ``cycle_id``, oldest first.

    Counted in SQL from ``kentqa_audits`` (graded audits by explicit cycle, month and grade;
    with the team and worker for a scoped principal): no audit is read, and the rows
    returned grow with the months of history, not with the audits.
    """
    view.cycle_bounds(cycle_id)
    scope = view.scope(as_worker)
    scoped = _scope_clause(view, scope, "team_id", "worker_id")
    if scoped is None:
        return []
    clause, params = scoped
    where = f"WHERE graded = ? AND completed_on <= ?{clause}"
    counted = f"SELECT cycle_id, completed_month, overall, COUNT(*) FROM kentqa_audits {where} GROUP BY cycle_id, completed_month, overall"  # noqa: S608
    rows = view.select(counted, [True, as_of, *params])
    ysm = view.policy.year_start_month
    counts: dict[str, Counter[str]] = {}
    for tag, month, overall, n in rows:
        year, number = (int(part) for part in month.split("-"))
        cycle = tag or cycle_id_for(dt.date(year, number, 1), ysm)
        counts.setdefault(cycle, Counter())[overall] += n
    order = parse_cycle_id(cycle_id) or (0, 0)
    out = []
    for cycle in sorted(counts):
        if (parse_cycle_id(cycle) or (0, 0)) > order:
            continue
        graded, good, share = good_or_better({g.value: counts[cycle].get(g.value, 0) for g in Grade})
        out.append(CycleShare(cycle, graded, good, share))
    return out


def qa_unit(view: View, as_of: dt.date) -> list[str]:
    """R-AUD-4: qa_unit workers registered by ``as_of`` and not left by then, sorted by id."""
    rows = view.select(
        "SELECT worker_id FROM kentqa_qa_unit WHERE registered_on <= ? AND (left_on IS NULL OR left_on > ?) "
        "ORDER BY worker_id",
        [as_of, as_of],
    )
    return [w for (w,) in rows]


def triad_recommendations(
    view: View, cycle_id: str, *, as_of: dt.date, as_worker: str | None = None
) -> list[TriadRecommendation]:
    """R-AUD-4: auditor pairs whose grades of the same cases differ, ranked (decision 0606 for R-ACC-1)."""
    if not view.sees_everything(as_worker):
        return []
    found = _cycle_audits(view, cycle_id, as_of=as_of)
    return recommend(found, qa_unit(view, as_of))


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
        raise InvalidEvent(
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
    wanted = _states(state)
    if since is not None:
        since = arguments.date("audit_actions", "since", since)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidEvent("audit_actions", "limit", "paging", "must be a whole number of at least 1")
    ysm = view.policy.year_start_month
    scoped = _scope_clause(view, view.scope(as_worker), "team_id", "owner_id")
    if scoped is None:
        return []
    where, params = scoped
    where = "raised_on <= ?" + where
    params = [as_of, *params]
    if since is not None:
        where += " AND raised_on >= ?"
        params.append(since)
    if cycle_id is not None:
        starts_on, ends_on = view.cycle_bounds(cycle_id)
        where += " AND (cycle_id = ? OR (cycle_id IS NULL AND raised_on >= ? AND raised_on <= ?))"
        params += [cycle_id, starts_on, ends_on]
    start = _after(view, after)
    if start is not None:
        where += " AND due_on >= ? AND (due_on > ? OR audit_id > ? OR (audit_id = ? AND action_id > ?))"
        params += [start[0], start[0], start[1], start[1], start[2]]
    keys: list[tuple[dt.date, str, str, dt.date | None]] = []
    for branch, more in _branches(wanted, as_of):
        sql = f"SELECT due_on, audit_id, action_id, completed_on FROM kentqa_audit_actions WHERE {where}{branch}"  # noqa: S608
        sql += f" ORDER BY {ACTION_ORDER}" + (" LIMIT ?" if limit is not None else "")
        page = [limit] if limit is not None else []
        for due_on, audit_id, action_id, completed_on in view.select(sql, [*params, *more, *page]):
            keys.append((as_date(due_on), audit_id, action_id, as_date(completed_on)))  # type: ignore[arg-type]
    keys.sort(key=lambda k: (k[0], k[1], k[2]))
    if limit is not None:
        keys = keys[:limit]
    done = {(a, b): c for _d, a, b, c in keys}
    found = _book(view).load([a for _d, a, _b, _c in keys])
    return action_rows(
        found,
        lambda audit_id, action_id: done.get((audit_id, action_id)),
        lambda a: cycle_of(a, ysm),
        view.policy.calendar,
        as_of=as_of,
        only=done,
    )


def _branches(wanted: frozenset[str] | None, as_of: dt.date) -> list[tuple[str, list[Any]]]:
    """SQL conditions (each served by an index, in register order) for the states asked for."""
    if wanted is None:
        return [("", [])]
    out: list[tuple[str, list[Any]]] = []
    pending = wanted & {Progress.OPEN.value, Progress.OVERDUE.value}
    if pending:
        due, more = "", []
        if pending == {Progress.OPEN.value}:
            due, more = " AND due_on >= ?", [as_of]
        elif pending == {Progress.OVERDUE.value}:
            due, more = " AND due_on < ?", [as_of]
        out.append((" AND completed_on IS NULL" + due, more))
        out.append((" AND completed_on > ?" + due, [as_of, *more]))
    if Progress.COMPLETED.value in wanted:
        out.append((" AND completed_on <= ?", [as_of]))
    return out


def thematic_audits(
    view: View, cycle_id: str | None = None, *, as_of: dt.date, as_worker: str | None = None
) -> list[ThematicAuditRow]:
    """R-AUD-6: thematic audits agreed by ``as_of`` and their progress (organisation-wide, decision 0606).

    With ``cycle_id``: the themes agreed by the cycle's end not already done before it began,
    selected from ``kentqa_thematic_audits`` (those still not done, and those done since).
    """
    if not view.sees_everything(as_worker):
        return []
    if cycle_id is None:
        keys = view.select("SELECT doc_key FROM kentqa_thematic_audits WHERE agreed_on <= ?", [as_of])
    else:
        starts_on, ends_on = view.cycle_bounds(cycle_id)
        keys = view.select(
            "SELECT doc_key FROM kentqa_thematic_audits WHERE agreed_on <= ? "
            "AND (first_completed_on IS NULL OR first_completed_on > ? OR first_completed_on >= ?)",
            [min(as_of, ends_on), as_of, starts_on],
        )
    book = _book(view)
    ids = [k for (k,) in keys]
    book.themes.prefetch(ids)
    themes = [t for t in (book.themes.get(i) for i in ids) if t is not None]
    labels = sorted({t.theme_id.lower() for t in themes})
    book.labels.prefetch(labels)

    def audits_of(label: str) -> Iterable[Any]:
        found: ThemeLabel | None = book.labels.get(label)
        return found.audits.values() if found is not None else ()

    rows = thematic_rows(themes, audits_of, as_of=as_of)
    if cycle_id is None:
        return rows
    return [
        r
        for r in rows
        if r.agreed_on <= ends_on and (r.first_completed_on is None or r.first_completed_on >= starts_on)
    ]


def activity(view: View, start: dt.date, end: dt.date) -> dict[str, int]:
    """Events whose business date falls in [start, end], by type (for "how do we know it")."""
    counts: dict[str, int] = view.projection(ActivityByDay.name).events_between(start, end)
    return counts


def themes_raised(view: View, start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
    """(source, theme) -> complaints, compliments and feedback raising it in [start, end]."""
    counts: dict[tuple[str, str], int] = view.projection(ActivityByDay.name).themes_between(start, end)
    return counts
