"""Children's plans: looked-after episodes and child protection plans, with their reviews.

Each child is a process over business dates (R-LAC-1..7, R-CP-1..7): the plan starts,
reviews are held near their statutory due dates (about one in eight late), the IRO or CP
Chair quality-assures each review (most within five working days, some late, a few never),
midway reviews are held at the midpoint (some missed), and plan actions are completed (most
on time, some late, a few never: drift, which the chair sometimes escalates). Children in
the plans when the period starts are given their start and latest reviews before it, as a
council's migration would record them. Children appear only as pseudonymous references.

Allocation (SPEC 9.2; :mod:`.allocation`): each child is allocated to its team and a social
worker when its plan starts, and again when the worker holding the case at a review changes;
a CP Chair is assigned to each enquiry; a looked-after child's IRO is mostly named on
becoming looked after, else appointed a few working days later (R-LAC-9: now and then late),
and changed when the IRO leaves.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import events as ev
from ..calendar import add_months
from ..values import Action, EscalationReason, LegalStatus, Participation, PlanKind, ReviewKind, Role
from .allocation import Allocation, assign_chair, iro_changes, iro_named_at_start
from .council import Case, Council
from .escalations import escalate
from .practice import grade_for
from .timeline import Process
from .vocabulary import AREAS, CASE_HOLDING, CP_HOLDING, PLAN_ACTIONS

YEAR = 365.25
PARTICIPATION = tuple(Participation)
PARTICIPATION_WEIGHTS = (4, 30, 18, 10, 14, 8, 4, 12)


def _team(council: Council, rng: random.Random, holding: dict[str, float]) -> str:
    code = rng.choices(tuple(holding), weights=tuple(holding.values()))[0]
    area = rng.choice(AREAS)
    teams = council.teams_of(code, area) or council.teams_of(code)
    return rng.choice(teams)


def _worker(council: Council, team: str, on: dt.date, rng: random.Random, current: str | None) -> str:
    """The child's social worker on ``on``: the current one while they are at work."""
    if current is not None and council.staff[current].active(on):
        return current
    return council.practitioner(team, on, rng) or council.managers[team]


def _held(council: Council, due: dt.date, earliest: dt.date, rng: random.Random) -> dt.date:
    """When a review due on ``due`` is held: mostly a few working days early, one in eight late."""
    if rng.random() < 0.12:
        day = due + dt.timedelta(days=rng.randint(3, 40))
    else:
        day = due - dt.timedelta(days=rng.randint(0, 12))
    return council.working_day(max(day, earliest))


def _review(
    council: Council,
    rng: random.Random,
    *,
    child_ref: str,
    kind: ReviewKind,
    held_on: dt.date,
    next_due: dt.date,
    next_held: dt.date | None,
    plan_end: dt.date,
    chair: str,
    worker: str,
    team: str,
    backfill: bool,
) -> dt.date | None:
    """One review with its QA, midway review and actions; returns the review's record date."""
    review_id = council.new_id("REV", 7)
    actions = tuple(
        Action(
            action_id=council.new_id("ACT", 7),
            description=rng.choice(PLAN_ACTIONS),
            owner_id=worker,
            due_on=held_on + dt.timedelta(days=rng.randint(15, 80)),
        )
        for _ in range(rng.choice((1, 1, 2, 2)))
    )
    typed_late = not backfill and rng.random() < 0.05
    rec = council.record(
        held_on + dt.timedelta(days=rng.randint(5, 20)) if typed_late else held_on,
        ev.ReviewHeld(
            review_id=review_id,
            child_ref=child_ref,
            kind=kind,
            held_on=held_on,
            chair_id=chair,
            actions=actions,
            participation=rng.choices(PARTICIPATION, weights=PARTICIPATION_WEIGHTS)[0],
        ),
    )
    if rec is None:
        return None
    plan = kind.plan
    r = 0.0 if backfill else rng.random()
    if r < 0.975:
        qa_on = council.add_working_days(held_on, rng.randint(1, 5) if r < 0.83 else rng.randint(6, 25))
        quality = council.staff[worker].quality if worker in council.staff else 1.8
        council.record(
            qa_on,
            ev.ReviewQualityAssured(
                review_id=review_id,
                assured_on=qa_on,
                by=chair,
                plan_reflects_needs=rng.random() < 0.86,
                actions_in_child_timeframe=rng.random() < 0.8,
                consistent_with_legal_duties=rng.random() < 0.96,
                smart=(rng.random() < 0.75) if plan is PlanKind.CHILD_PROTECTION else None,
                grade=grade_for(quality, rng, 0.5),
            ),
            after=rec,
        )
    midpoint = held_on + dt.timedelta(days=(next_due - held_on).days // 2)
    r = 0.0 if backfill else rng.random()
    if r < 0.9:
        day = (
            midpoint - dt.timedelta(days=rng.randint(0, 14))
            if r < 0.8
            else midpoint + dt.timedelta(days=rng.randint(1, 30))
        )
        day = council.working_day(max(day, held_on + dt.timedelta(days=1)))
        if day <= plan_end and (next_held is None or day < next_held):
            council.record(
                day,
                ev.MidwayReviewCompleted(child_ref=child_ref, plan=plan, completed_on=day, by=chair),
                after=rec,
            )
    _agreed_action(
        council, child_ref, review_id, plan, held_on, next_held, plan_end, worker, rec, backfill=backfill
    )
    lac_until = plan_end if plan is PlanKind.LOOKED_AFTER else None  # R-ESC-4: Cafcass only then
    escalated = False
    for action in actions:
        r = 0.0 if backfill else rng.random()
        done: dt.date | None = None
        if r < 0.75:
            done = held_on + dt.timedelta(days=rng.randint(1, max(1, (action.due_on - held_on).days)))
        elif r < 0.98:
            done = action.due_on + dt.timedelta(days=rng.randint(1, 50))
        if done is not None:
            council.record(
                done,
                ev.PlanActionCompleted(child_ref=child_ref, action_id=action.action_id, completed_on=done),
                after=rec,
            )
        drifting = done is None or (done - action.due_on).days > 20
        if drifting and not escalated and not backfill and rng.random() < 0.2:
            escalated = True
            escalate(
                council,
                rng,
                raised_on=council.add_working_days(action.due_on, rng.randint(8, 15)),
                raised_by=chair,
                child_ref=child_ref,
                team_id=team,
                reason=EscalationReason.DRIFT,
                after=rec,
                looked_after_until=lac_until,
            )
    if not backfill and next_held is not None and (next_held - next_due).days > 10 and rng.random() < 0.25:
        escalate(
            council,
            rng,
            raised_on=council.add_working_days(next_due, rng.randint(2, 6)),
            raised_by=chair,
            child_ref=child_ref,
            team_id=team,
            reason=EscalationReason.DELAY,
            after=rec,
            looked_after_until=lac_until,
        )
    return rec


def _agreed_action(  # noqa: PLR0917 - the review's facts, as _review has them
    council: Council,
    child_ref: str,
    review_id: str,
    plan: PlanKind,
    held_on: dt.date,
    next_held: dt.date | None,
    plan_end: dt.date,
    worker: str,
    rec: dt.date,
    *,
    backfill: bool,
) -> None:
    """Now and then the chair adds an action the working day after the review (SPEC 9.5,
    ``PlanActionAgreed``), usually done. Its own random stream and an id derived from the
    review's, so the rest of the council is the same with or without it."""
    rng = council.rng(review_id + ":agreed")
    agreed_on = council.add_working_days(held_on, 1)
    if (
        backfill
        or rng.random() >= 0.15
        or agreed_on >= plan_end
        or (next_held is not None and agreed_on >= next_held)
    ):
        return
    action = Action(
        action_id=f"{review_id}-AG",
        description=rng.choice(PLAN_ACTIONS),
        owner_id=worker,
        due_on=agreed_on + dt.timedelta(days=rng.randint(15, 45)),
    )
    agreed = ev.PlanActionAgreed(
        child_ref=child_ref, plan=plan, action=action, agreed_on=agreed_on, review_id=review_id
    )
    recorded = council.record(agreed_on, agreed, after=rec)
    if recorded is not None and rng.random() < 0.8:
        done = agreed_on + dt.timedelta(days=rng.randint(1, 60))
        completed = ev.PlanActionCompleted(child_ref=child_ref, action_id=action.action_id, completed_on=done)
        council.record(done, completed, after=recorded)  # typed up after the agreement was


def looked_after(council: Council, child_ref: str, start: dt.date, *, stock: bool) -> Process:
    """A looked-after episode: R-LAC-1 first review in 20 working days, R-LAC-2 then 3 months,
    R-LAC-3 then six-monthly, until the child ceases to be looked after (R-LAC-7)."""
    rng = council.rng(child_ref + ":lac")
    team = _team(council, rng, CASE_HOLDING)
    iro = council.one_of(Role.IRO, start, rng)
    if stock:
        end = council.start + dt.timedelta(days=int(rng.expovariate(1 / (2.4 * YEAR))) + 1)
    elif rng.random() < 0.3:
        end = start + dt.timedelta(days=rng.randint(20, 180))
    else:
        end = start + dt.timedelta(days=int(rng.expovariate(1 / (3.3 * YEAR))) + 30)
    named = iro_named_at_start(council, child_ref, iro, start, end, stock=stock)
    council.record(
        start, ev.ChildBecameLookedAfter(child_ref=child_ref, on=start, iro_id=iro if named else None)
    )
    allocation = Allocation(council, child_ref, team, start)
    changes = iro_changes(council, child_ref, iro, start, end)
    council.looked_after.add(child_ref)
    status = council.rng(child_ref + ":status")  # its own stream: the rest stays the same
    if not stock and status.random() < 0.2:  # SPEC 9.2: a care order, then now and then adoption
        changed = start + dt.timedelta(days=status.randint(20, 120))
        if changed < end and changed <= council.until:
            council.record(
                changed,
                ev.LegalStatusChanged(child_ref=child_ref, changed_on=changed, legal_status=LegalStatus.C2),
            )
            placed = changed + dt.timedelta(days=status.randint(30, 200))
            if status.random() < 0.4 and placed < end and placed <= council.until:
                council.record(placed, ev.PlacedForAdoption(child_ref=child_ref, placed_on=placed))
    # The review chain, by business dates, up to the end of the episode or of the period.
    chain: list[tuple[dt.date, dt.date]] = []  # (held, the next review's due date)
    due = council.add_working_days(start, 20)
    earliest = start + dt.timedelta(days=1)
    while True:
        held = _held(council, due, earliest, rng)
        if held >= end or held > council.until:
            break
        next_due = add_months(held, 3 if not chain else 6)
        chain.append((held, next_due))
        due, earliest = next_due, held + dt.timedelta(days=1)
    before = sum(1 for held, _ in chain if held < council.start)
    worker: str | None = None
    for i, (held, next_due) in enumerate(chain):
        backfill = held < council.start
        if backfill and i < before - 2:
            continue
        yield held
        worker = _worker(council, team, held, rng, worker)
        allocation.holds(worker, held)
        council.cases[child_ref] = Case(child_ref, worker, team)
        _review(
            council,
            rng,
            child_ref=child_ref,
            kind=ReviewKind.LOOKED_AFTER_REVIEW,
            held_on=held,
            next_due=next_due,
            next_held=chain[i + 1][0] if i + 1 < len(chain) else None,
            plan_end=end,
            chair=changes.iro_on(held),
            worker=worker,
            team=team,
            backfill=backfill,
        )
    if end <= council.until:
        yield end
        council.record(end, ev.ChildCeasedLookedAfter(child_ref=child_ref, on=end))
        council.looked_after.discard(child_ref)
        council.cases.pop(child_ref, None)


def child_protection(council: Council, child_ref: str, discussed_on: dt.date, *, stock: bool) -> Process:
    """A section 47 strategy discussion, the initial conference (R-CP-1), review conferences
    three months later then six-monthly (R-CP-2, R-CP-3), until the plan ends (R-CP-7)."""
    rng = council.rng(child_ref + ":cp")
    team = _team(council, rng, CP_HOLDING)
    chair = council.one_of(Role.CP_CHAIR, discussed_on, rng)
    council.record(
        discussed_on, ev.StrategyDiscussionHeld(child_ref=child_ref, held_on=discussed_on, section_47=True)
    )
    assign_chair(council, child_ref, chair, discussed_on)
    allocation = Allocation(council, child_ref, team, discussed_on)
    outcome = council.rng(child_ref + ":outcome")  # its own stream: the other children stay the same
    chance = 1.0 if stock else outcome.random()
    if chance < 0.12:  # R-CP-8: the enquiry found no conference was needed
        done = council.add_working_days(discussed_on, outcome.randint(5, 14))
        council.record(
            done, ev.Section47Completed(child_ref=child_ref, completed_on=done, conference_required=False)
        )
        return
    if chance < 0.2:  # R-CP-9: the conference decided no plan
        held = council.add_working_days(discussed_on, outcome.randint(6, 15))
        if held <= council.until:
            yield held
            council.record(
                held,
                ev.ReviewHeld(
                    review_id=f"{child_ref}-ICPC",
                    child_ref=child_ref,
                    kind=ReviewKind.INITIAL_CP_CONFERENCE,
                    held_on=held,
                    chair_id=chair,
                    plan_made=False,
                ),
            )
        return
    if chance < 0.5:  # the enquiry's outcome: a conference is needed (it stays due, R-CP-1)
        done = council.add_working_days(discussed_on, outcome.randint(3, 5))
        council.record(
            done, ev.Section47Completed(child_ref=child_ref, completed_on=done, conference_required=True)
        )
    if rng.random() < 0.85:
        initial = council.add_working_days(discussed_on, rng.randint(6, 15))
    else:
        initial = council.add_working_days(discussed_on, rng.randint(16, 35))
    chain = [(initial, add_months(initial, 3))]
    reviews = rng.choices((0, 1, 2, 3, 4, 5), weights=(8, 30, 35, 17, 6, 4))[0]
    while len(chain) <= reviews or (stock and chain[-1][0] < council.start):
        due = chain[-1][1]
        held = _held(council, due, chain[-1][0] + dt.timedelta(days=1), rng)
        chain.append((held, add_months(held, 6)))
    # The plan ends the working day after its last conference (the conference decides; the
    # end is recorded as the next day's fact, so no same-day order question arises).
    end = council.add_working_days(chain[-1][0], 1)
    worker: str | None = None
    last_rec: dt.date | None = None
    before = sum(1 for held, _ in chain if held < council.start)
    for i, (held, next_due) in enumerate(chain):
        if held > council.until:
            return
        backfill = held < council.start
        if backfill and 0 < i < before - 1:
            continue
        yield held
        worker = _worker(council, team, held, rng, worker)
        allocation.holds(worker, held)
        council.cases[child_ref] = Case(child_ref, worker, team)
        last_rec = _review(
            council,
            rng,
            child_ref=child_ref,
            kind=ReviewKind.INITIAL_CP_CONFERENCE if i == 0 else ReviewKind.REVIEW_CP_CONFERENCE,
            held_on=held,
            next_due=next_due,
            next_held=chain[i + 1][0] if i + 1 < len(chain) else None,
            plan_end=end,
            chair=chair,
            worker=worker,
            team=team,
            backfill=backfill,
        )
    council.record(end, ev.ChildProtectionPlanEnded(child_ref=child_ref, ended_on=end), after=last_rec)
    council.cases.pop(child_ref, None)
    if child_ref not in council.looked_after and rng.random() < 0.12:
        # The plan ends because the child comes into care.
        into_care = council.working_day(end + dt.timedelta(days=rng.randint(1, 30)))
        council.timeline.spawn(into_care, looked_after(council, child_ref, into_care, stock=False))


def children(council: Council, *, lac: int, cp: int) -> None:
    """The children in plans when the period starts, and the process bringing new ones."""
    rng = council.rng("children")
    for _ in range(lac):
        age = min(int(rng.expovariate(1 / (2.4 * YEAR))) + 25, 11 * 365)
        ref = council.new_id("C")
        start = council.start - dt.timedelta(days=age)
        council.timeline.spawn(start, looked_after(council, ref, start, stock=True))
    for _ in range(cp):
        ref = council.new_id("C")
        discussed = council.working_day(council.start - dt.timedelta(days=rng.randint(20, 420)))
        council.timeline.spawn(discussed, child_protection(council, ref, discussed, stock=True))
    council.timeline.spawn(council.start, arrivals(council, lac_per_year=lac / 2.4, cp_per_year=cp * 1.2))


def arrivals(council: Council, *, lac_per_year: float, cp_per_year: float) -> Process:
    """New children over the period: looked-after episodes, section 47 enquiries, and strategy
    discussions that decided no enquiry was needed (no conference follows those)."""
    rng = council.rng("arrivals")
    rates = {"lac": lac_per_year / YEAR, "cp": cp_per_year / YEAR, "nfa": 0.4 * cp_per_year / YEAR}
    # Days after the start of the period, as floats: arrivals are several a day.
    next_at = {k: rng.expovariate(r) for k, r in rates.items()}
    while True:
        kind = min(next_at, key=lambda k: next_at[k])
        day = council.working_day(council.start + dt.timedelta(days=int(next_at[kind])))
        if day > council.until:
            return
        yield day
        next_at[kind] += rng.expovariate(rates[kind])
        ref = council.new_id("C")
        if kind == "lac":
            council.timeline.spawn(day, looked_after(council, ref, day, stock=False))
        elif kind == "cp":
            council.timeline.spawn(day, child_protection(council, ref, day, stock=False))
        else:
            council.record(day, ev.StrategyDiscussionHeld(child_ref=ref, held_on=day, section_47=False))
