"""A child's reviews, as :mod:`.children` holds them: the team and social worker holding the
case, when a review is held, the IRO or CP Chair's quality assurance of it and the midway
review, and the actions agreed at it (completed on time, late or never: drift, which the chair
sometimes escalates)."""

from __future__ import annotations

import datetime as dt
import random

from .. import events as ev
from ..values import Action, EscalationReason, Participation, PlanKind, ReviewKind
from .council import Council
from .escalations import escalate
from .grades import grade_for
from .vocabulary import AREAS, PLAN_ACTIONS

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
