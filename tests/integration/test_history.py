"""``qa.history`` / ``kentqa history`` (SPEC 9.1; decision 0981): every event about one subject in
recording order, with its position; the oracle is a plain filter over the exported log;
scoped by R-ACC-1; a forgotten child's history is anonymous."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.corrections.events import RecordCorrected, RecordWithdrawn, correction_to_json
from kentqa_domain.errors import InvalidInput, UnknownReference
from tests.cli_run import kentqa
from tests.export_support import AS_OF, council, exported, lines
from tests.integration.test_export import BACKENDS, _children

#: The id fields that name an event's subject, the first present wins: an observation, audit,
#: escalation or complaint names its worker, child or team too, but is its own subject.
SUBJECT_FIELDS = (
    ("observation_id", "observation"),
    ("audit_id", "audit"),
    ("theme_id", "theme"),
    ("escalation_id", "escalation"),
    ("complaint_id", "complaint"),
    ("compliment_id", "compliment"),
    ("feedback_id", "feedback"),
    ("child_ref", "child"),
    ("worker_id", "worker"),
    ("team_id", "team"),
)


def oracle(log: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Subject -> its lines of the exported log, by a plain reading of each line's ids (a
    review's QA belongs to the review's child; a forgotten child is named by its token; a
    correction or withdrawal belongs to the subject of the event it corrects, SPEC 9.1)."""
    review_child: dict[str, str] = {}
    out: dict[str, list[dict[str, Any]]] = {}

    def subject_of(line: dict[str, Any]) -> str | None:
        if line["type"] in ("RecordCorrected", "RecordWithdrawn"):
            return subject_of(line["original"])
        if line["type"] == "ReviewQualityAssured":
            return review_child[line["review_id"]]
        for field, kind in SUBJECT_FIELDS:
            if isinstance(line.get(field), str):
                value = line[field]
                if kind == "child" and value.startswith("forgotten-"):
                    value = "anon-" + value.removeprefix("forgotten-")
                return f"{kind}:{value}"
        return None

    for line in log:
        subject = subject_of(line)
        assert subject is not None, line
        if line["type"] == "ReviewHeld":
            review_child[line["review_id"]] = subject
        out.setdefault(subject, []).append(line)
    return out


def as_line(row: kq.HistoryRow) -> dict[str, Any]:
    """A history row as the export writes its event (a forgotten child under its stand-in)."""
    if row.type == "ChildForgotten":
        token = row.event.token  # type: ignore[union-attr]
        return {
            "type": "ChildForgotten",
            "child_ref": "forgotten-" + token.removeprefix("anon-"),
            "on": row.event.on.isoformat(),
        }
    if isinstance(row.event, (RecordCorrected, RecordWithdrawn)):
        fix = correction_to_json(row.event)
        for part in ("original", "replacement"):
            if part in fix:
                fix[part] = _stand_in(fix[part])
        return fix
    return _stand_in(kq.events.to_json(row.event))  # type: ignore[arg-type]


def _stand_in(out: dict[str, Any]) -> dict[str, Any]:
    """An event's JSON with a forgotten child's token as the export writes it."""
    ref = out.get("child_ref")
    if isinstance(ref, str) and ref.startswith("anon-") and len(ref) == 25:
        out["child_ref"] = "forgotten-" + ref.removeprefix("anon-")
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=200, max_value=len(council())),
    forget=st.lists(st.integers(min_value=0, max_value=len(_children()) - 1), max_size=2, unique=True),
)
def test_history_is_a_plain_filter_of_the_exported_log(
    backend: str, fresh_url: Callable[[str], str], cut: int, forget: list[int]
) -> None:
    """Oracle: for a random history (a prefix of a council's year, some children forgotten),
    each subject's history is the lines of the export that name it, in the same order, at
    increasing positions; a forgotten child's history (by its token) reads anonymous."""
    with kq.connect(fresh_url(backend), policy=kq.Policy()) as qa:
        qa.record_many(council()[:cut], allow_future=True)
        forgotten = []
        for index in forget:
            try:
                forgotten.append((_children()[index], qa.forget_child(_children()[index], on=AS_OF).token))
            except UnknownReference:  # not in this prefix
                pass
        expected = oracle(lines(exported(qa)))
        subjects = sorted(expected)
        sample = random.Random(cut).sample(
            subjects, min(len(subjects), 150 if backend == "postgres" else 600)
        )
        for subject in sample:
            rows = qa.history(subject)
            assert [as_line(r) for r in rows] == expected[subject], subject
            positions = [r.position for r in rows]
            assert positions == sorted(set(positions)) and positions[-1] <= rows.position
            assert all(r.recorded_at is not None and r.recorded_at.tzinfo is not None for r in rows)
        for ref, token in forgotten:
            # asked for by its reference, a forgotten child has no history: by its token, anonymous
            assert qa.history(f"child:{ref}") == []
            assert [as_line(r) for r in qa.history(f"child:{token}")] == expected[f"child:{token}"]


# --- R-ACC-1 ------------------------------------------------------------------------------

ORGANISATION = [
    {"type": "TeamRegistered", "team_id": "T-E1", "name": "East 1", "service": "CSW", "area": "East"},
    {"type": "TeamRegistered", "team_id": "T-E2", "name": "East 2", "service": "CSW", "area": "East"},
    {"type": "TeamRegistered", "team_id": "T-W1", "name": "West 1", "service": "Early Help", "area": "West"},
    *(
        {"type": "WorkerRegistered", "worker_id": w, "team_id": t, "role": role, "experience": "experienced", "registered_on": "2026-01-05"}
        for w, t, role in (
            ("P1", "T-E1", "practitioner"),
            ("P2", "T-E2", "practitioner"),
            ("P3", "T-W1", "practitioner"),
            ("TM1", "T-E1", "team_manager"),
            ("SM", "T-E2", "service_manager"),
            ("AD-W", "T-W1", "assistant_director"),
            ("QA", "T-E1", "qa_unit"),
            ("IRO1", "T-E2", "iro"),
            ("GONE", "T-E1", "director"),
        )
    ),
    {"type": "WorkerLeft", "worker_id": "GONE", "left_on": "2026-06-30"},
    {"type": "SupervisionHeld", "worker_id": "P1", "supervisor_id": "TM1", "held_on": "2026-02-02"},
    {"type": "ChildBecameLookedAfter", "child_ref": "C1", "on": "2026-02-02", "iro_id": "IRO1"},
    {"type": "ReviewHeld", "review_id": "R1", "child_ref": "C1", "kind": "looked_after_review", "held_on": "2026-03-02",
     "actions": [{"action_id": "A1", "description": "visit", "owner_id": "P1", "due_on": "2026-04-01"}]},
    {"type": "EscalationRaised", "escalation_id": "E1", "raised_by": "P3", "raised_on": "2026-04-01", "stage": "informal",
     "reason": "practice", "child_ref": "C1", "details": "the plan drifts"},
    {"type": "ComplaintReceived", "complaint_id": "K1", "received_on": "2026-05-05", "complainant": "parent_carer", "service": "CSW", "team_id": "T-E2"},
]  # fmt: skip


@pytest.fixture
def organisation() -> Any:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(ORGANISATION)
        yield qa


def test_R_ACC_1_a_principal_sees_a_subject_whose_team_or_worker_is_in_scope(organisation: Any) -> None:
    qa = organisation
    day = dt.date(2026, 11, 1)

    def sees(principal: str, subject: str) -> bool:
        everything = qa.history(subject)
        assert everything, subject
        scoped = qa.history(subject, as_worker=principal, as_of=day)
        assert scoped in ([], everything)  # a subject's history is shown whole or not at all
        return bool(scoped)

    assert sees("P1", "worker:P1") and not sees("P2", "worker:P1") and not sees("P3", "worker:P1")
    assert sees("TM1", "worker:P1") and not sees("TM1", "worker:P2")
    assert sees("SM", "worker:P1") and sees("SM", "team:T-E2") and not sees("SM", "worker:P3")
    assert not sees("P1", "team:T-E1")  # a practitioner sees their own rows, not their team's
    assert sees("QA", "worker:P3") and sees("QA", "complaint:K1") and sees("QA", "team:T-W1")
    # a child: its IRO's team (T-E2) and its actions' owner (P1) see it; the West practitioner does not
    assert sees("IRO1", "child:C1") and sees("P1", "child:C1") and sees("TM1", "child:C1")
    assert not sees("P3", "child:C1") and not sees("AD-W", "child:C1")
    # an escalation: its raiser's team (T-W1 in the West area); a complaint: the team it names
    assert sees("P3", "escalation:E1") and sees("AD-W", "escalation:E1") and not sees("P1", "escalation:E1")
    assert sees("SM", "complaint:K1") and not sees("P1", "complaint:K1")


def test_R_ACC_1_a_leaver_sees_nothing_and_an_unknown_principal_is_refused(organisation: Any) -> None:
    qa = organisation
    assert qa.history("worker:P1", as_worker="GONE", as_of="2026-06-29") != []
    assert qa.history("worker:P1", as_worker="GONE", as_of="2026-06-30") == []
    assert qa.history("worker:P1", as_worker="GONE") == []  # today: long gone
    with pytest.raises(UnknownReference) as caught:
        qa.history("worker:P1", as_worker="NOBODY")
    assert caught.value.field == "as_worker"


@pytest.mark.parametrize(
    "subject", ["worker", "nope:X", "worker:", "worker: W1", "child:=HYPERLINK(1)", 5, None, "Worker:W1"]
)
def test_a_bad_subject_is_invalid_input_naming_it(organisation: Any, subject: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        organisation.history(subject)
    assert (caught.value.query, caught.value.argument) == ("history", "subject")


def test_a_subject_with_no_events_has_an_empty_history(organisation: Any) -> None:
    assert organisation.history("worker:NEVER") == []
    assert organisation.history("child:NEVER") == []
    assert organisation.history("child:anon-0123456789abcdef0123") == []


def test_a_forgotten_child_s_history_shows_the_anonymous_facts_only(organisation: Any) -> None:
    qa = organisation
    before = qa.history("child:C1")
    assert [r.type for r in before] == ["ChildBecameLookedAfter", "ReviewHeld"]
    erasure = qa.forget_child("C1", on=dt.date(2026, 11, 2))
    assert qa.history("child:C1") == []
    after = qa.history(f"child:{erasure.token}")
    assert [r.type for r in after] == ["ChildBecameLookedAfter", "ReviewHeld", "ChildForgotten"]
    assert [r.position for r in after[:2]] == [r.position for r in before]
    text = json.dumps([r.to_dict() for r in after])
    assert '"C1"' not in text and "R1" not in text and "visit" not in text and erasure.token in text
    assert after[-1].to_dict()["event"] == {"token": erasure.token, "on": "2026-11-02"}
    escalation = qa.history("escalation:E1")  # its own subject: anonymous too
    assert escalation[0].event.child_ref == erasure.token and escalation[0].event.details == ""


def test_rows_are_exported_plain_and_state_their_position(organisation: Any) -> None:
    rows = organisation.history("worker:P1")
    assert isinstance(rows, kq.Rows) and rows.position == organisation.position
    assert isinstance(rows[0], kq.HistoryRow)
    plain = rows[0].to_dict()
    assert plain["type"] == "WorkerRegistered" and plain["event"]["registered_on"] == "2026-01-05"
    assert json.loads(rows[0].to_json()) == plain
    assert dt.datetime.fromisoformat(plain["recorded_at"]).tzinfo is not None


def test_kentqa_history_prints_a_table_or_json_and_refuses_a_bad_subject(tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path / 'kentqa.db'}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_many(ORGANISATION)
    shown = kentqa("history", "child:C1", db=db)
    assert shown.returncode == 0, shown.stderr
    assert "ReviewHeld" in shown.stdout and "History of child:C1" in shown.stdout
    out = kentqa("history", "worker:P1", "--json", db=db)
    data = json.loads(out.stdout)
    assert data["subject"] == "worker:P1" and [r["type"] for r in data["rows"]] == [
        "WorkerRegistered",
        "SupervisionHeld",
    ]
    assert all(set(r) == {"position", "type", "event", "recorded_at", "superseded_at"} for r in data["rows"])
    assert all(r["superseded_at"] is None for r in data["rows"])  # nothing was corrected
    scoped = kentqa("history", "worker:P1", "--as", "P2", "--json", db=db)
    assert json.loads(scoped.stdout)["rows"] == []
    bad = kentqa("history", "nope:1", db=db)
    assert bad.returncode == 1 and "history.subject" in bad.stderr
    assert kentqa("history", "worker:P1", "--as", "NOBODY", db=db).returncode == 1
