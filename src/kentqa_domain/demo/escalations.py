"""Escalations raised by IROs and CP Chairs when drift is noted (framework 4.3; R-ESC-1..5).

Most are answered within the stage's five working days and resolved inside the twenty-day
target; some responses are late, some escalations climb the stages (now and then skipping
one), a few are referred to Cafcass, and those raised near the end of the period are still
open, so the escalations dashboard has every state.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import events as ev
from ..values import EscalationReason, EscalationStage, Role
from .council import Council
from .vocabulary import ESCALATION_DETAILS

STAGES = tuple(EscalationStage)
RESPONSES = (
    "Actions re-allocated and dates agreed with the team manager",
    "Additional capacity agreed to progress the plan",
    "Service manager to chair a planning meeting",
    "Reports will be shared before the rearranged review",
)
OUTCOMES = (
    "Plan progressed; actions completed",
    "Review held; plan updated",
    "Resource agreed",
    "Practice concerns addressed in supervision",
)


def escalate(
    council: Council,
    rng: random.Random,
    *,
    raised_on: dt.date,
    raised_by: str,
    child_ref: str,
    team_id: str | None,
    reason: EscalationReason,
    after: dt.date | None = None,
    looked_after_until: dt.date | None = None,
) -> None:
    """Record one escalation's whole life from ``raised_on`` (events after the period are dropped).

    ``looked_after_until``: the last day the child is looked after (None: not looked after,
    e.g. on a CP plan). R-ESC-4 revised (SPEC 9.2): only then may it be referred to Cafcass;
    a referral drawn on another day is a resolution instead (the random draws are the same)."""
    escalation_id = council.new_id("ESC")
    stage = EscalationStage.INFORMAL if rng.random() < 0.65 else EscalationStage.TEAM_MANAGER
    raised_on = council.working_day(raised_on)
    rec = council.record(
        raised_on,
        ev.EscalationRaised(
            escalation_id=escalation_id,
            raised_by=raised_by,
            raised_on=raised_on,
            stage=stage,
            reason=reason,
            child_ref=child_ref,
            team_id=team_id,
            details=ESCALATION_DETAILS.get(reason.value, ""),
        ),
        after=after,
    )
    if rec is None:
        return
    day = raised_on
    for _round in range(3):
        r = rng.random()
        responded: dt.date | None = None
        if r < 0.78:
            responded = council.add_working_days(day, rng.randint(1, 5))
        elif r < 0.92:
            responded = council.add_working_days(day, rng.randint(6, 12))
        if responded is not None:
            responder = council.one_of(
                Role.TEAM_MANAGER if stage.rank <= 1 else Role.SERVICE_MANAGER, responded, rng
            )
            council.record(
                responded,
                ev.EscalationResponded(
                    escalation_id=escalation_id,
                    responded_on=responded,
                    by=responder,
                    response=rng.choice(RESPONSES),
                ),
                after=rec,
            )
            day = responded
        r = rng.random()
        if r < 0.25 and stage is not EscalationStage.DIRECTOR:
            step = 2 if rng.random() < 0.2 and stage.rank + 2 < len(STAGES) else 1
            stage = STAGES[stage.rank + step]
            day = council.add_working_days(day, rng.randint(2, 8))
            council.record(
                day,
                ev.EscalationProgressed(escalation_id=escalation_id, to_stage=stage, progressed_on=day),
                after=rec,
            )
            continue
        if r < 0.27:
            day = council.add_working_days(day, rng.randint(2, 10))
            ending: ev.Event = (
                ev.EscalationReferredToCafcass(escalation_id=escalation_id, referred_on=day)
                if looked_after_until is not None and day <= looked_after_until
                else ev.EscalationResolved(escalation_id=escalation_id, resolved_on=day, outcome=OUTCOMES[0])
            )
            council.record(day, ending, after=rec)
            return
        if r < 0.97:
            day = council.add_working_days(day, rng.randint(1, 12))
            council.record(
                day,
                ev.EscalationResolved(
                    escalation_id=escalation_id, resolved_on=day, outcome=rng.choice(OUTCOMES)
                ),
                after=rec,
            )
        return
    day = council.add_working_days(day, rng.randint(3, 15))
    council.record(
        day,
        ev.EscalationResolved(escalation_id=escalation_id, resolved_on=day, outcome=rng.choice(OUTCOMES)),
        after=rec,
    )
