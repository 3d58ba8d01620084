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

from .. import events as ev
from ..calendar import add_months
from ..values import LegalStatus, ReviewKind, Role
from .allocation import Allocation, assign_chair, iro_changes, iro_named_at_start
from .council import Case, Council
from .reviews import _held, _review, _team, _worker
from .timeline import Process
from .vocabulary import CASE_HOLDING, CP_HOLDING

YEAR = 365.25


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
