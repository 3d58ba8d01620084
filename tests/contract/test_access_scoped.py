"""R-ACC-1 across every query on QualityAssurance and every ``kentqa status`` subcommand.

Queries are found by introspection (public methods taking ``as_of``), so a query added later
is covered without editing this file: each must take ``as_worker``, and a practitioner of
one team must get exactly what they would get if another team's activity had never been
recorded (the ORACLE: the same query on a store without that team's events). Every status
subcommand must offer ``--as WORKER_ID``.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import attrs
import click
import pytest

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.cli.status import status
from kentqa_domain.errors import UnknownReference
from tests.conftest import organisation

AS_OF = dt.date(2026, 11, 26)


def queries() -> list[str]:
    names = []
    for name, member in inspect.getmembers(QualityAssurance, inspect.isfunction):
        if name.startswith("_") or name == "scope":  # scope() is the principal's scope itself
            continue
        params = inspect.signature(member).parameters
        if "as_of" in params or "as_worker" in params:
            names.append(name)
    return sorted(names)


def arguments(name: str) -> dict[str, Any]:
    """Arguments for a query by parameter name (a new required parameter must be added here)."""
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "start": dt.date(2026, 1, 1),
        "end": AS_OF,
        "cycle_id": "2026-T2",
        "subject": "worker:W2",  # history (decision 0981): a worker of team T-WEST-1
        "quarter": "2026-Q3",
    }
    out = {}
    for param in inspect.signature(getattr(QualityAssurance, name)).parameters.values():
        if param.name in ("self", "as_worker"):
            continue
        if param.name in values:
            out[param.name] = values[param.name]
        elif param.default is inspect.Parameter.empty:
            raise AssertionError(
                f"{name}: add a value for its required parameter {param.name!r} to this test"
            )
    return out


#: Activity of team T-WEST-1 (worker W2 and its manager): everything that names a team or worker.
WEST = [
    {
        "type": "WorkerRegistered",
        "worker_id": "TM2",
        "team_id": "T-WEST-1",
        "role": "team_manager",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {"type": "SupervisionHeld", "worker_id": "W2", "supervisor_id": "TM2", "held_on": "2026-03-02"},
    {
        "type": "ObservationRecorded",
        "observation_id": "O-W",
        "worker_id": "W2",
        "observer_id": "TM2",
        "observed_on": "2026-02-02",
        "setting": "practice",
        "judgements": {"planning_and_purpose": "good"},
        "overall": "good",
        "summary": "west",
    },
    {"type": "ObservationShared", "observation_id": "O-W", "shared_on": "2026-02-03"},
    {"type": "SupportNeedFlagged", "worker_id": "W2", "flagged_on": "2026-04-01"},
    {
        "type": "AuditCompleted",
        "audit_id": "AU-W",
        "kind": "practitioner",
        "auditor_id": "TM2",
        "team_id": "T-WEST-1",
        "completed_on": "2026-08-10",
        "case_ref": "CASE-W",
        "worker_id": "W2",
        "overall": "requires_improvement",
        "actions": [{"action_id": "X1", "description": "fix", "owner_id": "W2", "due_on": "2026-09-01"}],
    },
    {
        "type": "AuditCompleted",
        "audit_id": "AU-W2",
        "kind": "peer",
        "auditor_id": "PEER9",
        "team_id": "T-WEST-1",
        "completed_on": "2026-10-10",
        "case_ref": "CASE-W",
        "worker_id": "W2",
        "overall": "outstanding",
    },
    {
        "type": "ThematicAuditAgreed",
        "theme_id": "TH-W",
        "title": "Neglect",
        "hypothesis": "west drift",
        "agreed_on": "2026-08-03",
        "due_on": "2026-11-30",
    },
    {
        "type": "EscalationRaised",
        "escalation_id": "E-W",
        "raised_by": "IRO1",
        "raised_on": "2026-10-01",
        "stage": "informal",
        "reason": "practice",
        "team_id": "T-WEST-1",
        "details": "west",
    },
    {
        "type": "ComplaintReceived",
        "complaint_id": "K-W",
        "received_on": "2026-10-05",
        "complainant": "parent_carer",
        "service": "Early Help",
        "team_id": "T-WEST-1",
    },
    {
        "type": "ComplimentReceived",
        "compliment_id": "CO-W",
        "received_on": "2026-10-06",
        "from_role": "parent_carer",
        "team_id": "T-WEST-1",
    },
    {
        "type": "FeedbackReceived",
        "feedback_id": "FB-W",
        "received_on": "2026-10-07",
        "source": "child",
        "channel": "momo",
        "team_id": "T-WEST-1",
        "rating": 2,
    },
    {"type": "ChildBecameLookedAfter", "child_ref": "C-W", "on": "2026-01-05", "iro_id": "IRO1"},
    {
        "type": "ReviewHeld",
        "review_id": "R-W",
        "child_ref": "C-W",
        "kind": "looked_after_review",
        "held_on": "2026-02-02",
        "actions": [{"action_id": "PA1", "description": "visit", "owner_id": "W2", "due_on": "2026-03-01"}],
    },
]


def _store(with_west: bool) -> QualityAssurance:
    qa = kq.connect("memory://", policy=kq.Policy())
    qa.record_many(organisation())
    if with_west:
        qa.record_many(WEST, on_invalid=lambda i, e: pytest.fail(f"WEST[{i}] refused: {e}"))
    return qa


def test_R_ACC_1_every_query_takes_as_worker() -> None:
    found = queries()
    assert found, "no queries found"
    for name in found:
        assert "as_worker" in inspect.signature(getattr(QualityAssurance, name)).parameters, name


@pytest.mark.parametrize("name", queries())
def test_R_ACC_1_a_practitioner_sees_nothing_of_another_team(name: str) -> None:
    with _store(with_west=True) as qa, _store(with_west=False) as without:
        query, bare = getattr(qa, name), getattr(without, name)
        args = arguments(name)
        assert query(**args, as_worker="W1") == bare(**args, as_worker="W1")
        # ...while the trusted caller does see the other team's activity (so the data is in view).
        assert query(**args) != bare(**args)


@pytest.mark.parametrize("name", queries())
def test_R_ACC_1_an_unknown_principal_is_refused_by_every_query(name: str) -> None:
    with _store(with_west=False) as qa, pytest.raises(UnknownReference):
        getattr(qa, name)(**arguments(name), as_worker="NOBODY")


def test_R_ACC_1_every_status_subcommand_offers_as() -> None:
    assert status.commands, "no status subcommands"
    for name, command in status.commands.items():
        options = {o.name for o in command.params if isinstance(o, click.Option)}
        assert "as_worker" in options, f"kentqa status {name} has no --as WORKER_ID"


#: Issue 17, finding 11: two directors (who see everything while in post); D-GONE leaves on
#: AS_OF itself, D-STAYS the day after.
LEAVERS = [
    {
        "type": "WorkerRegistered",
        "worker_id": "D-GONE",
        "team_id": "T-EAST-1",
        "role": "director",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "D-STAYS",
        "team_id": "T-EAST-1",
        "role": "director",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "TM-GONE",
        "team_id": "T-WEST-1",
        "role": "team_manager",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {"type": "WorkerLeft", "worker_id": "D-GONE", "left_on": AS_OF.isoformat()},
    {"type": "WorkerLeft", "worker_id": "D-STAYS", "left_on": (AS_OF + dt.timedelta(days=1)).isoformat()},
    {"type": "WorkerLeft", "worker_id": "TM-GONE", "left_on": "2026-08-28"},
]


def _unlabelled(answer: Any) -> Any:
    """An answer without the label saying whose view it is (the learning report's ``scope``)."""
    if attrs.has(type(answer)) and "scope" in attrs.fields_dict(type(answer)):
        return attrs.evolve(answer, scope="")
    return answer


def _organisation_only() -> QualityAssurance:
    """The teams and workers of the store below, and no activity at all."""
    qa = kq.connect("memory://", policy=kq.Policy())
    qa.record_many([e for e in organisation() if e["type"] in ("TeamRegistered", "WorkerRegistered")])
    qa.record_many(LEAVERS, on_invalid=lambda i, e: pytest.fail(f"LEAVERS[{i}] refused: {e}"))
    return qa


@pytest.mark.parametrize("name", queries())
def test_R_ACC_1_a_worker_who_has_left_sees_nothing(name: str) -> None:
    """Decision 0105 for every query (issue 17, finding 11): a principal whose ``WorkerLeft``
    is dated on or before ``as_of`` gets exactly what they would get from a store holding no
    activity at all, whatever their role; the day before leaving, they still see their rows."""
    with _store(with_west=True) as qa, _organisation_only() as empty:
        qa.record_many(LEAVERS, on_invalid=lambda i, e: pytest.fail(f"LEAVERS[{i}] refused: {e}"))
        query, bare = getattr(qa, name), getattr(empty, name)
        args = arguments(name)
        for leaver in ("D-GONE", "TM-GONE"):
            assert query(**args, as_worker=leaver) == bare(**args, as_worker=leaver), leaver
        # in post on AS_OF, a director sees what the trusted caller sees
        assert _unlabelled(query(**args, as_worker="D-STAYS")) == _unlabelled(query(**args))
        assert query(**args) != bare(**args)


def test_R_ACC_1_a_leaver_s_scope_is_nothing_from_the_leaving_day() -> None:
    """The one place scope is decided (``access.scope_for``), on both sides of the leaving day."""
    with _store(with_west=True) as qa:
        qa.record_many(LEAVERS, on_invalid=lambda i, e: pytest.fail(f"LEAVERS[{i}] refused: {e}"))
        assert qa.scope("TM-GONE", on=dt.date(2026, 8, 27)).kind == "team"
        assert qa.scope("TM-GONE", on=dt.date(2026, 8, 28)).kind == "none"
        assert qa.drift_register(as_of=dt.date(2026, 8, 27), as_worker="TM-GONE") != []
        assert qa.drift_register(as_of=dt.date(2026, 12, 5), as_worker="TM-GONE") == []
        assert qa.notifications(as_of=dt.date(2026, 8, 27), as_worker="TM-GONE") != []
        assert qa.notifications(as_of=dt.date(2026, 12, 5), as_worker="TM-GONE") == []
