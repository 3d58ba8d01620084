"""The Notification value: a stable idempotency key, JSON both ways, refusals (SPEC section 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain.notifications import Notification, NotificationKind
from tests.strategies import dates, ids

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs")), min_size=1, max_size=30)


@st.composite
def notifications(draw: st.DrawFn) -> Notification:
    return Notification(
        kind=draw(st.sampled_from(list(NotificationKind))),
        subject=f"{draw(st.sampled_from(['worker', 'child', 'audit']))}:{draw(ids)}",
        due_on=draw(dates),
        audience=draw(st.sampled_from(["team_manager", "iro", "cp_chair", "customer.care@example.org"])),
        message=draw(words),
        team_id=draw(st.none() | ids),
        refs=draw(st.dictionaries(st.sampled_from(["worker_id", "child_ref", "audit_id"]), ids, max_size=3)),
    )


@given(notifications())
def test_json_round_trip_keeps_the_value_and_its_key(n: Notification) -> None:
    obj = n.to_json()
    assert Notification.from_json(obj) == n
    assert obj["key"] == n.key == f"{n.kind.value}:{n.subject}:{n.due_on.isoformat()}"


@given(notifications(), words)
def test_the_key_is_kind_subject_and_due_date_only(n: Notification, other_message: str) -> None:
    """The message, audience and refs can change between runs without making a new notification."""
    changed = Notification(
        kind=n.kind, subject=n.subject, due_on=n.due_on, audience="director", message=other_message
    )
    assert changed.key == n.key


@given(notifications(), st.integers(1, 400))
def test_a_new_due_date_is_a_new_notification(n: Notification, days: int) -> None:
    later = Notification(
        kind=n.kind,
        subject=n.subject,
        due_on=n.due_on + dt.timedelta(days=days),
        audience=n.audience,
        message=n.message,
    )
    assert later.key != n.key


def test_headline_names_the_kind_in_words() -> None:
    n = Notification(
        kind="observation_overdue",
        subject="worker:W1",
        due_on=dt.date(2026, 3, 1),
        audience="team_manager",
        message="m",
    )
    assert n.headline == "Observation overdue: worker:W1 (due 2026-03-01)"
    assert n.kind is NotificationKind.OBSERVATION_OVERDUE


@pytest.mark.parametrize(
    ("field", "value"),
    [("subject", ""), ("subject", " worker:W1"), ("audience", "  "), ("message", "")],
)
def test_blank_text_is_refused_naming_the_field(field: str, value: str) -> None:
    base = {
        "kind": "audit_inadequate",
        "subject": "audit:A1",
        "due_on": dt.date(2026, 1, 1),
        "audience": "iro",
        "message": "m",
    }
    with pytest.raises(ValueError, match=rf"Notification\.{field}"):
        Notification(**{**base, field: value})  # type: ignore[arg-type]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="not_a_kind"):
        Notification(
            kind="not_a_kind", subject="x:1", due_on=dt.date(2026, 1, 1), audience="iro", message="m"
        )
