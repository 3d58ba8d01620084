"""complaint_deadline_near / complaint_deadline_breached (R-CMP-1..3, R-CMP-5, R-CMP-6) against
a plain oracle built on tests/complaint_histories.py (naive working days, SPEC's words)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.notifications import Notification, NotificationKind
from tests.complaint_histories import (
    business_order,
    causal_order,
    complaint_histories,
    nth_working_day_after,
    oracle_register,
)
from tests.conftest import organisation

AS_OF = st.dates(dt.date(2026, 9, 1), dt.date(2028, 3, 31))


def oracle(events: Sequence[ev.Event], as_of: dt.date, reminder: int) -> set[tuple[str, str]]:
    """(key, kind): open stages past their deadline are breached; open stages whose deadline is
    within ``reminder`` working days of ``as_of`` (the deadline day included) are near."""
    out = set()
    for row in oracle_register(events, as_of):
        if row["state"] != "open":
            continue
        key_tail = f"complaint:{row['complaint_id']}:{row['stage']}:{row['due_on'].isoformat()}"
        if as_of > row["due_on"]:
            out.add((f"complaint_deadline_breached:{key_tail}", "complaint_deadline_breached"))
        elif row["due_on"] <= nth_working_day_after(as_of, reminder):
            out.add((f"complaint_deadline_near:{key_tail}", "complaint_deadline_near"))
    return out


@settings(max_examples=80, deadline=None)
@given(
    complaint_histories(),
    st.lists(AS_OF, min_size=1, max_size=3),
    st.integers(0, 6),
    st.randoms(use_true_random=False),
)
def test_R_CMP_deadlines_near_and_breached_match_the_oracle_in_any_order(
    history: list[ev.Event], dates: list[dt.date], reminder: int, rnd: random.Random
) -> None:
    policy = attrs.evolve(
        kq.Policy(), complaint_reminder_working_days=reminder, customer_care_audience="cc@kent.example"
    )
    shuffled = list(history)
    rnd.shuffle(shuffled)
    for order in (business_order(history), causal_order(shuffled)):
        with kq.connect("memory://", policy=policy) as qa:
            qa.record_many(organisation())
            qa.record_many(order)
            for as_of in dates:
                got = [n for n in qa.notifications(as_of=as_of) if n.subject.startswith("complaint:")]
                assert {(n.key, n.kind.value) for n in got} == oracle(history, as_of, reminder)
                assert all(n.audience == "cc@kent.example" for n in got)
                assert all(f"Complaint {n.ref('complaint_id')} (" in n.message for n in got)


def about_complaints(qa: QualityAssurance, as_of: dt.date) -> list[Notification]:
    """Only the complaint notifications (other sources speak about the organisation's children)."""
    return [n for n in qa.notifications(as_of=as_of) if n.subject.startswith("complaint:")]


def test_a_worked_stage_1_complaint() -> None:
    """Received Mon 2 Nov 2026: stage 1 due on the 10th working day, Mon 16 Nov (R-CMP-1).
    With the default 3-day reminder: told 'near' from Wed 11 Nov (12, 13, 16 remain), not on
    Tue 10 Nov; 'breached' from Tue 17 Nov; after an extension (to 20 working days: Mon 30
    Nov) the near/breached notices are about the new deadline."""
    received = {
        "type": "ComplaintReceived",
        "complaint_id": "CMP-1",
        "received_on": "2026-11-02",
        "complainant": "parent_carer",
        "service": "Children's Social Work",
        "team_id": "T-EAST-1",
    }
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation(), received])
        assert about_complaints(qa, dt.date(2026, 11, 10)) == []
        (near,) = about_complaints(qa, dt.date(2026, 11, 11))
        assert near.key == "complaint_deadline_near:complaint:CMP-1:stage_1:2026-11-16"
        assert near.message == (
            "Complaint CMP-1 (stage 1; statutory; service Children's Social Work; team T-EAST-1) "
            "must be responded to by 2026-11-16."
        )
        assert near.audience == "customer_care" and near.team_id == "T-EAST-1"
        assert [n.key for n in about_complaints(qa, dt.date(2026, 11, 16))] == [near.key]
        (late,) = about_complaints(qa, dt.date(2026, 11, 17))
        assert late.kind is NotificationKind.COMPLAINT_DEADLINE_BREACHED
        assert late.message.endswith("was due a response by 2026-11-16 and has none.")
        qa.record_json(
            {
                "type": "ComplaintTimescaleExtended",
                "complaint_id": "CMP-1",
                "stage": "stage_1",
                "extended_on": "2026-11-12",
            }
        )
        assert about_complaints(qa, dt.date(2026, 11, 17)) == []
        (extended,) = about_complaints(qa, dt.date(2026, 11, 25))
        assert extended.key == "complaint_deadline_near:complaint:CMP-1:stage_1:2026-11-30"
        assert "by 2026-11-30 (extended)" in extended.message
        qa.record_json(
            {
                "type": "ComplaintResponded",
                "complaint_id": "CMP-1",
                "stage": "stage_1",
                "responded_on": "2026-11-26",
                "outcome": "upheld",
            }
        )
        assert about_complaints(qa, dt.date(2026, 12, 2)) == []  # R-CMP-5: a response closes the stage


def test_R_CMP_7_an_overdue_panel_report_then_an_overdue_response() -> None:
    """Stage 3 requested Mon 1 Mar 2027, the panel held Thu 22 Apr: its report was due Thu
    29 Apr (5 working days) and is told breached on Fri 30 Apr; reported Tue 4 May, the
    council's response is due Tue 25 May (15 working days) and told breached on 26 May; a
    referral to the Ombudsman ends the notices."""
    received = {
        "type": "ComplaintReceived", "complaint_id": "K1", "received_on": "2026-11-02",
        "complainant": "parent_carer", "service": "Children's Social Work", "team_id": "T-EAST-1",
    }  # fmt: skip
    steps = [
        {
            "type": "ComplaintEscalated",
            "complaint_id": "K1",
            "to_stage": "stage_2",
            "requested_on": "2026-12-01",
        },
        {
            "type": "ComplaintEscalated",
            "complaint_id": "K1",
            "to_stage": "stage_3",
            "requested_on": "2027-03-01",
        },
        {"type": "ComplaintPanelHeld", "complaint_id": "K1", "held_on": "2027-04-22"},
    ]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many([*organisation(), received, *steps], allow_future=True)
        (late,) = about_complaints(qa, dt.date(2027, 4, 30))
        assert late.key == "complaint_deadline_breached:complaint:K1:stage_3:2027-04-29"
        assert late.ref("due_for") == "panel_report"
        assert late.message.endswith("was due the review panel's report by 2027-04-29 and has none.")
        qa.record_json(
            {"type": "ComplaintPanelReported", "complaint_id": "K1", "reported_on": "2027-05-04"},
            allow_future=True,
        )
        assert about_complaints(qa, dt.date(2027, 5, 25))[0].kind is NotificationKind.COMPLAINT_DEADLINE_NEAR
        (late,) = about_complaints(qa, dt.date(2027, 5, 26))
        assert (late.ref("due_for"), late.due_on) == ("response", dt.date(2027, 5, 25))
        assert late.message.endswith("was due a response by 2027-05-25 and has none.")
        qa.record_json(
            {"type": "ComplaintReferredToOmbudsman", "complaint_id": "K1", "referred_on": "2027-06-01"},
            allow_future=True,
        )
        assert about_complaints(qa, dt.date(2027, 6, 1)) == []
