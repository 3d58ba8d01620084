"""R-ACC-1 on the complaints register and summary: each principal sees their team, service
or area; complaints with no team only to those who see everything."""

from __future__ import annotations

import datetime as dt

import pytest

import kentqa_domain as kq
from kentqa_domain.errors import UnknownReference
from tests.complaint_histories import SCENARIO, STAFF
from tests.conftest import organisation

NO_TEAM = {
    "type": "ComplaintReceived",
    "complaint_id": "K4",
    "received_on": "2027-01-06",
    "complainant": "foster_carer",
    "service": "Fostering",
}
AREA_DIRECTOR = {
    "type": "WorkerRegistered",
    "worker_id": "AD1",
    "team_id": "T-WEST-1",
    "role": "assistant_director",
    "experience": "experienced",
    "registered_on": "2026-01-05",
}


@pytest.mark.parametrize(
    ("worker", "visible"),
    [
        (None, ["K2", "K1", "K4", "K3"]),  # a trusted script: everything, by receipt date
        ("QA1", ["K2", "K1", "K4", "K3"]),  # the QA unit sees all, including no team
        ("TM1", ["K1", "K3"]),  # team manager of T-EAST-1
        ("SM2", ["K2"]),  # service manager of Early Help (T-WEST-1)
        ("AD1", ["K2"]),  # assistant director of the West area
        ("W1", []),  # a practitioner: complaints are not about their own rows
    ],
)
def test_R_ACC_1_the_register_and_summary_are_scoped(worker: str | None, visible: list[str]) -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation(), *STAFF, AREA_DIRECTOR, *SCENARIO, NO_TEAM])
        rows = qa.complaints_register(as_of=dt.date(2027, 2, 1), as_worker=worker)
        assert [r.complaint_id for r in rows] == visible
        summary = qa.complaints_summary(dt.date(2026, 12, 1), dt.date(2027, 1, 31), as_worker=worker)
        assert summary.overall.received == len(visible)


def test_R_ACC_1_an_unknown_principal_is_refused() -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(organisation())
        with pytest.raises(UnknownReference) as caught:
            qa.complaints_register(as_of=dt.date(2027, 2, 1), as_worker="NOBODY")
        assert (caught.value.event_type, caught.value.field) == (
            "complaints_register",
            "as_worker",
        )  # SPEC 9.5
