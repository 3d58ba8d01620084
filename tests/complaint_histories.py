"""Complaint and voice test material: valid histories, causal shuffles and plain oracles.

The oracles are deliberately naive, written from SPEC section 4 (R-CMP-1..6) and 9.2
(R-CMP-7: the panel, its report in 5 working days, the response 15 after it; the Ombudsman) without the
library's calendar or projections: working days are counted one date at a time against the
``holidays`` package, and every figure is a loop over the event list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import holidays
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.values import (
    Complainant,
    ComplaintStage,
    FeedbackChannel,
    FeedbackSource,
    Outcome,
)

S1, S2, S3 = ComplaintStage.STAGE_1, ComplaintStage.STAGE_2, ComplaintStage.STAGE_3
#: The two teams of tests.conftest.organisation(), with their services.
TEAMS = {"T-EAST-1": "Children's Social Work", "T-WEST-1": "Early Help"}
THEMES = ("communication", "delay", "assessment", "contact", "listened_to", "placement")

#: SPEC section 4: working days per stage, (normal, extended); corporate route R-CMP-6.
STATUTORY_DAYS = {S1: (10, 20), S2: (25, 65), S3: (30, 30)}
CORPORATE_DAYS = 20
#: SPEC 9.2, R-CMP-7: the panel's report after the panel, the council's response after the report.
REPORT_DAYS, STAGE_3_RESPONSE_DAYS = 5, 15

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2014, 2040))


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    """The naive definition: step a day at a time, counting weekdays that are not bank holidays."""
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in _BANK_HOLIDAYS:
            n -= 1
    return day


def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later; 29 Feb becomes 28 Feb."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


# --- a worked scenario (hand-checked dates in the comments) -----------------------------------

#: Managers and the QA unit, for R-ACC-1 scoping (teams from tests.conftest.organisation()).
STAFF = [
    {
        "type": "WorkerRegistered",
        "worker_id": "TM1",
        "team_id": "T-EAST-1",
        "role": "team_manager",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "SM2",
        "team_id": "T-WEST-1",
        "role": "service_manager",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "QA1",
        "team_id": "T-EAST-1",
        "role": "qa_unit",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
]


#: Complaints across Christmas 2026 and Easter 2027, and some voice, in two teams.
SCENARIO: list[dict[str, Any]] = [
    # K1: statutory, East. Received Fri 18 Dec 2026 -> stage 1 due Wed 6 Jan 2027 (10 working
    # days skipping 25 Dec, 28 Dec and 1 Jan); extended on 5 Jan -> due Wed 20 Jan.
    {
        "type": "ComplaintReceived",
        "complaint_id": "K1",
        "received_on": "2026-12-18",
        "complainant": "parent_carer",
        "service": "Children's Social Work",
        "team_id": "T-EAST-1",
        "matter_on": "2026-11-30",
        "themes": ["communication", "delay"],
    },
    {
        "type": "ComplaintTimescaleExtended",
        "complaint_id": "K1",
        "stage": "stage_1",
        "extended_on": "2027-01-05",
    },
    {
        "type": "ComplaintResponded",
        "complaint_id": "K1",
        "stage": "stage_1",
        "responded_on": "2027-01-19",
        "outcome": "partially_upheld",
        "learning": ["Return calls within a day"],
        "actions": ["Duty rota reviewed"],
    },
    # Stage 2 requested Thu 11 Mar 2027 -> due Mon 19 Apr (25 working days skipping Good
    # Friday 26 Mar and Easter Monday 29 Mar); answered late on Tue 20 Apr.
    {"type": "ComplaintEscalated", "complaint_id": "K1", "to_stage": "stage_2", "requested_on": "2027-03-11"},
    {
        "type": "ComplaintResponded",
        "complaint_id": "K1",
        "stage": "stage_2",
        "responded_on": "2027-04-20",
        "outcome": "upheld",
        "learning": ["Plans shared with parents before conferences"],
        "actions": ["Practice note issued"],
    },
    # Stage 3 requested Thu 6 May 2027 -> panel due Fri 18 Jun: Fri 7 May (1), 10-14 May
    # (2-6), 17-21 (7-11), 24-28 (12-16), [Spring bank holiday Mon 31 May], 1-4 Jun (17-20),
    # 7-11 Jun (21-25), 14-18 Jun (26-30).
    {"type": "ComplaintEscalated", "complaint_id": "K1", "to_stage": "stage_3", "requested_on": "2027-05-06"},
    # K2: corporate (a child protection matter), West, received Thu 17 Dec 2026 -> due Tue 19
    # Jan 2027 (20 working days); answered on time on 15 Jan.
    {
        "type": "ComplaintReceived",
        "complaint_id": "K2",
        "received_on": "2026-12-17",
        "complainant": "parent_carer",
        "service": "Early Help",
        "team_id": "T-WEST-1",
        "statutory": False,
        "themes": ["communication"],
    },
    {
        "type": "ComplaintResponded",
        "complaint_id": "K2",
        "stage": "stage_1",
        "responded_on": "2027-01-15",
        "outcome": "not_upheld",
    },
    # K3: late (matter of 10 Jan 2026, received 14 Jan 2027), withdrawn 20 Jan.
    {
        "type": "ComplaintReceived",
        "complaint_id": "K3",
        "received_on": "2027-01-14",
        "complainant": "young_person",
        "service": "Children's Social Work",
        "team_id": "T-EAST-1",
        "matter_on": "2026-01-10",
        "themes": ["placement"],
    },
    {"type": "ComplaintWithdrawn", "complaint_id": "K3", "withdrawn_on": "2027-01-20"},
    # Voice in the same quarter.
    {
        "type": "FeedbackReceived",
        "feedback_id": "F1",
        "received_on": "2027-01-11",
        "source": "child",
        "channel": "momo",
        "team_id": "T-EAST-1",
        "rating": 2,
        "themes": ["communication"],
    },
    {
        "type": "ComplimentReceived",
        "compliment_id": "C1",
        "received_on": "2027-02-02",
        "from_role": "parent_carer",
        "team_id": "T-WEST-1",
        "themes": ["support"],
    },
]


# --- valid histories --------------------------------------------------------------------------

gaps = st.integers(0, 40).map(lambda n: dt.timedelta(days=n))


@st.composite
def complaint_history(draw: st.DrawFn, complaint_id: str) -> list[ev.Event]:
    """One complaint whose events are consistent by business date (any recording order that
    respects causes must be accepted)."""
    received_on = draw(st.dates(dt.date(2026, 9, 1), dt.date(2027, 6, 30)))
    statutory = draw(st.booleans() | st.just(True))
    team_id = draw(st.sampled_from([*TEAMS, None]))
    service = TEAMS[team_id] if team_id else draw(st.sampled_from(["Fostering", "Adoption"]))
    matter_on = draw(st.none() | st.integers(0, 500).map(lambda n: received_on - dt.timedelta(days=n)))
    themes = draw(st.lists(st.sampled_from(THEMES), max_size=3).map(tuple))
    out: list[ev.Event] = [
        ev.ComplaintReceived(
            complaint_id=complaint_id,
            received_on=received_on,
            complainant=draw(st.sampled_from(list(Complainant))),
            service=service,
            team_id=team_id,
            matter_on=matter_on,
            statutory=statutory,
            themes=themes,
        )
    ]
    cursor = received_on
    for stage in (S1, S2, S3) if statutory else (S1,):
        if stage is not S1:
            if not draw(st.booleans()):
                break
            cursor += draw(gaps)
            out.append(ev.ComplaintEscalated(complaint_id=complaint_id, to_stage=stage, requested_on=cursor))
        if statutory and stage is not S3 and draw(st.booleans()):
            cursor += draw(gaps)
            out.append(
                ev.ComplaintTimescaleExtended(complaint_id=complaint_id, stage=stage, extended_on=cursor)
            )
        if stage is S3 and draw(st.booleans()):  # R-CMP-7: the panel, then perhaps its report
            cursor += draw(gaps)
            out.append(ev.ComplaintPanelHeld(complaint_id=complaint_id, held_on=cursor))
            if draw(st.booleans()):
                cursor += draw(st.integers(0, 12).map(lambda n: dt.timedelta(days=n)))
                out.append(ev.ComplaintPanelReported(complaint_id=complaint_id, reported_on=cursor))
        if draw(st.booleans()):
            cursor += draw(gaps)
            out.append(
                ev.ComplaintResponded(
                    complaint_id=complaint_id,
                    stage=stage,
                    responded_on=cursor,
                    outcome=draw(st.sampled_from(list(Outcome))),
                    learning=draw(st.lists(st.sampled_from(["listen", "explain"]), max_size=1).map(tuple)),
                    actions=draw(st.lists(st.sampled_from(["train", "audit"]), max_size=1).map(tuple)),
                )
            )
    ending = draw(st.sampled_from(["none", "withdrawn", "ombudsman"]))
    if ending == "withdrawn":
        cursor += draw(gaps)
        out.append(ev.ComplaintWithdrawn(complaint_id=complaint_id, withdrawn_on=cursor))
    elif ending == "ombudsman":
        referred_on = oracle_referral_from(out, cursor)
        if referred_on is not None:
            referred_on += draw(gaps)
            out.append(ev.ComplaintReferredToOmbudsman(complaint_id=complaint_id, referred_on=referred_on))
    return out


def oracle_referral_from(events: Sequence[ev.Event], latest: dt.date) -> dt.date | None:
    """R-CMP-7 (decision 0960), from SPEC's words: the first day a referral of this one
    complaint's ``events`` is accepted (not before ``latest``, its latest fact), or None
    (a stage 1 or 2 answered and the next not requested)."""
    received = next(e for e in events if isinstance(e, ev.ComplaintReceived))
    final = S3 if received.statutory else S1
    responded = {e.stage for e in events if isinstance(e, ev.ComplaintResponded)}
    if final in responded:
        return latest
    [row] = oracle_register(events, dt.date.max)
    stage = ComplaintStage(row["stage"])
    if stage in responded:
        return None
    return max(latest, row["due_on"] + dt.timedelta(days=1))


@st.composite
def complaint_histories(draw: st.DrawFn, max_complaints: int = 6) -> list[ev.Event]:
    n = draw(st.integers(1, max_complaints))
    return [e for i in range(n) for e in draw(complaint_history(f"K{i + 1}"))]


def _needs(event: ev.Event) -> tuple[str, ...] | None:
    """What must be recorded before ``event``: its complaint, the stage it belongs to, the
    panel (a report), or (a referral, decision 0960) every other fact of its complaint."""
    if isinstance(event, ev.ComplaintReceived):
        return None
    cid = event.complaint_id  # type: ignore[attr-defined]
    if isinstance(event, ev.ComplaintWithdrawn):
        return ("received", cid)
    if isinstance(event, ev.ComplaintPanelHeld):
        return ("stage", cid, S3.value)
    if isinstance(event, ev.ComplaintPanelReported):
        return ("panel", cid)
    if isinstance(event, ev.ComplaintReferredToOmbudsman):
        return ("all", cid)
    if isinstance(event, ev.ComplaintEscalated):
        return ("stage", cid, S2.value) if event.to_stage is S3 else ("received", cid)
    stage = event.stage  # type: ignore[attr-defined]
    return ("received", cid) if stage is S1 else ("stage", cid, stage.value)


def _gives(event: ev.Event) -> set[tuple[str, ...]]:
    if isinstance(event, ev.ComplaintReceived):
        return {("received", event.complaint_id)}
    if isinstance(event, ev.ComplaintEscalated):
        return {("stage", event.complaint_id, event.to_stage.value)}
    if isinstance(event, ev.ComplaintPanelHeld):
        return {("panel", event.complaint_id)}
    return set()


def causal_order(events: Sequence[ev.Event]) -> list[ev.Event]:
    """``events`` in their given order, except that each waits for what it follows up."""
    done: set[tuple[str, ...]] = set()
    out: list[ev.Event] = []
    waiting: list[ev.Event] = []
    left = Counter(e.complaint_id for e in events)  # type: ignore[attr-defined]
    for event in events:
        waiting.append(event)
        progress = True
        while progress:
            progress = False
            for item in list(waiting):
                need = _needs(item)
                if need is None or need in done or (need[0] == "all" and left[need[1]] == 1):
                    waiting.remove(item)
                    out.append(item)
                    left[item.complaint_id] -= 1  # type: ignore[attr-defined]
                    done |= _gives(item)
                    progress = True
    assert not waiting, waiting
    return out


_RANK = {
    ev.ComplaintReceived: 0,
    ev.ComplaintEscalated: 1,
    ev.ComplaintTimescaleExtended: 2,
    ev.ComplaintPanelHeld: 3,
    ev.ComplaintPanelReported: 4,
    ev.ComplaintResponded: 5,
    ev.ComplaintWithdrawn: 6,
    ev.ComplaintReferredToOmbudsman: 7,
}


def business_order(events: Iterable[ev.Event]) -> list[ev.Event]:
    """By business date; on one day, receipt, requests, extensions, panels, reports,
    responses, withdrawals, referrals."""

    def key(e: ev.Event) -> tuple[Any, ...]:
        stage = getattr(e, "to_stage", None) or getattr(e, "stage", None)
        return (e.business_date, _RANK.get(type(e), 9), stage.rank if stage else 0)

    return sorted(events, key=key)


# --- oracles ----------------------------------------------------------------------------------


def _received(events: Iterable[ev.Event]) -> dict[str, ev.ComplaintReceived]:
    return {e.complaint_id: e for e in events if isinstance(e, ev.ComplaintReceived)}


def _stage_starts(events: Iterable[ev.Event]) -> dict[tuple[str, ComplaintStage], dt.date]:
    starts: dict[tuple[str, ComplaintStage], dt.date] = {}
    for e in events:
        if isinstance(e, ev.ComplaintReceived):
            starts[(e.complaint_id, S1)] = e.received_on
        elif isinstance(e, ev.ComplaintEscalated):
            starts[(e.complaint_id, e.to_stage)] = e.requested_on
    return starts


def _extensions(events: Iterable[ev.Event]) -> dict[tuple[str, ComplaintStage], dt.date]:
    return {
        (e.complaint_id, e.stage): e.extended_on
        for e in events
        if isinstance(e, ev.ComplaintTimescaleExtended)
    }


def oracle_due(
    received: ev.ComplaintReceived, stage: ComplaintStage, started: dt.date, extended: bool
) -> dt.date:
    if not received.statutory:
        return nth_working_day_after(started, CORPORATE_DAYS)
    normal, longer = STATUTORY_DAYS[stage]
    return nth_working_day_after(started, longer if extended else normal)


def oracle_stage_3_due(
    events: Iterable[ev.Event], complaint_id: str, panel_due: dt.date, as_of: dt.date
) -> tuple[str, dt.date]:
    """R-CMP-3, R-CMP-7: what is next at stage 3 by ``as_of``: the panel, its report, the response."""
    held = [
        e.held_on for e in events if isinstance(e, ev.ComplaintPanelHeld) and e.complaint_id == complaint_id
    ]
    reported = [
        e.reported_on
        for e in events
        if isinstance(e, ev.ComplaintPanelReported) and e.complaint_id == complaint_id
    ]
    if held and held[0] <= as_of:
        if reported and reported[0] <= as_of:
            return "response", nth_working_day_after(reported[0], STAGE_3_RESPONSE_DAYS)
        return "panel_report", nth_working_day_after(held[0], REPORT_DAYS)
    return "panel", panel_due


def oracle_responses(events: Sequence[ev.Event]) -> list[dict[str, Any]]:
    """Every response with the deadline it answered to and whether it met it."""
    received = _received(events)
    starts = _stage_starts(events)
    extensions = _extensions(events)
    out = []
    for e in events:
        if not isinstance(e, ev.ComplaintResponded):
            continue
        r = received[e.complaint_id]
        ext = extensions.get((e.complaint_id, e.stage))
        due = oracle_due(
            r, e.stage, starts[(e.complaint_id, e.stage)], ext is not None and ext <= e.responded_on
        )
        if r.statutory and e.stage is S3:
            due = oracle_stage_3_due(events, e.complaint_id, due, e.responded_on)[1]
        out.append(
            {
                "complaint_id": e.complaint_id,
                "stage": e.stage.value if r.statutory else "corporate",
                "responded_on": e.responded_on,
                "due_on": due,
                "on_time": e.responded_on <= due,
                "team_id": r.team_id,
                "service": r.service,
                "outcome": e.outcome.value,
            }
        )
    return out


def oracle_timeliness_share(
    events: Sequence[ev.Event], start: dt.date, end: dt.date, *, team_id: object = "any"
) -> float | None:
    """Responses in [start, end] on or before their due date / responses in [start, end]."""
    chosen = [
        r
        for r in oracle_responses(events)
        if start <= r["responded_on"] <= end and (team_id == "any" or r["team_id"] == team_id)
    ]
    if not chosen:
        return None
    return sum(1 for r in chosen if r["on_time"]) / len(chosen)


def oracle_register(events: Sequence[ev.Event], as_of: dt.date) -> list[dict[str, Any]]:
    """The register from SPEC's words, at ``as_of``, ignoring anything dated later."""
    known = [e for e in events if e.business_date <= as_of]
    received = _received(known)
    starts = _stage_starts(known)
    extensions = _extensions(known)
    responses = {(e.complaint_id, e.stage): e for e in known if isinstance(e, ev.ComplaintResponded)}
    withdrawn = {e.complaint_id: e.withdrawn_on for e in known if isinstance(e, ev.ComplaintWithdrawn)}
    referred = {
        e.complaint_id: e.referred_on for e in known if isinstance(e, ev.ComplaintReferredToOmbudsman)
    }
    rows = []
    for cid, r in received.items():
        stage = max((s for (c, s) in starts if c == cid), key=lambda s: s.rank)
        extended = (cid, stage) in extensions
        due = oracle_due(r, stage, starts[(cid, stage)], extended)
        due_for = "response"
        if r.statutory and stage is S3:
            due_for, due = oracle_stage_3_due(known, cid, due, as_of)
        response = responses.get((cid, stage))
        if cid in referred:
            state, ended = "ombudsman", response.responded_on if response else referred[cid]
        elif response is not None:
            state, ended = "closed", response.responded_on
        elif cid in withdrawn:
            state, ended = "withdrawn", withdrawn[cid]
        else:
            state, ended = "open", as_of
        late = r.matter_on is not None and r.received_on > one_year_after(r.matter_on)
        rows.append(
            {
                "complaint_id": cid,
                "stage": stage.value,
                "state": state,
                "due_on": due,
                "due_for": due_for,
                "extended": extended,
                "breached": ended > due,
                "late": late,
            }
        )
    return sorted(rows, key=lambda row: (received[row["complaint_id"]].received_on, row["complaint_id"]))


def register_as_dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    keys = ("complaint_id", "stage", "state", "due_on", "due_for", "extended", "breached", "late")
    return [{k: (getattr(r, k).value if k == "stage" else getattr(r, k)) for k in keys} for r in rows]


def folded(events: Sequence[ev.Event]) -> Any:
    """A memory store whose stored projections folded ``events`` as given, in that order and
    without the write model's rules (for properties of the fold itself); its queries read it."""
    import kentqa_domain as kq

    qa = kq.connect("memory://", policy=kq.Policy())
    page = [(n, e, None) for n, e in enumerate(events, start=1)]
    qa.projections.catch_up(lambda start, limit, _keys: page[start - 1 : start - 1 + limit], len(page))
    return qa


def complaint_rows(qa: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every row of ``kentqa_complaints`` and ``kentqa_complaint_themes`` in the store of ``qa``."""
    view = qa.view()
    return (
        view.select("SELECT * FROM kentqa_complaints ORDER BY complaint_id"),
        view.select("SELECT * FROM kentqa_complaint_themes ORDER BY complaint_id, theme"),
    )


# --- voice ------------------------------------------------------------------------------------


@st.composite
def voice_items(draw: st.DrawFn, max_items: int = 25) -> list[ev.Event]:
    n = draw(st.integers(0, max_items))
    out: list[ev.Event] = []
    for i in range(n):
        received_on = draw(st.dates(dt.date(2026, 12, 1), dt.date(2027, 5, 31)))
        team_id = draw(st.sampled_from([*TEAMS, None]))
        themes = tuple(draw(st.lists(st.sampled_from(THEMES), max_size=2)))
        if draw(st.booleans()):
            out.append(
                ev.ComplimentReceived(
                    compliment_id=f"C{i}",
                    received_on=received_on,
                    from_role=draw(st.sampled_from(list(FeedbackSource))),
                    team_id=team_id,
                    themes=themes,
                )
            )
        else:
            out.append(
                ev.FeedbackReceived(
                    feedback_id=f"F{i}",
                    received_on=received_on,
                    source=draw(st.sampled_from(list(FeedbackSource))),
                    channel=draw(st.sampled_from(list(FeedbackChannel))),
                    team_id=team_id,
                    rating=draw(st.none() | st.integers(1, 5)),
                    themes=themes,
                )
            )
    return out


def oracle_voice(
    events: Sequence[ev.Event], start: dt.date, end: dt.date, sources: Iterable[str] | None = None
) -> dict[str, Any]:
    """Counts and mean ratings from a plain loop: keys are (group, key) pairs."""
    wanted = {s.value for s in FeedbackSource} if sources is None else set(sources)
    counts: Counter[tuple[str, Any, str]] = Counter()
    ratings: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for e in events:
        if not isinstance(e, (ev.ComplimentReceived, ev.FeedbackReceived)):
            continue
        if not start <= e.received_on <= end:
            continue
        source = e.from_role.value if isinstance(e, ev.ComplimentReceived) else e.source.value
        if source not in wanted:
            continue
        kind = "compliments" if isinstance(e, ev.ComplimentReceived) else "feedback"
        groups: list[tuple[str, Any]] = [("overall", None), ("source", source), ("team", e.team_id)]
        if isinstance(e, ev.FeedbackReceived):
            groups.append(("channel", e.channel.value))
        themes: list[str | None] = [*dict.fromkeys(e.themes)] or [None]
        groups += [("theme", t) for t in themes]
        groups += [("team_theme", (e.team_id, t)) for t in themes]
        for group in groups:
            counts[(*group, kind)] += 1
            if isinstance(e, ev.FeedbackReceived) and e.rating is not None:
                ratings[group].append(e.rating)
    out: dict[str, Any] = {}
    for (group_name, group_key, kind), n in counts.items():
        empty = {"feedback": 0, "compliments": 0, "rated": 0, "mean": None}
        out.setdefault(f"{group_name}|{group_key}", empty)[kind] = n
    for (group_name, group_key), values in ratings.items():
        out[f"{group_name}|{group_key}"]["rated"] = len(values)
        out[f"{group_name}|{group_key}"]["mean"] = sum(values) / len(values)
    return out


def voice_as_dict(summary: Any) -> dict[str, Any]:
    """A VoiceSummary in the oracle's shape (groups with nothing in them left out)."""
    out: dict[str, Any] = {}

    def put(name: str, tally: Any) -> None:
        if tally.feedback or tally.compliments:
            out[name] = {
                "feedback": tally.feedback,
                "compliments": tally.compliments,
                "rated": tally.rated,
                "mean": tally.mean_rating,
            }

    put("overall|None", summary.overall)
    for group in ("source", "channel", "theme", "team"):
        for tally in getattr(summary, f"by_{group}"):
            put(f"{group}|{tally.key}", tally)
    for tally in summary.by_team_theme:
        put(f"team_theme|{(tally.team_id, tally.theme)}", tally)
    return out
