"""Complaints, compliments and feedback (framework 4.1-4.3; R-CMP-1..6).

Statutory complaints mostly get their stage 1 response within ten working days; some are
extended (to twenty), some answered late, a few withdrawn; about one in eight goes on to
stage 2 and a few to a stage 3 review panel. One in five is a corporate (non-statutory)
complaint, and a few arrive more than a year after the matter (late, R-CMP-4). Feedback
arrives through MOMO, conference forms, surveys and the online tool; forms collected on
paper are typed up in weekly batches, so many feedback events are recorded days late.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import events as ev
from ..values import Complainant, ComplaintStage, FeedbackChannel, FeedbackSource, Outcome
from .council import Council
from .timeline import Process
from .vocabulary import COMPLAINT_THEMES, COMPLIMENT_THEMES, FEEDBACK_THEMES, LEARNING

YEAR = 365.25
COMPLAINANTS = tuple(Complainant)
COMPLAINANT_WEIGHTS = (3, 10, 50, 10, 12, 5, 5, 5)
OUTCOMES = tuple(Outcome)
OUTCOME_WEIGHTS = (20, 30, 40, 10)
#: (source, channel) -> weight, and whether the channel is typed up in weekly batches
FEEDBACK_MIX = (
    (FeedbackSource.CHILD, FeedbackChannel.MOMO, 18, False),
    (FeedbackSource.YOUNG_PERSON, FeedbackChannel.MOMO, 16, False),
    (FeedbackSource.YOUNG_PERSON, FeedbackChannel.ADVOCATE, 4, True),
    (FeedbackSource.PARENT_CARER, FeedbackChannel.CONFERENCE_FORM, 20, True),
    (FeedbackSource.PARENT_CARER, FeedbackChannel.ONLINE_TOOL, 10, False),
    (FeedbackSource.PARTNER, FeedbackChannel.CONFERENCE_FORM, 12, True),
    (FeedbackSource.PARTNER, FeedbackChannel.SURVEY, 6, False),
    (FeedbackSource.STAFF, FeedbackChannel.SURVEY, 8, False),
    (FeedbackSource.CHILD, FeedbackChannel.CONSULTATION_FORM, 4, True),
    (FeedbackSource.PARENT_CARER, FeedbackChannel.OTHER, 2, False),
)


def _team(council: Council, rng: random.Random) -> str:
    teams = [t for t in council.teams if council.practitioners.get(t)]
    return rng.choice(teams)


def complaint(council: Council, day: dt.date, rng: random.Random) -> None:
    """One complaint's life from its receipt (events after the period are dropped)."""
    c = council
    complaint_id = c.new_id("CMP")
    team_id = _team(c, rng)
    statutory = rng.random() < 0.8
    matter = day - dt.timedelta(days=rng.randint(400, 900) if rng.random() < 0.03 else rng.randint(1, 120))
    rec = c.record(
        day,
        ev.ComplaintReceived(
            complaint_id=complaint_id,
            received_on=day,
            complainant=rng.choices(COMPLAINANTS, weights=COMPLAINANT_WEIGHTS)[0],
            service=c.teams[team_id].service,
            team_id=team_id,
            matter_on=matter,
            statutory=statutory,
            themes=tuple(rng.sample(COMPLAINT_THEMES, rng.randint(1, 2))),
        ),
    )
    if rec is None:
        return
    stage = ComplaintStage.STAGE_1
    entered = day
    limits = {
        ComplaintStage.STAGE_1: (10, 20),
        ComplaintStage.STAGE_2: (25, 65),
        ComplaintStage.STAGE_3: (30, 30),
    }
    if not statutory:
        limits[ComplaintStage.STAGE_1] = (20, 20)
    while True:
        base, extended_limit = limits[stage]
        r = rng.random()
        if r < 0.04:
            withdrawn = c.add_working_days(entered, rng.randint(1, base))
            c.record(
                withdrawn, ev.ComplaintWithdrawn(complaint_id=complaint_id, withdrawn_on=withdrawn), after=rec
            )
            return
        extend = statutory and stage is not ComplaintStage.STAGE_3 and rng.random() < 0.15
        if extend:
            extended_on = c.add_working_days(entered, rng.randint(2, base - 1))
            c.record(
                extended_on,
                ev.ComplaintTimescaleExtended(
                    complaint_id=complaint_id, stage=stage, extended_on=extended_on
                ),
                after=rec,
            )
            limit = extended_limit
        else:
            limit = base
        if rng.random() < 0.8:
            responded = c.add_working_days(entered, rng.randint(max(1, limit // 2), limit))
        else:
            responded = c.add_working_days(entered, limit + rng.randint(1, 15))
        if extend and responded < extended_on:
            responded = c.add_working_days(extended_on, 1)
        outcome = rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS)[0]
        if stage is ComplaintStage.STAGE_3:  # R-CMP-7: the panel, its report, then the response
            responded = _panel(c, complaint_id, entered, rec)
        c.record(
            responded,
            ev.ComplaintResponded(
                complaint_id=complaint_id,
                stage=stage,
                responded_on=responded,
                outcome=outcome,
                learning=(rng.choice(LEARNING),)
                if outcome in (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD)
                else (),
            ),
            after=rec,
        )
        if stage is ComplaintStage.STAGE_3:
            _ombudsman(c, complaint_id, responded, rec)
            return
        if not statutory or rng.random() > (0.13 if stage is ComplaintStage.STAGE_1 else 0.2):
            return
        stage = ComplaintStage.STAGE_2 if stage is ComplaintStage.STAGE_1 else ComplaintStage.STAGE_3
        entered = c.add_working_days(responded, rng.randint(3, 18))
        c.record(
            entered,
            ev.ComplaintEscalated(complaint_id=complaint_id, to_stage=stage, requested_on=entered),
            after=rec,
        )


def _panel(c: Council, complaint_id: str, entered: dt.date, rec: dt.date) -> dt.date:
    """A stage 3 review panel within 30 working days of the request, its report within 5 of
    the panel and the council's response within 15 of the report, now and then late
    (R-CMP-7); returns the response date. Its own random stream (the rest stays the same)."""
    rng = c.rng(complaint_id + ":panel")
    held = c.add_working_days(entered, rng.randint(15, 30))
    reported = c.add_working_days(held, rng.randint(2, 5) if rng.random() < 0.85 else rng.randint(6, 12))
    c.record(held, ev.ComplaintPanelHeld(complaint_id=complaint_id, held_on=held), after=rec)
    c.record(reported, ev.ComplaintPanelReported(complaint_id=complaint_id, reported_on=reported), after=rec)
    return c.add_working_days(reported, rng.randint(5, 15) if rng.random() < 0.85 else rng.randint(16, 25))


def _ombudsman(c: Council, complaint_id: str, responded: dt.date, rec: dt.date) -> None:
    """One in four stage 3 complainants goes on to the Local Government and Social Care Ombudsman."""
    rng = c.rng(complaint_id + ":ombudsman")
    if rng.random() < 0.25:
        referred = c.add_working_days(responded, rng.randint(10, 60))
        c.record(
            referred,
            ev.ComplaintReferredToOmbudsman(complaint_id=complaint_id, referred_on=referred),
            after=rec,
        )


def voice(council: Council, *, complaints: float, compliments: float, feedback: float) -> Process:
    """A week at a time: the complaints, compliments and feedback received that week."""
    rng = council.rng("voice")
    c = council
    week = c.start
    mix = [(s, ch, batch) for s, ch, _w, batch in FEEDBACK_MIX]
    weights = [w for _s, _ch, w, _b in FEEDBACK_MIX]
    teams = [t for t in c.teams if c.practitioners.get(t)]
    while week <= c.until:
        yield week
        days = [c.working_day(week + dt.timedelta(days=i)) for i in range(5)]
        batch_day = c.working_day(week + dt.timedelta(days=7 + rng.randint(0, 4)))
        for _ in range(_poisson(rng, complaints / 52)):
            complaint(c, rng.choice(days), rng)
        for _ in range(_poisson(rng, compliments / 52)):
            day = rng.choice(days)
            c.record(
                day,
                ev.ComplimentReceived(
                    compliment_id=c.new_id("CPL"),
                    received_on=day,
                    from_role=rng.choice(
                        (
                            FeedbackSource.PARENT_CARER,
                            FeedbackSource.YOUNG_PERSON,
                            FeedbackSource.PARTNER,
                            FeedbackSource.CHILD,
                        )
                    ),
                    team_id=rng.choice(teams),
                    themes=tuple(rng.sample(COMPLIMENT_THEMES, rng.randint(1, 2))),
                ),
            )
        for _ in range(_poisson(rng, feedback / 52)):
            day = rng.choice(days)
            source, channel, batched = rng.choices(mix, weights=weights)[0]
            rating = min(5, max(1, round(rng.gauss(3.9, 1.0)))) if rng.random() < 0.9 else None
            c.record(
                batch_day if batched else day,
                ev.FeedbackReceived(
                    feedback_id=c.new_id("FB", 7),
                    received_on=day,
                    source=source,
                    channel=channel,
                    team_id=rng.choice(teams) if rng.random() < 0.85 else None,
                    rating=rating,
                    themes=tuple(rng.sample(FEEDBACK_THEMES, rng.randint(0, 2))),
                ),
            )
        week += dt.timedelta(days=7)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (normal approximation above 30, Knuth's method below)."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, k, p = 2.718281828459045 ** (-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
