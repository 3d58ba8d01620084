"""When a child's plans are open: looked-after episodes and child protection plans.

Shared by the write model (which refuses an event that would leave the child's history
inconsistent) and the read model (which computes the statutory schedule of the plan open at
a date). Both walk the child's facts in business-date order, so the answer is the same
whatever order the events were recorded in (decision 0200).

Looked after (R-LAC-1, R-LAC-7): becoming looked after opens an episode; becoming looked
after again while looked after continues the same period of care (the first date stands,
as in SSDA903 where a new episode row within a period of care does not restart it); ceasing
ends the open episode (both days count as looked after).

Child protection (R-CP-1, R-CP-2, R-CP-7): a strategy discussion or an initial conference
opens a CP plan (from the strategy discussion, a plan in the making); its initial
conference is the first one in it; an initial conference while the plan already has one
starts a new plan (the previous plan's end was not recorded; it closes that day); a plan
end closes the open plan (the end day still belongs to it). SPEC 9.2: a section 47 enquiry
concluded with no conference needed (R-CP-8) closes a plan in the making that day (a new
enquiry later opens a new one, with its own clock); an initial conference that made no plan
(R-CP-9) closes its plan on the day it was held, so nothing further is due.

Within a day: if a plan is open as the day starts, the day's reviews and midway reviews go
to it first, then an ending closes it, then the day's openings start the next plan; if
none is open, openings come first, so a plan can open and close on one day. A conference
that made no plan and an enquiry concluded with none needed come after the day's strategy
discussions (they conclude those enquiries too).

The refusals are only of events that no later event could make consistent, or that would
strand events already recorded, so that any consistent history can be recorded in any
order when each refused event is simply sent again later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from enum import IntEnum

import attrs


@attrs.frozen
class Problem:
    """Why a child's history would be inconsistent: the rule broken and a message."""

    rule: str
    message: str


class Fact(IntEnum):
    """Kinds of dated facts, in the order same-day facts are taken."""

    OPEN = 0  # became looked after / initial conference
    STRATEGY = 1  # strategy discussion (CP)
    REVIEW = 2  # looked-after review / review conference
    MIDWAY = 3
    CLOSE = 4  # ceased to be looked after / plan ended
    NO_PLAN = 5  # an initial conference that made no plan (CP, R-CP-9)
    CONCLUDED = 6  # a section 47 enquiry concluded with no conference needed (CP, R-CP-8)
    PLACED = 7  # placed for adoption (looked after, R-ADO-1): kept in the plan, changes no walk


#: A dated fact: (day, kind, payload). Payload: review id, IRO id, section 47 flag or None.
Dated = tuple[dt.date, Fact, object]


@attrs.define
class Plan:
    """One looked-after episode or CP plan as the walk found it.

    ``opens`` are the facts that opened or continued it (looked after: (day, IRO id));
    ``initial`` the CP initial conference (day, review id); ``reviews`` the looked-after
    reviews or CP review conferences (day, review id), in date order.
    """

    opened_on: dt.date
    ended_on: dt.date | None = None
    opens: list[tuple[dt.date, object]] = attrs.Factory(list)
    strategy: list[tuple[dt.date, object]] = attrs.Factory(list)
    initial: tuple[dt.date, object] | None = None
    reviews: list[tuple[dt.date, object]] = attrs.Factory(list)
    midways: list[dt.date] = attrs.Factory(list)
    #: looked after: the days the child was placed for adoption in this episode (R-ADO-1)
    placed: list[dt.date] = attrs.Factory(list)

    def review_days(self) -> list[dt.date]:
        """Every review day of the plan, the initial conference included."""
        return ([self.initial[0]] if self.initial else []) + [d for d, _ in self.reviews]


@attrs.frozen
class Walk:
    """The plans found (closed ones first, the open one last) and the first problem, if any."""

    plans: tuple[Plan, ...]
    problem: Problem | None

    @property
    def open_plan(self) -> Plan | None:
        return self.plans[-1] if self.plans and self.plans[-1].ended_on is None else None


#: Same-day order on a day that starts with no plan open: a plan may open and close that day.
_FROM_CLOSED = {
    Fact.OPEN: 0,
    Fact.STRATEGY: 1,
    Fact.NO_PLAN: 1.5,  # after the day's strategy discussions: it concludes their enquiry
    Fact.REVIEW: 2,
    Fact.MIDWAY: 3,
    Fact.PLACED: 3.5,
    Fact.CLOSE: 4,
    Fact.CONCLUDED: 5,
}
#: Same-day order on a day that starts with a plan open: the day's reviews belong to it; then
#: an ending closes it, and an opening that day starts the next plan (SSDA903 has periods of
#: care ending and starting again on one day).
_FROM_OPEN = {
    Fact.REVIEW: 0,
    Fact.MIDWAY: 1,
    Fact.PLACED: 1.5,  # after the day's review: a review on the day of placement comes before it
    Fact.CLOSE: 2,
    Fact.OPEN: 3,
    Fact.STRATEGY: 4,
    Fact.NO_PLAN: 4.5,
    Fact.CONCLUDED: 5,
}


def _in_order(facts: Iterable[Dated], plan_open: Callable[[], bool]) -> Iterator[Dated]:
    """The facts day by day; each day's order depends on whether a plan is open as it starts."""
    by_day: dict[dt.date, list[Dated]] = {}
    for fact in facts:
        by_day.setdefault(fact[0], []).append(fact)
    for day in sorted(by_day):
        group = by_day[day]
        if len(group) == 1:  # most days hold one fact: nothing to order
            yield group[0]
            continue
        order = _FROM_OPEN if plan_open() else _FROM_CLOSED
        yield from sorted(group, key=lambda f: (order[f[1]], repr(f[2])))


def _outside(plans: list[Plan], day: dt.date, what: str, rule_before: str, rule_after: str) -> Problem:
    ended = [p.ended_on for p in plans if p.ended_on is not None and p.ended_on < day]
    if ended:
        return Problem(rule_after, f"{what} on {day} falls after the plan ended on {max(ended)}")
    return Problem(rule_before, f"{what} on {day} falls when no plan was open")


def walk_looked_after(facts: Iterable[Dated]) -> Walk:
    """R-LAC-1, R-LAC-4, R-LAC-7 over a child's looked-after facts."""
    plans: list[Plan] = []
    current: Plan | None = None
    problem: Problem | None = None

    def note(found: Problem) -> None:
        nonlocal problem
        problem = problem or found

    def plan_open() -> bool:  # read as each day starts: the walk's state decides that day's order
        return current is not None

    for day, kind, payload in _in_order(facts, plan_open):
        if kind is Fact.OPEN:
            if current is None:
                current = Plan(day)
                plans.append(current)
            current.opens.append((day, payload))
        elif kind is Fact.CLOSE:
            if current is None:
                note(_outside(plans, day, "ceasing to be looked after", "R-LAC-7", "R-LAC-7"))
                continue
            current.ended_on, current = day, None
        elif kind is Fact.PLACED:
            if current is not None:  # outside an episode it changes no schedule
                current.placed.append(day)
        elif current is None:
            what = "a looked-after review" if kind is Fact.REVIEW else "a midway review"
            note(_outside(plans, day, what, "R-LAC-1" if kind is Fact.REVIEW else "R-LAC-4", "R-LAC-7"))
        elif kind is Fact.REVIEW:
            current.reviews.append((day, payload))
        elif kind is Fact.MIDWAY:
            if not any(d < day for d, _ in current.reviews):
                note(
                    Problem(
                        "R-LAC-4",
                        f"a midway review on {day} has no looked-after review before it in the "
                        f"episode that started on {current.opened_on}",
                    )
                )
            current.midways.append(day)
    return Walk(tuple(plans), problem)


def walk_child_protection(facts: Iterable[Dated]) -> Walk:
    """R-CP-1, R-CP-2, R-CP-4, R-CP-7 over a child's CP facts (initial conferences are OPEN)."""
    plans: list[Plan] = []
    current: Plan | None = None
    problem: Problem | None = None

    def note(found: Problem) -> None:
        nonlocal problem
        problem = problem or found

    def start(day: dt.date) -> Plan:
        plan = Plan(day)
        plans.append(plan)
        return plan

    def plan_open() -> bool:  # read as each day starts: the walk's state decides that day's order
        return current is not None

    for day, kind, payload in _in_order(facts, plan_open):
        if kind in (Fact.OPEN, Fact.NO_PLAN):
            if current is not None and current.initial is not None:
                current.ended_on = day  # its end was not recorded; the day's reviews were its last
                current = None
            current = current or start(day)
            current.initial = (day, payload)
            if kind is Fact.NO_PLAN:  # R-CP-9: no plan starts; nothing further is due
                current.ended_on, current = day, None
        elif kind is Fact.CONCLUDED:
            # R-CP-8: no conference is needed; the enquiry is over. With no plan in the making
            # (already closed by a conference or a plan end) it concludes nothing.
            if current is not None and current.initial is None:
                current.ended_on, current = day, None
        elif kind is Fact.STRATEGY:
            current = current or start(day)
            current.strategy.append((day, payload))
        elif kind is Fact.CLOSE:
            if current is None:
                note(_outside(plans, day, "the end of a CP plan", "R-CP-7", "R-CP-7"))
                continue
            current.ended_on, current = day, None
        else:
            found = _cp_follow_up(plans, current, day, kind, payload)
            if found is not None:
                note(found)
    return Walk(tuple(plans), problem)


def _cp_follow_up(
    plans: list[Plan], current: Plan | None, day: dt.date, kind: Fact, payload: object
) -> Problem | None:
    """A review conference or midway review into the open CP plan (R-CP-2, R-CP-4, R-CP-7):
    the problem if it has none to go to or precedes its initial conference."""
    what, rule = ("a review conference", "R-CP-2") if kind is Fact.REVIEW else ("a midway review", "R-CP-4")
    if current is None and plans:
        return _outside(plans, day, what, rule, "R-CP-7")
    problem = None
    if current is None or current.initial is None or current.initial[0] >= day:
        when = (
            f"on {current.initial[0]}, not before it" if current and current.initial else "none is recorded"
        )
        problem = Problem(rule, f"{what} on {day} must follow the plan's initial conference ({when})")
        if current is None:
            return problem
    if kind is Fact.REVIEW:
        current.reviews.append((day, payload))
    else:
        current.midways.append(day)
    return problem


def until(facts: Iterable[Dated], as_of: dt.date) -> list[Dated]:
    """The facts dated on or before ``as_of``."""
    return [f for f in facts if f[0] <= as_of]
