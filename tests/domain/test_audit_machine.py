"""A state machine over the tri-annual audit cycle (hypothesis ``RuleBasedStateMachine``).

Each step tries to record one audit event as an integration would send it, as JSON, good or
bad: audits of every kind (practitioner, appreciative inquiry, peer, triad, thematic,
multi-agency, commissioned moderation) with grades and actions, completions of their actions
and thematic audits agreed. A plain model of SPEC section 2 and R-AUD-1..6 says which
refusals are allowed; the invariants are: a refused event stores nothing, re-sending the
same event is a no-op, the same identity with other content is a ``ConflictingEvent``, and
``audit_cycle`` (R-AUD-1..3), ``good_or_better_trend`` (R-AUD-3), ``triad_recommendations``
(R-AUD-4), ``audit_actions`` (R-AUD-5) and ``thematic_audits`` (R-AUD-6) always equal the
plain oracles of ``tests/audit_oracle.py`` over the events accepted so far.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, UnknownReference
from tests import audit_oracle as oracle
from tests import audit_strategies as gen

AUDITS = [f"AU{n}" for n in range(12)]
THEMES = ["neglect", "voice", "chronology"]  # theme ids the audits' themes name (decision 0302)
KINDS = [k.value for k in kq.AuditKind]
GRADES = [g.value for g in kq.Grade]
TEAMS = [t[0] for t in gen.TEAMS] + ["T-UNREGISTERED"]  # an audit's team need not be registered
CYCLES = ["2025-T3", "2026-T1", "2026-T2", "2026-T3"]
DAYS = [gen.START + dt.timedelta(days=11 * n) for n in range((gen.END - gen.START).days // 11 + 1)]
#: (cycle, as_of) pairs the invariants ask about: mid-cycle, at the end, and long after
CHECKS = [
    ("2025-T3", dt.date(2026, 3, 31)),
    ("2026-T1", dt.date(2026, 6, 15)),
    ("2026-T2", dt.date(2026, 11, 26)),
    ("2026-T3", gen.END),
]
days = st.sampled_from(DAYS)


def due_dates(on: dt.date) -> st.SearchStrategy[dt.date]:
    """An action's due date: from its audit's day on, often a day the invariants ask about (an
    action due on ``as_of`` is not yet overdue, R-AUD-5)."""
    return st.integers(0, 120).map(lambda n: on + dt.timedelta(days=n)) | st.sampled_from(
        [as_of for _cycle, as_of in CHECKS if as_of >= on] or [on]
    )


def identity(e: ev.Event) -> tuple[Any, ...]:
    """What makes two recordings the same event (SPEC section 2), for the event types here."""
    fields = {
        ev.AuditCompleted: ("audit_id",),
        ev.AuditActionCompleted: ("audit_id", "action_id"),
        ev.ThematicAuditAgreed: ("theme_id",),
    }[type(e)]
    return (type(e).__name__, *(getattr(e, f) for f in fields))


def shape_rules(obj: dict[str, Any]) -> set[str]:
    """The rules a JSON object breaks on its own, whatever was recorded before (each is an
    ``InvalidEvent`` naming its rule; the first one found is raised)."""
    broken: set[str] = set()
    if obj["type"] == "AuditCompleted":
        if obj["kind"] in ("practitioner", "peer", "thematic", "multi_agency") and obj["overall"] is None:
            broken.add("R-AUD-3")  # overall required for graded kinds
        if obj["kind"] in ("practitioner", "peer") and obj["case_ref"] is None:
            broken.add("R-AUD-4")  # the case is what a practitioner and a peer audit compare
        if obj["cycle_id"] is not None and obj["cycle_id"] not in CYCLES:
            broken.add("R-AUD-1")
        ids = [a["action_id"] for a in obj["actions"]]
        if len(set(ids)) != len(ids):
            broken.add("unique")
    if obj["type"] == "ThematicAuditAgreed" and obj["due_on"] < obj["agreed_on"]:
        broken.add("date-order")
    return broken


def as_event(obj: dict[str, Any]) -> ev.Event:
    """A well-shaped JSON object as the event it describes (built here, not by the parser)."""
    fields = {k: v for k, v in obj.items() if k != "type"}
    for name, value in fields.items():
        if isinstance(value, str) and name.endswith("_on"):
            fields[name] = dt.date.fromisoformat(value)
    if obj["type"] == "AuditCompleted":
        fields["actions"] = tuple(
            ev.Action(**{**a, "due_on": dt.date.fromisoformat(a["due_on"])}) for a in obj["actions"]
        )
        fields["themes"] = tuple(obj["themes"])
        fields["kind"] = kq.AuditKind(obj["kind"])
        fields["overall"] = kq.Grade(obj["overall"]) if obj["overall"] else None
        fields["grades"] = {k: kq.Grade(v) for k, v in obj["grades"].items()}
    return {"AuditCompleted": ev.AuditCompleted, "AuditActionCompleted": ev.AuditActionCompleted,
            "ThematicAuditAgreed": ev.ThematicAuditAgreed}[obj["type"]](**fields)  # fmt: skip


class AuditMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.qa = kq.connect("memory://", policy=kq.Policy())
        self.accepted: list[ev.Event] = []
        self.by_identity: dict[tuple[Any, ...], ev.Event] = {}

    @initialize()
    def organisation(self) -> None:
        """Three teams in two services and two areas (R-AUD-3 breakdowns) and the QA unit that
        joins triads (R-AUD-4): Q1 throughout, Q2 from March 2026 until mid-October 2026."""
        staff = [
            *gen.organisation(),
            ev.WorkerRegistered(worker_id="Q1", team_id="T1", role="qa_unit", experience="experienced",
                                registered_on=dt.date(2025, 6, 2)),
            ev.WorkerRegistered(worker_id="Q2", team_id="T1", role="qa_unit", experience="experienced",
                                registered_on=dt.date(2026, 3, 2)),
            ev.WorkerLeft(worker_id="Q2", left_on=dt.date(2026, 10, 15)),
        ]  # fmt: skip
        self.qa.record_many(staff)
        self.accepted.extend(staff)

    def teardown(self) -> None:
        self.qa.close()

    # --- the model -------------------------------------------------------------------------

    def allowed_errors(self, e: ev.Event) -> set[type[InvalidEvent]]:
        """Every refusal the rules allow for a well-shaped ``e`` now (empty: it must be accepted).
        An audit is about a team, a case and a worker that need not be registered (SPEC section
        2: only the subject followed up must be known); an audit action's completion follows up
        its audit and one of that audit's actions (R-AUD-5)."""
        if isinstance(e, ev.AuditActionCompleted):
            audit = next(
                (x for x in self.accepted if isinstance(x, ev.AuditCompleted) and x.audit_id == e.audit_id),
                None,
            )
            if audit is None or e.action_id not in {a.action_id for a in audit.actions}:
                return {UnknownReference}
        return set()

    def try_record(self, obj: dict[str, Any]) -> None:
        before = (self.qa.position, self.qa.stats())
        broken = shape_rules(obj)
        if broken:
            try:
                self.qa.record_json(obj)
                raise AssertionError(f"{obj} accepted, expected a refusal for {broken}")
            except InvalidEvent as error:
                assert type(error) is InvalidEvent and error.rule in broken, (obj, error)
                assert error.event_type == obj["type"] and error.field
                event(f"refused: shape {error.rule}")
            assert (self.qa.position, self.qa.stats()) == before  # nothing stored
            return
        e = as_event(obj)
        known = self.by_identity.get(identity(e))
        if known is not None:
            if known == e:
                assert self.qa.record_json(obj) <= before[0]  # a no-op returning the first position
                event("re-sent")
            else:
                try:
                    self.qa.record_json(obj)
                    raise AssertionError(f"expected a conflict for {e}")
                except ConflictingEvent:
                    event("refused: ConflictingEvent")
            assert (self.qa.position, self.qa.stats()) == before
            return
        allowed = self.allowed_errors(e)
        try:
            self.qa.record_json(obj)
        except InvalidEvent as error:
            assert type(error) in allowed, f"{e} refused: {error}"
            assert error.event_type == type(e).__name__ and error.field
            assert (self.qa.position, self.qa.stats()) == before  # nothing stored
            event(f"refused: {type(error).__name__} {error.rule}")
            return
        assert not allowed, f"{e} accepted, expected one of {allowed}"
        assert self.qa.position > before[0]
        event(f"accepted: {type(e).__name__}")
        self.accepted.append(e)
        self.by_identity[identity(e)] = e

    # --- steps ---------------------------------------------------------------------------

    @rule(
        data=st.data(),
        audit=st.sampled_from(AUDITS),
        kind=st.sampled_from([*KINDS, "practitioner", "peer", "practitioner", "peer"]),
        on=days,
        missing=st.integers(0, 14),
        cycle=st.sampled_from([None, None, None, None, None, "2026-T1", "2026-T2", "2026-T4"]),
    )
    def complete_audit(
        self, data: st.DataObject, audit: str, kind: str, on: dt.date, missing: int, cycle: str | None
    ) -> None:
        """R-AUD-1..5: an audit of any kind, mostly well formed; now and then without the
        overall grade or case it needs, with a malformed cycle or with repeated action ids."""
        needs = kind in ("practitioner", "peer", "thematic", "multi_agency")
        draw = data.draw
        actions = [
            {"action_id": draw(st.sampled_from(["1", "2", "3", "4"])), "description": "Do it",
             "owner_id": draw(st.sampled_from(["W1", "W2"])),
             "due_on": draw(due_dates(on)).isoformat()}
            for _ in range(draw(st.integers(0, 2)))
        ]  # fmt: skip
        self.try_record(
            {
                "type": "AuditCompleted",
                "audit_id": audit,
                "kind": kind,
                "auditor_id": draw(st.sampled_from(gen.AUDITORS)),
                "team_id": draw(st.sampled_from(TEAMS)),
                "completed_on": on.isoformat(),
                "case_ref": None if missing == 1 else draw(st.sampled_from(gen.CASES[:4])),
                "worker_id": draw(st.none() | st.sampled_from(["W1", "W2"])),
                "overall": draw(st.sampled_from(GRADES))
                if (missing != 0 if needs else missing > 5)
                else None,
                "grades": {"voice_of_child": draw(st.sampled_from(GRADES))} if missing > 8 else {},
                "strengths": [],
                "learning": [],
                "themes": draw(st.lists(st.sampled_from(THEMES), unique=True, max_size=2)),
                "actions": actions,
                "cycle_id": cycle,
            }
        )

    @rule(data=st.data(), audit=st.sampled_from(["K0", "K1", "K2", "K3"]), grade=st.sampled_from(GRADES))
    def compare(self, data: st.DataObject, audit: str, grade: str) -> None:
        """R-AUD-4 material: a case already audited by a practitioner (or peer) audit audited
        again by the other kind a few days later, by another auditor, so that pairs and gaps occur."""
        audited = [
            x
            for x in self.accepted
            if isinstance(x, ev.AuditCompleted) and x.kind.value in ("practitioner", "peer")
        ]
        if not audited:
            return
        first = data.draw(st.sampled_from(audited))
        on = first.completed_on + dt.timedelta(days=data.draw(st.integers(0, 20)))
        self.try_record(
            {"type": "AuditCompleted", "audit_id": audit, "kind": "peer" if first.kind.value == "practitioner" else "practitioner",
             "auditor_id": data.draw(st.sampled_from([a for a in gen.AUDITORS if a != first.auditor_id])), "team_id": first.team_id,
             "completed_on": on.isoformat(), "case_ref": first.case_ref, "worker_id": None, "overall": grade,
             "grades": {}, "strengths": [], "learning": [], "themes": [], "actions": [], "cycle_id": first.cycle_id}
        )  # fmt: skip

    @rule(data=st.data())
    def complete_action(self, data: st.DataObject) -> None:
        """R-AUD-5: mostly an action of a recorded audit, done before or after its due date;
        sometimes an unknown audit or action."""
        recorded = [(x, a) for x in self.accepted if isinstance(x, ev.AuditCompleted) for a in x.actions]
        if recorded and data.draw(st.integers(0, 4)) > 0:
            audit, action = data.draw(st.sampled_from(recorded))
            audit_id, action_id = audit.audit_id, action.action_id
            on = action.due_on + dt.timedelta(days=data.draw(st.integers(-30, 30)))
        else:
            audit_id = data.draw(st.sampled_from([*AUDITS, "NOPE"]))
            action_id = data.draw(st.sampled_from(["1", "2", "9"]))
            on = data.draw(days)
        self.try_record(
            {"type": "AuditActionCompleted", "audit_id": audit_id, "action_id": action_id,
             "completed_on": on.isoformat()}
        )  # fmt: skip

    @rule(
        theme=st.sampled_from(THEMES), on=days, weeks=st.integers(-2, 16), title=st.sampled_from(["A", "B"])
    )
    def agree_theme(self, theme: str, on: dt.date, weeks: int, title: str) -> None:
        """R-AUD-6: a thematic audit agreed with a hypothesis and a due date (not before it)."""
        self.try_record(
            {"type": "ThematicAuditAgreed", "theme_id": theme, "title": title, "hypothesis": "Plans drift",
             "agreed_on": on.isoformat(), "due_on": (on + dt.timedelta(weeks=weeks)).isoformat()}
        )  # fmt: skip

    @rule(data=st.data())
    def resend(self, data: st.DataObject) -> None:
        """Integrations re-send: the same event again is a no-op."""
        if len(self.accepted) <= 6:  # only the organisation so far
            return
        e = data.draw(st.sampled_from(self.accepted[6:]))
        self.try_record(ev.to_json(e))

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def cycle_equals_the_oracle(self) -> None:
        """R-AUD-1..3: counts by kind and by phase, grade shares overall and by team, service
        and area, and the current phase."""
        for cycle_id, as_of in CHECKS:
            cycle = self.qa.audit_cycle(cycle_id, as_of=as_of)
            mine = oracle.cycle_audits(self.accepted, cycle_id, as_of)
            counts, share = oracle.grade_share(mine)
            assert cycle.audits == len(mine)
            assert cycle.audits_by_kind == {k: sum(1 for a in mine if a.kind == k) for k in KINDS}
            assert (cycle.grades, cycle.good_or_better_share) == (counts, share)
            for by, rows in (("team", cycle.by_team), ("service", cycle.by_service), ("area", cycle.by_area)):
                assert {
                    r.key: (r.audits, r.grades, r.good_or_better_share) for r in rows
                } == oracle.breakdown(self.accepted, mine, by)
            assert cycle.phase == oracle.phase(as_of, cycle_id)
            for p in cycle.phases:
                of_kind = [a for a in mine if a.kind == p.kind]
                assert p.completed == len(of_kind)
                assert p.completed_in_phase == sum(
                    1 for a in of_kind if oracle.phase(a.completed_on, cycle_id) == p.phase
                )
            trend = self.qa.good_or_better_trend(cycle_id, as_of=as_of)
            assert [
                (t.cycle_id, t.graded, t.good_or_better, t.good_or_better_share) for t in trend
            ] == oracle.trend(self.accepted, cycle_id, as_of)

    @invariant()
    def triads_equal_the_oracle(self) -> None:
        """R-AUD-4: pairs of auditors by mean grade gap, each with a current QA unit member."""
        for cycle_id, as_of in CHECKS:
            rows = self.qa.triad_recommendations(cycle_id, as_of=as_of)
            expected = oracle.triad(self.accepted, cycle_id, as_of)
            if expected:
                event("triad recommendations made")
            assert [(r.auditor_a, r.auditor_b, r.mean_gap, r.cases, r.qa_member) for r in rows] == [
                (a, b, float(m), n, q) for a, b, m, n, q in expected
            ]

    @invariant()
    def actions_and_themes_equal_the_oracle(self) -> None:
        """R-AUD-5: every action's status and working days overdue, the overdue register in
        due-date order; R-AUD-6: thematic audits' progress."""
        for cycle_id, as_of in CHECKS:
            rows = self.qa.audit_actions(as_of=as_of)
            assert {
                (r.audit_id, r.action_id): (r.status.value, r.working_days_overdue) for r in rows
            } == oracle.actions(self.accepted, as_of)
            overdue = self.qa.audit_actions(cycle_id, as_of=as_of, state="overdue")
            assert [(r.audit_id, r.action_id, r.status.value) for r in overdue] == oracle.action_register(
                self.accepted, as_of, states={"overdue"}, cycle_id=cycle_id
            )
            themes = self.qa.thematic_audits(as_of=as_of)
            assert [
                (r.theme_id, r.status.value, r.audits, r.first_completed_on) for r in themes
            ] == oracle.thematic(self.accepted, as_of)


AuditMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=30, deadline=None)
test_audit_machine = AuditMachine.TestCase
