"""A council's children's plans with as much closed history as asked: for the stored plans'
flatness, plain-SQL and second-connection tests.

``council(closed)`` gives the same live children (open looked-after and CP plans with
reviews, QA, actions and an open escalation, around 2027) after ``closed`` children whose
plans and escalations all ended years before (2010 onwards), in natural order.
"""

from __future__ import annotations

import datetime as dt

from kentqa_domain import events as ev
from kentqa_domain.values import Action

D = dt.date
NOW = D(2027, 6, 1)
QUARTER = D(2027, 4, 1)
WORKERS = {
    "SW-1": ("T-A", "practitioner"),
    "SW-2": ("T-B", "practitioner"),
    "IRO-1": ("T-IRO", "iro"),
    "CPC-1": ("T-IRO", "cp_chair"),
}


def organisation() -> list[ev.Event]:
    out: list[ev.Event] = [
        ev.TeamRegistered(team_id=t, name=t, service="Children's Social Work", area=a)
        for t, a in (("T-A", "East"), ("T-B", "West"), ("T-IRO", "County"))
    ]
    out += [
        ev.WorkerRegistered(
            worker_id=w, team_id=t, role=role, experience="experienced", registered_on=D(2009, 1, 5)
        )
        for w, (t, role) in WORKERS.items()
    ]
    return out


def _qa(review_id: str, on: dt.date, by: str, smart: bool | None = None) -> ev.ReviewQualityAssured:
    return ev.ReviewQualityAssured(
        review_id=review_id,
        assured_on=on,
        by=by,
        plan_reflects_needs=True,
        actions_in_child_timeframe=False,
        consistent_with_legal_duties=True,
        smart=smart,
    )


def closed_child(n: int) -> list[ev.Event]:
    """A child looked after for about 100 days (a review, its QA and an action done), with an
    escalation raised and resolved, in a year from 2010 to 2021."""
    child = f"C-OLD-{n:05d}"
    start = D(2010 + n % 12, 1 + n % 9, 1 + n % 27)
    day = dt.timedelta(days=1)
    review = f"R-OLD-{n:05d}"
    action = f"A-OLD-{n:05d}"
    escalation = f"E-OLD-{n:05d}"
    owner = "SW-1" if n % 2 else "SW-2"
    return [
        ev.ChildBecameLookedAfter(child_ref=child, on=start, iro_id="IRO-1"),
        ev.ReviewHeld(
            review_id=review,
            child_ref=child,
            kind="looked_after_review",
            held_on=start + 15 * day,
            chair_id="IRO-1",
            actions=(
                Action(action_id=action, description="Contact plan", owner_id=owner, due_on=start + 60 * day),
            ),
        ),
        _qa(review, start + 18 * day, "IRO-1"),
        ev.EscalationRaised(
            escalation_id=escalation,
            raised_by="IRO-1",
            raised_on=start + 20 * day,
            stage="informal",
            reason="drift",
            child_ref=child,
            team_id="T-A" if n % 2 else "T-B",
            details="Drift in the contact plan",
        ),
        ev.EscalationResolved(escalation_id=escalation, resolved_on=start + 40 * day, outcome="Agreed"),
        ev.PlanActionCompleted(child_ref=child, action_id=action, completed_on=start + 50 * day),
        ev.ChildCeasedLookedAfter(child_ref=child, on=start + 100 * day),
    ]


def live_children() -> list[ev.Event]:
    """Open plans in 2026/27: overdue reviews, QA, midway reviews and actions, one open escalation."""
    out: list[ev.Event] = []
    for n in range(6):
        child = f"C-LIVE-{n}"
        start = D(2026, 9, 1 + 3 * n)
        out.append(ev.ChildBecameLookedAfter(child_ref=child, on=start, iro_id="IRO-1"))
        review = f"R-LIVE-{n}"
        out.append(
            ev.ReviewHeld(
                review_id=review,
                child_ref=child,
                kind="looked_after_review",
                held_on=start + dt.timedelta(days=20),
                chair_id=None if n % 2 else "IRO-1",
                actions=(
                    Action(
                        action_id=f"A-LIVE-{n}",
                        description="School place",
                        owner_id="SW-1" if n % 3 else "SW-2",
                        due_on=D(2026, 12, 1),
                    ),
                ),
            )
        )
        if n % 3:
            out.append(_qa(review, start + dt.timedelta(days=24 + n), "IRO-1", smart=bool(n % 2)))
        if n == 4:
            out.append(
                ev.PlanActionCompleted(child_ref=child, action_id=f"A-LIVE-{n}", completed_on=D(2026, 11, 20))
            )
        if n >= 3:  # a second review in the quarter
            second = f"R-LIVE-{n}b"
            out.append(
                ev.ReviewHeld(
                    review_id=second,
                    child_ref=child,
                    kind="looked_after_review",
                    held_on=D(2027, 4, 10 + n),
                    chair_id="IRO-1",
                )
            )
            if n != 4:
                out.append(_qa(second, D(2027, 4, 14 + n), "IRO-1"))
    for n in range(3):
        child = f"C-CP-{n}"
        held = D(2027, 1, 11 + 7 * n)
        out.append(ev.StrategyDiscussionHeld(child_ref=child, held_on=held, section_47=True))
        if n:
            out.append(
                ev.ReviewHeld(
                    review_id=f"IC-{n}",
                    child_ref=child,
                    kind="initial_cp_conference",
                    held_on=held + dt.timedelta(days=14),
                    chair_id="CPC-1",
                    actions=(
                        Action(
                            action_id=f"A-CP-{n}",
                            description="Safety plan",
                            owner_id="SW-2",
                            due_on=D(2027, 3, 1),
                        ),
                    ),
                )
            )
    out.append(
        ev.EscalationRaised(
            escalation_id="E-LIVE-1",
            raised_by="IRO-1",
            raised_on=D(2027, 2, 1),
            stage="informal",
            reason="drift",
            child_ref="C-LIVE-1",
            team_id="T-B",
            details="No review booked",
        )
    )
    out.append(
        ev.EscalationRaised(
            escalation_id="E-LIVE-2",
            raised_by="CPC-1",
            raised_on=D(2027, 3, 1),
            stage="team_manager",
            reason="delay",
            team_id="T-A",
            details="Delays",
        )
    )
    return out


def council(closed: int) -> list[ev.Event]:
    """The organisation, ``closed`` children with only closed history, then the live children."""
    out = organisation()
    for n in range(closed):
        out += closed_child(n)
    return out + live_children()


def revealed_rows(qa: object, table: str) -> list[tuple[object, ...]]:
    """Every row of one of the plans' row tables, sorted, with children's tokens and their
    review and action pseudonyms revealed (two stores' tokens differ: their keys do)."""
    from kentqa_domain.readmodel.tables import as_date

    view = qa.view()  # type: ignore[attr-defined]
    revealer = view.revealer
    columns = [
        c.name
        for c in next(t for p in qa.projections.by_name.values() for t in p.tables if t.name == table).columns
    ]  # type: ignore[attr-defined]
    out = []
    for row in view.select(f"SELECT {', '.join(columns)} FROM {table}"):
        values = dict(zip(columns, row, strict=True))
        token = values.get("child_token")
        if isinstance(token, str):
            for name in ("review_id", "action_id"):
                if values.get(name) is not None:
                    values[name] = revealer.original(token, values[name])
            values["child_token"] = revealer.child(token)
        out.append(tuple(as_date(v) if name.endswith("_on") else v for name, v in values.items()))
    return sorted(out, key=repr)
