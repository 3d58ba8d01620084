"""Hypothesis strategies: whole, valid staff-and-observation histories (R-OBS-1..5).

A history is a list of events every one of which recording accepts, whatever order they
come in, as long as a subject is registered before what refers to it
(:func:`respecting_references`). Dates cluster on month ends and around leap days, where
month arithmetic goes wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.values import ObservationArea

FIRST, LAST = dt.date(2023, 1, 1), dt.date(2027, 12, 31)
TEAMS = (
    ("T1", "Children's Social Work", "East"),
    ("T2", "Children's Social Work", "West"),
    ("T3", "Early Help", "East"),
)
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
AREAS = tuple(a.value for a in ObservationArea)

month_ends = st.builds(
    lambda y, m: dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1),
    st.integers(2023, 2027),
    st.integers(1, 12),
)
leap_days = st.sampled_from(
    [dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2024, 8, 29)]
)
days = st.one_of(st.dates(FIRST, LAST), month_ends, leap_days)


def days_from(low: dt.date) -> st.SearchStrategy[dt.date]:
    """A day on or after ``low``: often ``low`` itself, a month end or a leap day after it."""
    return st.integers(0, 800).map(lambda n: low + dt.timedelta(days=n)) | days.map(lambda d: max(d, low))


@st.composite
def review_day(draw: st.DrawFn, observed_on: dt.date, supervised: Sequence[dt.date]) -> dt.date:
    """A reflective review's day: often on, or a day either side of, a supervision after the
    observation (the R-OBS-4 edge), else up to 60 days after the observation.
    """
    after = [d for d in supervised if d >= observed_on]
    if after and draw(st.booleans()):
        day = draw(st.sampled_from(after)) + dt.timedelta(days=draw(st.integers(-1, 1)))
        return max(day, observed_on)
    return observed_on + dt.timedelta(days=draw(st.integers(0, 60)))


@st.composite
def worker_history(draw: st.DrawFn, worker_id: str) -> list[ev.Event]:
    """One worker's registration and lifecycle, observations and their follow-ups."""
    role = draw(st.sampled_from(["practitioner"] * 6 + ["team_manager", "service_manager", "qa_unit"]))
    experience = draw(st.sampled_from(["asye", "experienced"]))
    registered_on = draw(days.map(lambda d: min(d, dt.date(2026, 6, 30))))
    asye_started_on = None
    if experience == "asye" and draw(st.booleans()):
        asye_started_on = registered_on + dt.timedelta(days=draw(st.integers(-60, 60)))
    team_id = draw(st.sampled_from([t[0] for t in TEAMS]))
    out: list[ev.Event] = [
        ev.WorkerRegistered(
            worker_id=worker_id,
            team_id=team_id,
            role=role,
            experience=experience,
            registered_on=registered_on,
            asye_started_on=asye_started_on,
        )
    ]
    activity: list[dt.date] = []
    for moved_on in draw(st.lists(days_from(registered_on), max_size=2, unique=True)):
        out.append(
            ev.WorkerMoved(
                worker_id=worker_id, team_id=draw(st.sampled_from([t[0] for t in TEAMS])), moved_on=moved_on
            )
        )
        activity.append(moved_on)
    supervised = draw(st.lists(days_from(registered_on - dt.timedelta(days=30)), max_size=5, unique=True))
    observed = draw(st.lists(days_from(registered_on - dt.timedelta(days=90)), max_size=5))
    if observed and supervised and draw(st.booleans()):
        supervised.append(observed[0])  # a supervision on an observation's day is not "after" it
        supervised = sorted(set(supervised))
    for held_on in supervised:
        out.append(ev.SupervisionHeld(worker_id=worker_id, supervisor_id="M1", held_on=held_on))
        activity.append(held_on)
    for n, observed_on in enumerate(observed):
        oid = f"{worker_id}-O{n}"
        judged = draw(st.lists(st.sampled_from(AREAS), max_size=4, unique=True))
        out.append(
            ev.ObservationRecorded(
                observation_id=oid,
                worker_id=worker_id,
                observer_id="M1",
                observed_on=observed_on,
                setting=draw(st.sampled_from(["practice", "practice", "meeting"])),
                judgements={a: draw(st.sampled_from(GRADES)) for a in judged},
                overall=draw(st.sampled_from(GRADES)),
            )
        )
        activity.append(observed_on)
        if draw(st.booleans()):
            out.append(
                ev.ObservationShared(
                    observation_id=oid, shared_on=observed_on + dt.timedelta(days=draw(st.integers(0, 20)))
                )
            )
        if draw(st.booleans()):
            out.append(
                ev.ReflectiveReviewHeld(observation_id=oid, held_on=draw(review_day(observed_on, supervised)))
            )
    for flagged_on in draw(st.lists(days, max_size=2, unique=True)):
        out.append(
            ev.SupportNeedFlagged(
                worker_id=worker_id,
                flagged_on=flagged_on,
                interval_months=draw(st.none() | st.integers(1, 12)),
            )
        )
    for cleared_on in draw(st.lists(days, max_size=2, unique=True)):
        out.append(ev.SupportNeedCleared(worker_id=worker_id, cleared_on=cleared_on))
    if experience == "asye" and draw(st.booleans()):
        start = asye_started_on or registered_on
        out.append(
            ev.ASYECompleted(
                worker_id=worker_id, completed_on=draw(days_from(start)), passed=draw(st.booleans())
            )
        )
    # SPEC 9.3: role changes in post, leaving, rejoining (maybe leaving again), an extension.
    careers = draw(st.integers(0, 5))
    start = asye_started_on or registered_on
    roles = ["practitioner", "practitioner", "team_manager", "qa_unit"]
    for changed_on in draw(
        st.lists(days_from(registered_on + dt.timedelta(days=1)), max_size=2, unique=True)
    ):
        if careers and changed_on not in activity:
            out.append(
                ev.WorkerRoleChanged(
                    worker_id=worker_id, role=draw(st.sampled_from(roles)), changed_on=changed_on
                )
            )
            activity.append(changed_on)
    if draw(st.integers(0, 3)) == 0 or careers >= 3:
        left_on = draw(days_from(max([registered_on, *activity])))
        out.append(ev.WorkerLeft(worker_id=worker_id, left_on=left_on))
        if careers >= 3:
            back = left_on + dt.timedelta(days=draw(st.integers(1, 400)))
            new_role = draw(st.none() | st.sampled_from(roles))
            out.append(
                ev.WorkerRejoined(
                    worker_id=worker_id,
                    team_id=draw(st.sampled_from([t[0] for t in TEAMS])),
                    rejoined_on=back,
                    role=new_role,
                )
            )
            start = max(start, back)
            later: list[dt.date] = [back]
            for n, observed_on in enumerate(draw(st.lists(days_from(back), max_size=3))):
                oid = f"{worker_id}-R{n}"
                out.append(
                    ev.ObservationRecorded(
                        observation_id=oid,
                        worker_id=worker_id,
                        observer_id="M1",
                        observed_on=observed_on,
                        setting=draw(st.sampled_from(["practice", "practice", "meeting"])),
                        judgements={},
                        overall=draw(st.sampled_from(GRADES)),
                    )
                )
                later.append(observed_on)
                if draw(st.booleans()):
                    out.append(
                        ev.ReflectiveReviewHeld(
                            observation_id=oid,
                            held_on=observed_on + dt.timedelta(days=draw(st.integers(0, 60))),
                        )
                    )
            for held_on in draw(st.lists(days_from(back), max_size=2, unique=True)):
                out.append(ev.SupervisionHeld(worker_id=worker_id, supervisor_id="M2", held_on=held_on))
                later.append(held_on)
            changed = back + dt.timedelta(days=draw(st.integers(1, 300)))
            if careers == 5:  # a promotion (or another change) in the new employment
                out.append(
                    ev.WorkerRoleChanged(
                        worker_id=worker_id, role=draw(st.sampled_from(roles)), changed_on=changed
                    )
                )
                later.append(changed)
            if draw(st.booleans()):
                out.append(ev.WorkerLeft(worker_id=worker_id, left_on=draw(days_from(max(later)))))
    if experience == "asye" and careers and draw(st.booleans()):
        # One extension, past the natural end of the latest ASYE start (valid in any order).
        extended_to = _months(start, 12) + dt.timedelta(days=draw(st.integers(1, 300)))
        extended_on = draw(st.none() | st.dates(registered_on, extended_to))
        out.append(
            ev.ASYEExtended(
                worker_id=worker_id, extended_to=extended_to, reason="Absence", extended_on=extended_on
            )
        )
    return out


def _months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@st.composite
def histories(draw: st.DrawFn, max_workers: int = 5) -> list[ev.Event]:
    """Teams, then 1..max_workers workers' histories, in a valid recording order."""
    out: list[ev.Event] = [ev.TeamRegistered(team_id=t, name=t, service=s, area=a) for t, s, a in TEAMS]
    for n in range(draw(st.integers(1, max_workers))):
        out.extend(draw(worker_history(f"W{n}")))
    return out


as_of_days = st.one_of(st.dates(FIRST, LAST + dt.timedelta(days=400)), month_ends, leap_days)


def _key(event: ev.Event) -> str | None:
    if isinstance(event, ev.TeamRegistered):
        return f"team:{event.team_id}"
    if isinstance(event, ev.WorkerRegistered):
        return f"worker:{event.worker_id}"
    if isinstance(event, ev.ObservationRecorded):
        return f"observation:{event.observation_id}"
    if isinstance(event, ev.WorkerLeft):
        return f"left:{event.worker_id}:{event.left_on}"
    if isinstance(event, ev.WorkerRejoined):
        return f"rejoined:{event.worker_id}:{event.rejoined_on}"
    return None


#: What needs the worker in post on its day (after a rejoining, it waits for it).
_AT_WORK = (ev.WorkerMoved, ev.ObservationRecorded, ev.SupervisionHeld, ev.WorkerRoleChanged, ev.WorkerLeft)


def _needs(event: ev.Event, rejoins: dict[str, list[dt.date]], leaves: dict[str, list[dt.date]]) -> set[str]:
    needs = set()
    if isinstance(event, (ev.WorkerRegistered, ev.WorkerMoved, ev.WorkerRejoined)):
        needs.add(f"team:{event.team_id}")
    if not isinstance(event, ev.WorkerRegistered) and hasattr(event, "worker_id"):
        needs.add(f"worker:{event.worker_id}")
    if isinstance(event, (ev.ObservationShared, ev.ReflectiveReviewHeld)):
        needs.add(f"observation:{event.observation_id}")
    if isinstance(event, ev.WorkerRejoined):  # SPEC 9.3: after the leaving before it
        left = max(d for d in leaves[event.worker_id] if d < event.rejoined_on)
        needs.add(f"left:{event.worker_id}:{left}")
    if isinstance(event, _AT_WORK):  # in a later employment: after its rejoining
        back = [d for d in rejoins.get(event.worker_id, ()) if d <= event.business_date]
        if back:
            needs.add(f"rejoined:{event.worker_id}:{max(back)}")
    return needs


def respecting_references(events: Iterable[ev.Event]) -> list[ev.Event]:
    """The events in the given order, except that each waits until what it refers to is in."""
    events = list(events)
    rejoins: dict[str, list[dt.date]] = {}
    leaves: dict[str, list[dt.date]] = {}
    for e in events:
        if isinstance(e, ev.WorkerRejoined):
            rejoins.setdefault(e.worker_id, []).append(e.rejoined_on)
        if isinstance(e, ev.WorkerLeft):
            leaves.setdefault(e.worker_id, []).append(e.left_on)
    done: set[str] = set()
    waiting: list[ev.Event] = []
    out: list[ev.Event] = []

    def emit(event: ev.Event) -> None:
        out.append(event)
        key = _key(event)
        if key:
            done.add(key)

    for event in events:
        waiting.append(event)
        progress = True
        while progress:
            progress = False
            for w in list(waiting):
                if _needs(w, rejoins, leaves) <= done:
                    waiting.remove(w)
                    emit(w)
                    progress = True
    assert not waiting, "a history refers to something it never registers"
    return out


def shuffled(events: Sequence[ev.Event], permutation: Sequence[int]) -> list[ev.Event]:
    return [events[i] for i in permutation]


@st.composite
def days_near(draw: st.DrawFn, events: Sequence[ev.Event]) -> dt.date:
    """An as-of date where something happens: near an event's date, or a due date it sets
    (3, 6, 11 or 12 months on), up to 40 days before or after: due-soon and overdue edges.
    """
    anchors = (
        ev.WorkerRegistered,
        ev.ObservationRecorded,
        ev.SupportNeedFlagged,
        ev.ASYECompleted,
        ev.WorkerRejoined,
        ev.WorkerRoleChanged,
    )
    dated = [e.business_date for e in events if not isinstance(e, ev.TeamRegistered)]
    starts = [e.business_date for e in events if isinstance(e, anchors)]
    starts += [e.asye_started_on for e in events if isinstance(e, ev.WorkerRegistered) and e.asye_started_on]
    if not dated or draw(st.integers(0, 5)) == 0:
        return draw(as_of_days)
    base = draw(st.sampled_from(starts if draw(st.integers(0, 4)) else dated))
    months = draw(st.sampled_from([0, 3, 6, 11, 12]))
    index = base.month - 1 + months
    year, month = base.year + index // 12, index % 12 + 1
    anchor = dt.date(year, month, 1) + dt.timedelta(days=min(base.day, 28) - 1)
    return anchor + dt.timedelta(days=draw(st.integers(-40, 40)))


@st.composite
def scenarios(draw: st.DrawFn, days: int = 3) -> tuple[list[ev.Event], list[dt.date]]:
    """A history and ``days`` as-of dates chosen to fall where its rules have edges."""
    events = draw(histories())
    return events, [draw(days_near(events)) for _ in range(days)]
