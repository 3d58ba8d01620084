"""A worker's observation standing on a date, read from their facts (R-OBS-1..5; SPEC 9.3).

No replay: a few bisections of the worker's document (:class:`~.facts.WorkerFacts`). Due dates
and statuses are computed here at query time from the facts, the policy and ``as_of``
(:mod:`.due`), so a policy change needs no rebuild. R-OBS-1 (ASYE), R-OBS-2 (annual), R-OBS-3
(support), R-OBS-4 (reflection missed), R-OBS-5 (status; meeting observations never count;
leavers drop out from their leaving date; movers count under the new team from the move
date). Events dated after ``as_of`` are ignored (an ``ASYEExtended`` without ``extended_on``
holds on every day: decision 0991).

Staff over a career (SPEC 9.3, decisions 0990-0992): a worker is *in scope* on a day when they
are in post (registered, and not between a leaving and the rejoining after it) and their role
that day is practitioner. Their schedule runs from the start of the stretch in scope that
holds the day, as a new joiner's would: a rejoining, or a change back to practitioner,
restarts it (observations, support flags and missed reflections before that start do not
count). A promotion leaves R-OBS-1..3 from its date. An extension stretches R-OBS-1's review
points to its new end; a failed ASYE (``ASYECompleted(passed=False)``) flags the worker for
support (R-OBS-3) from its date, at the policy's interval (6 months by default).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right

from ...policy import Policy
from ...values import ExperienceLevel, Role
from .due import annual_due, asye_due, status_on, support_due
from .facts import CLEAR, FLAG, WorkerFacts, date_or_none, day_of
from .rows import ObservationComplianceRow, Requirement


def compliance_row(w: WorkerFacts, as_of: dt.date, policy: Policy) -> ObservationComplianceRow | None:
    """The R-OBS-1..5 row of worker ``w`` on ``as_of``; None unless a current practitioner.

    SPEC 9.3: the schedule runs from the start of the stretch in scope holding ``as_of``
    (decision 0990); before a first stretch that starts at registration nothing is cut off,
    as before that release.
    """
    day = as_of.toordinal()
    if not w.current_on(day) or w.role_on(day) is not Role.PRACTITIONER:
        return None
    begun = w.scope_start(day)
    low = None if begun == w.registered_on else begun
    first = bisect_left(w.practice, low) if low is not None else 0
    seen = bisect_right(w.practice, day)
    latest = day_of(w.practice[seen - 1]) if seen > first else None
    in_asye = w.experience is ExperienceLevel.ASYE and (
        w.asye_completed_on is None or w.asye_completed_on > day
    )
    if in_asye:
        if low is not None:
            start = low
        else:
            start = w.asye_started_on if w.asye_started_on is not None else w.registered_on
        # R-OBS-1 counts practice observations dated start..as_of. When the ASYE starts
        # after as_of, that range is empty: the observations before start can outnumber
        # those up to as_of, and the plain difference would go negative.
        counted = max(0, seen - bisect_left(w.practice, start))
        requirement = Requirement.ASYE
        due = asye_due(day_of(start), counted, latest, policy, date_or_none(w.asye_extended_to(day)))
    else:
        requirement = Requirement.ANNUAL
        due = annual_due(latest, day_of(begun), policy)
    flag = support_on(w, day)
    if flag is not None and low is not None and flag[0] < low:
        flag = None  # decision 0990: a flag of an earlier stretch does not carry over
    if flag is not None:
        requirement = Requirement.SUPPORT
        due = support_due(latest, day_of(flag[0]), flag[1] or None, due, policy)
    return ObservationComplianceRow(
        worker_id=w.worker_id,
        team_id=w.team_on(day),
        requirement=requirement,
        last_observed_on=latest,
        next_due_on=due,
        status=status_on(due, as_of, policy),
        reflection_missed=bisect_right(w.missed, day) > (bisect_left(w.missed, low) if low else 0),
    )


def support_on(w: WorkerFacts, day: int) -> tuple[int, int] | None:
    """R-OBS-3: (flag day, interval or 0) of the flag in force on ``day``, None if not flagged."""
    i = bisect_right(w.support, (day, CLEAR, 13))
    if not i or w.support[i - 1][1] != FLAG:
        return None
    return w.support[i - 1][0], w.support[i - 1][2]
