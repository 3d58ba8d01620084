"""An event stored by an earlier release, before a field with a default was added to its
type (``ComplaintReceived.child_ref``, SPEC 9.2), reads with the default and, sent again by a
nightly job, is the same event: a no-op at its first position, not a ``ConflictingEvent``.
A changed field is still a conflict naming it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest

import kentqa_domain as kq
from kentqa_domain.errors import ConflictingEvent
from kentqa_domain.recording.identity import digest64
from kentqa_domain.state.sql_base import signed

COMPLAINT = {
    "type": "ComplaintReceived",
    "complaint_id": "CMP-1",
    "received_on": "2026-03-02",
    "complainant": "parent_carer",
    "service": "Children's Social Work",
}


def _as_the_earlier_release_stored_it(db: Path) -> None:
    """Remove ``child_ref`` from the stored JSON and its identity's digest, as the release
    before the field existed wrote them."""
    with sqlite3.connect(db) as conn:
        (state,) = conn.execute(
            "SELECT state FROM stored_events WHERE topic = 'ComplaintReceived'"
        ).fetchone()
        stored = orjson.loads(state)
        assert stored["e"].pop("child_ref") is None
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE topic = 'ComplaintReceived'", (orjson.dumps(stored),)
        )
        body = orjson.dumps(stored["e"], option=orjson.OPT_SORT_KEYS)
        assert (
            conn.execute("UPDATE kentqa_identities SET digest = ?", (signed(digest64(body)),)).rowcount == 1
        )


def test_an_event_stored_before_a_field_was_added_is_the_same_event_sent_again(tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    url = f"sqlite:///{db}"
    with kq.connect(url, policy=kq.Policy()) as qa:
        first = qa.record_json(COMPLAINT)
    _as_the_earlier_release_stored_it(db)
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert [
            r.complaint_id for r in qa.complaints_register(as_of=kq.events.parse(COMPLAINT).business_date)
        ] == ["CMP-1"]
        assert qa.record_json(COMPLAINT) == first
        again = qa.record_many([COMPLAINT])
        assert (again.new, again.already_recorded) == (0, 1)
        with pytest.raises(ConflictingEvent) as caught:
            qa.record_json({**COMPLAINT, "service": "Early Help"})
        assert caught.value.field == "service"
        assert qa.position == first
