"""Erasure: forgetting a child (crypto-shredding; ``docs/security.md``, decision 0601).

The state in the store names a child only by its token and pseudonyms (decision 0900), and
the child's events hold its reference only in a part sealed with its own key. Forgetting
therefore: stores the fact (``ChildForgotten``: the token only) and drops the child's review
lookup names and pseudonyms' sealed originals, in one write transaction; destroys the
child's key; deletes the notification deliveries that named the child; and scrubs the
database files so that no deleted byte survives. Afterwards every answer counts the child
under its token, exactly as a replay of the log does.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import orjson

from ..errors import InvalidEvent, StorageError, UnknownReference
from ..fields import EARLIEST_DATE, LATEST_DATE, check_identifier
from ..serialization.mapper import FORGOTTEN_TOPIC
from ..state.outbox import Notifications
from .keyring import key_id_of, token_for

if TYPE_CHECKING:
    from ..state.engine import Engine


@attrs.frozen
class Erasure:
    """What ``forget_child`` did: the child's anonymous token, and whether the files were scrubbed."""

    token: str
    forgotten_on: dt.date
    scrubbed: bool
    problem: str | None = None


def forget_child(qa: Engine, child_ref: str, on: dt.date) -> Erasure:
    """See :meth:`kentqa_domain.application.QualityAssurance.forget_child`."""
    check_identifier(_FORGET, _CHILD_REF, child_ref)
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise InvalidEvent("forget_child", "on", "type", "must be a date")
    if not EARLIEST_DATE <= on <= LATEST_DATE:  # year 1 or 9999: a typo, never a decision's date
        raise InvalidEvent(
            "forget_child",
            "on",
            "date-range",
            f"{on.isoformat()} is outside {EARLIEST_DATE.isoformat()}..{LATEST_DATE.isoformat()}",
        )
    qa.catch_up()
    key_id = qa.keyring.child_key_id(child_ref, create=False)
    if key_id is None:
        raise UnknownReference(
            "forget_child",
            "child_ref",
            "reference",
            f"no readable event of child {child_ref!r}: never recorded or already forgotten",
        )
    token = token_for(key_id)
    qa.recording.record_forgetting(token, on, qa.erasure_stream)
    qa.keyring.destroy_child(key_id)
    qa.revealer.forget(key_id)
    qa.projections["reveal"].session.clear()
    forget_deliveries(qa, child_ref)
    problem = scrub_after(qa)
    return Erasure(token=token, forgotten_on=on, scrubbed=problem is None, problem=problem)


def catch_up_forgettings(qa: Engine) -> None:
    """Children forgotten (by any process) since this connection last looked: drop what it
    holds of their keys and references, and finish a forgetting whose process died before
    destroying the key."""
    end = qa.log.end()
    if end <= qa.forgettings_seen:
        return
    for _position, state in qa.state_tables.log_topic(qa.recorder, qa.forgettings_seen, FORGOTTEN_TOPIC):
        token = orjson.loads(qa.event_mapper.unseal(state))["m"]["token"]
        key_id = key_id_of(token)
        if key_id is None:
            continue
        if qa.keyring.child_key(key_id) is not None:
            qa.keyring.destroy_child(key_id)
            scrub_after(qa)
        qa.keyring.forget_cached(key_id)
        qa.revealer.forget(key_id)
    qa.forgettings_seen = end


def forget_deliveries(qa: Engine, child_ref: str) -> None:
    """The delivery record of ``kentqa notify`` names children in plain notifications:
    delete the deliveries about this child (scrubbed with the rest). Later runs name the
    child by its anonymous token. ``memory://`` keeps no delivery record between runs."""
    if qa.storage.display == "memory://":
        return
    with Notifications(qa.storage) as outbox:
        ids = [d.id for d in outbox.view.deliveries.values() if _names_child(d.notification, child_ref)]
        if ids:
            qa.admin.delete_streams(outbox.recorder, ids)


def scrub_after(qa: Engine) -> str | None:
    """Scrub the files; None, or why it failed (the erasure itself stands: the key is gone)."""
    try:
        qa.scrub()
    except StorageError as exc:
        return str(exc)
    return None


def _names_child(notification: dict[str, Any], child_ref: str) -> bool:
    refs = notification.get("refs") or {}
    return refs.get("child_ref") == child_ref or str(notification.get("subject", "")).startswith(
        f"child:{child_ref}:"
    )


_FORGET: Any = type("forget_child", (), {})()  # names the operation in field errors
_CHILD_REF: Any = type("Attribute", (), {"name": "child_ref"})()
