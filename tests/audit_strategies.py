"""Hypothesis strategies for the audit cycle: a small organisation and many audits on few
cases by few auditors, so that cases are audited by both kinds, gaps and ties are common."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.values import Action, AuditKind, ExperienceLevel, Grade, Role

TEAMS = [("T1", "Team 1", "Children's Social Work", "East"), ("T2", "Team 2", "Early Help", "East"),
         ("T3", "Team 3", "Children's Social Work", "West")]  # fmt: skip
AUDITORS = ["A", "B", "C", "D"]
CASES = ["C1", "C2", "C3", "C4", "C5", "C6"]
START, END = dt.date(2026, 1, 1), dt.date(2027, 2, 28)  # 2025-T3 .. 2026-T3 (crosses a year end)

grades = st.sampled_from(list(Grade))
days = st.dates(START, END)


def organisation() -> list[ev.Event]:
    return [ev.TeamRegistered(team_id=t, name=n, service=s, area=a) for t, n, s, a in TEAMS]


@st.composite
def qa_unit(draw: st.DrawFn) -> list[ev.Event]:
    """0-3 qa_unit workers, some registered late or leaving, in any id order."""
    out: list[ev.Event] = []
    for worker in draw(
        st.lists(st.sampled_from(["Q3", "Q1", "Q2"]), unique=True, max_size=3) | st.just(["Q2", "Q1"])
    ):
        registered = draw(
            st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 1)) | st.dates(dt.date(2025, 1, 1), END)
        )
        out.append(
            ev.WorkerRegistered(
                worker_id=worker,
                team_id="T1",
                role=Role.QA_UNIT,
                experience=ExperienceLevel.EXPERIENCED,
                registered_on=registered,
            )
        )
        if draw(st.booleans()):
            out.append(ev.WorkerLeft(worker_id=worker, left_on=draw(st.dates(registered, END))))
    return out


@st.composite
def audit(
    draw: st.DrawFn, number: int, kinds: st.SearchStrategy[AuditKind] | None, on: st.SearchStrategy[dt.date]
) -> ev.AuditCompleted:
    kind = draw(kinds if kinds is not None else st.sampled_from(list(AuditKind)))
    needs_case = kind in (AuditKind.PRACTITIONER, AuditKind.PEER)
    completed_on = draw(on)
    return ev.AuditCompleted(
        audit_id=f"AU{number}",
        kind=kind,
        auditor_id=draw(st.sampled_from(AUDITORS)),
        team_id=draw(st.sampled_from([t[0] for t in TEAMS] + ["T-UNREGISTERED"])),
        completed_on=completed_on,
        case_ref=draw(st.sampled_from(CASES)) if needs_case else draw(st.none() | st.sampled_from(CASES)),
        worker_id=draw(st.none() | st.sampled_from(["W1", "W2"])),
        overall=draw(grades) if kind.graded else draw(st.none() | grades),
        themes=tuple(
            draw(st.lists(st.sampled_from(["neglect", "voice", "chronology"]), unique=True, max_size=2))
        ),
        actions=tuple(
            Action(
                action_id=str(i),
                description="do it",
                owner_id=draw(st.sampled_from(["W1", "W2"])),
                due_on=draw(st.dates(completed_on, END)),
            )
            for i in range(draw(st.integers(0, 2)))
        ),
        cycle_id=draw(st.none() | st.none() | st.none() | st.sampled_from(["2026-T1", "2026-T2"])),
    )


@st.composite
def audits(
    draw: st.DrawFn,
    max_size: int = 40,
    kinds: st.SearchStrategy[AuditKind] | None = None,
    on: st.SearchStrategy[dt.date] = days,
) -> list[ev.AuditCompleted]:
    return [draw(audit(i, kinds, on)) for i in range(draw(st.integers(0, max_size)))]


@st.composite
def compared_cases(draw: st.DrawFn, on: st.SearchStrategy[dt.date]) -> list[ev.AuditCompleted]:
    """R-AUD-4 material: each of some cases gets 1-2 practitioner and 0-2 peer audits by the
    few auditors (so pairs repeat, gaps tie, one auditor may do both, and re-audits occur)."""
    out: list[ev.AuditCompleted] = []
    for case in draw(st.lists(st.sampled_from(CASES), unique=True, min_size=2)):
        for kind, counts in ((AuditKind.PRACTITIONER, [1, 1, 2]), (AuditKind.PEER, [1, 1, 2, 0])):
            for _ in range(draw(st.sampled_from(counts))):
                out.append(
                    ev.AuditCompleted(
                        audit_id=f"K{len(out)}",
                        kind=kind,
                        auditor_id=draw(st.sampled_from(AUDITORS)),
                        team_id="T1",
                        completed_on=draw(on),
                        case_ref=case,
                        overall=draw(grades),
                        cycle_id=draw(
                            st.none() | st.none() | st.none() | st.sampled_from(["2026-T1", "2026-T2"])
                        ),
                    )
                )
    return out


@st.composite
def completions(draw: st.DrawFn, recorded: list[ev.AuditCompleted]) -> list[ev.AuditActionCompleted]:
    out = []
    for a in recorded:
        for action in a.actions:
            if draw(st.booleans()):
                out.append(
                    ev.AuditActionCompleted(
                        audit_id=a.audit_id,
                        action_id=action.action_id,
                        completed_on=draw(st.dates(a.completed_on, END)),
                    )
                )
    return out


def record_in_any_order(qa: Any, events: list[ev.Event], seed: int) -> None:
    """Record ``events`` shuffled; events refused for a subject not yet recorded are retried
    after the others (the write model's reference checks define the only order needed)."""
    pending = list(events)
    random.Random(seed).shuffle(pending)
    while pending:
        batch: list[ev.Event] = pending
        refused: list[ev.Event] = []
        qa.record_many(
            batch, on_invalid=lambda i, _error, batch=batch, refused=refused: refused.append(batch[i])
        )
        if len(refused) == len(batch):
            raise AssertionError(f"cannot record: {refused[:3]}")
        pending = refused


def connect() -> Any:
    return kq.connect("memory://", policy=kq.Policy())
