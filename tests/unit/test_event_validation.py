"""Bad input gets InvalidEvent naming the event type, the field and the rule (SPEC section 2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.errors import InvalidEvent

GOOD_LEFT = {"type": "WorkerLeft", "worker_id": "W1", "left_on": "2026-01-31"}
GOOD_AUDIT = {
    "type": "AuditCompleted",
    "audit_id": "A1",
    "kind": "peer",
    "auditor_id": "M1",
    "team_id": "T1",
    "completed_on": "2026-09-10",
    "case_ref": "CASE-1",
    "overall": "good",
}


@pytest.mark.parametrize(
    ("obj", "event_type", "field", "rule"),
    [
        ({**GOOD_LEFT, "left_on": "31/01/2026"}, "WorkerLeft", "left_on", "date"),
        ({**GOOD_LEFT, "left_on": "2026-02-30"}, "WorkerLeft", "left_on", "date"),
        ({**GOOD_LEFT, "left_on": "2026-01-31T10:00"}, "WorkerLeft", "left_on", "date"),
        ({**GOOD_LEFT, "left_on": "1800-01-01"}, "WorkerLeft", "left_on", "date-range"),
        ({**GOOD_LEFT, "left_on": 20260131}, "WorkerLeft", "left_on", "type"),
        ({**GOOD_LEFT, "worker_id": ""}, "WorkerLeft", "worker_id", "required"),
        ({**GOOD_LEFT, "worker_id": 7}, "WorkerLeft", "worker_id", "type"),
        ({**GOOD_LEFT, "worker_id": "x" * 500}, "WorkerLeft", "worker_id", "identifier"),
        ({**GOOD_LEFT, "worker_id": "a\nb"}, "WorkerLeft", "worker_id", "identifier"),
        ({**GOOD_LEFT, "colour": "red"}, "WorkerLeft", "colour", "unknown-field"),
        ({"type": "WorkerLeft", "worker_id": "W1"}, "WorkerLeft", "left_on", "required"),
        ({**GOOD_AUDIT, "overall": None}, "AuditCompleted", "overall", "R-AUD-3"),
        ({**GOOD_AUDIT, "overall": "excellent"}, "AuditCompleted", "overall", "enum Grade"),
        ({**GOOD_AUDIT, "kind": "random"}, "AuditCompleted", "kind", "enum AuditKind"),
        ({**GOOD_AUDIT, "case_ref": None}, "AuditCompleted", "case_ref", "R-AUD-4"),
        ({**GOOD_AUDIT, "cycle_id": "2026-T4"}, "AuditCompleted", "cycle_id", "R-AUD-1"),
        ({**GOOD_AUDIT, "themes": "housing"}, "AuditCompleted", "themes", "type"),
        (
            {
                **GOOD_AUDIT,
                "actions": [{"action_id": "a", "description": "d", "owner_id": "o", "due_on": "2026-13-01"}],
            },
            "AuditCompleted",
            "actions.due_on",
            "date",
        ),
        (
            {
                **GOOD_AUDIT,
                "actions": [{"action_id": "a", "description": "d", "owner_id": "o", "due_on": "2026-10-01"}]
                * 2,
            },
            "AuditCompleted",
            "actions",
            "unique",
        ),
        (
            {
                "type": "FeedbackReceived",
                "feedback_id": "F1",
                "received_on": "2026-01-01",
                "source": "child",
                "channel": "momo",
                "rating": 6,
            },
            "FeedbackReceived",
            "rating",
            "range",
        ),
        (
            {
                "type": "FeedbackReceived",
                "feedback_id": "F1",
                "received_on": "2026-01-01",
                "source": "child",
                "channel": "momo",
                "rating": True,
            },
            "FeedbackReceived",
            "rating",
            "type",
        ),
        (
            {
                "type": "ThematicAuditAgreed",
                "theme_id": "TH1",
                "title": "t",
                "hypothesis": "h",
                "agreed_on": "2026-05-01",
                "due_on": "2026-04-01",
            },
            "ThematicAuditAgreed",
            "due_on",
            "date-order",
        ),
        (
            {
                "type": "ComplaintReceived",
                "complaint_id": "K1",
                "received_on": "2026-01-01",
                "complainant": "parent_carer",
                "service": "CSW",
                "matter_on": "2026-02-01",
            },
            "ComplaintReceived",
            "matter_on",
            "R-CMP-4",
        ),
        (
            {
                "type": "WorkerRegistered",
                "worker_id": "W",
                "team_id": "T",
                "role": "practitioner",
                "experience": "experienced",
                "registered_on": "2026-01-01",
                "asye_started_on": "2026-01-01",
            },
            "WorkerRegistered",
            "asye_started_on",
            "R-OBS-1",
        ),
        (
            {
                "type": "ObservationRecorded",
                "observation_id": "O",
                "worker_id": "W",
                "observer_id": "M",
                "observed_on": "2026-01-01",
                "setting": "practice",
                "judgements": {"charm": "good"},
                "overall": "good",
            },
            "ObservationRecorded",
            "judgements.charm",
            "enum ObservationArea",
        ),
        ({"type": "Nonsense"}, "Nonsense", "type", "known-type"),
        ({"worker_id": "W1"}, "event", "type", "required"),
    ],
)
def test_refusals_name_type_field_and_rule(
    obj: dict[str, object], event_type: str, field: str, rule: str
) -> None:
    with pytest.raises(InvalidEvent) as caught:
        ev.parse(obj)
    assert (caught.value.event_type, caught.value.field, caught.value.rule) == (event_type, field, rule)
    assert event_type in str(caught.value) and rule in str(caught.value)


def test_not_an_object() -> None:
    for bad in ([], "WorkerLeft", 3, None):
        with pytest.raises(InvalidEvent, match="JSON object"):
            ev.parse(bad)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(
    type_name=st.sampled_from([*ev.EVENT_TYPES, "Unknown"]),
    fields=st.dictionaries(
        st.sampled_from(
            ["worker_id", "team_id", "on", "held_on", "kind", "stage", "actions", "judgements", "rating", "x"]
        ),
        json_values,
        max_size=6,
    ),
)
def test_any_json_gives_an_event_or_invalid_event(type_name: str, fields: dict[str, object]) -> None:
    """Whatever JSON arrives, parse returns an event or raises InvalidEvent, nothing else."""
    try:
        event = ev.parse({"type": type_name, **fields})
    except InvalidEvent as exc:
        assert exc.event_type and exc.rule
    else:
        assert type(event).__name__ == type_name


def test_nan_rating_is_refused() -> None:
    with pytest.raises(InvalidEvent, match="rating"):
        ev.parse(
            {
                "type": "FeedbackReceived",
                "feedback_id": "F1",
                "received_on": "2026-01-01",
                "source": "child",
                "channel": "momo",
                "rating": math.nan,
            }
        )
