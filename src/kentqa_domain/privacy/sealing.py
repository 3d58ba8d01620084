"""Which parts of an event identify a child, and how they are sealed with the child's own key.

Events that carry a ``child_ref`` (and the follow-ups of a child's reviews and escalations)
are stored in two parts (``docs/security.md``, decision 0601):

- a *clear* part (under the application cipher when it is on): the event with the child's
  reference replaced by an anonymous token (``anon-<key id>``), the child's review and plan
  action ids replaced by pseudonyms (HMAC under the child's key) and free text replaced by a
  pseudonym. Types, dates, kinds, stages, grades and worker ids stay readable, so the child
  is still counted, anonymously, after it is forgotten;
- a *sealed* part: the whole original event, AES-GCM encrypted with the child's key.

Destroying the child's key (``forget_child``) leaves only the clear part: the event then
reads with the token, the pseudonyms and empty free text (:attr:`Sealing.anonymous`).
Identity keys and content digests are taken from the clear part, so idempotency and the
identity index are the same before and after forgetting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import attrs

from .. import events as ev
from ..recording.write_model import WriteModel
from .forgetting import PRIVATE, Private
from .keyring import pseudonym, token_for


def child_of(event: ev.Event, book: WriteModel, review_token: Callable[[str], str | None]) -> str | None:
    """The child an event is about, if it is one of the child's: its reference, or for a
    follow-up its token (a review's QA: ``review_token(review id)``; an escalation's: the
    write model's escalation)."""
    if type(event) not in PRIVATE:
        return None
    ref = getattr(event, "child_ref", None)
    if isinstance(ref, str):
        return ref
    if isinstance(event, ev.ReviewQualityAssured):
        return review_token(event.review_id)
    escalation_id = getattr(event, "escalation_id", None)
    if escalation_id is not None and not isinstance(event, ev.EscalationRaised):
        escalation = book.escalations.get(escalation_id)
        return escalation.child_ref if escalation is not None else None
    return None


@attrs.frozen
class Sealing:
    """An event of a child, split for storage."""

    child_ref: str
    key_id: str
    clear: ev.Event  # what is stored readable (pseudonyms in place of identifying values)
    anonymous: ev.Event  # what the event reads as once the key is destroyed
    aliases: Mapping[str, Mapping[str, str]]  # kind -> {original id: pseudonym}

    @property
    def token(self) -> str:
        return token_for(self.key_id)


_new = object.__new__
_set = object.__setattr__


def _replaced(obj: Any, changes: Mapping[str, Any]) -> Any:
    """``attrs.evolve`` without running the validators again: the object was validated when
    it was made, and the changes are pseudonyms, tokens and blanks made here (hex digests,
    ``anon-<key id>``, empty text), valid in every field they replace. Recording seals every
    event of a child, so evolve's second validation was a tenth of the time to record."""
    out = _new(type(obj))
    for name in _names(type(obj)):
        _set(out, name, changes[name] if name in changes else getattr(obj, name))
    return out


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in attrs.fields(cls))
    return names


def seal(event: ev.Event, child_ref: str, key_id: str, key: bytes) -> Sealing:
    """Split ``event`` of ``child_ref`` with the child's key (see the module docstring)."""
    spec = PRIVATE[type(event)]
    token = token_for(key_id)
    aliases: dict[str, dict[str, str]] = {}

    def alias(kind: str, value: str) -> str:
        out = pseudonym(key, kind, value)
        aliases.setdefault(kind, {})[value] = out
        return out

    clear: dict[str, Any] = {}
    blank: dict[str, Any] = {}
    for name in spec.refs:
        if getattr(event, name) is not None:
            clear[name] = token
    for name in spec.ids:
        if getattr(event, name) is not None:  # an optional id (a PlanActionAgreed's review_id)
            clear[name] = alias(name, getattr(event, name))
    for name in spec.texts:
        value = getattr(event, name)
        clear[name] = pseudonym(key, "text", value) if value else value
        blank[name] = "" if value is not None else None
    if spec.actions:
        acts = cast("ev.ReviewHeld", event).actions
        clear["actions"] = tuple(
            _replaced(
                a,
                {
                    "action_id": alias("action_id", a.action_id),
                    "description": pseudonym(key, "text", a.description) if a.description else "",
                },
            )
            for a in acts
        )
        blank["actions"] = tuple(_replaced(a, {"description": ""}) for a in clear["actions"])
    if spec.action:
        one = cast("ev.PlanActionAgreed", event).action
        clear["action"] = _replaced(
            one,
            {
                "action_id": alias("action_id", one.action_id),
                "description": pseudonym(key, "text", one.description) if one.description else "",
            },
        )
        blank["action"] = _replaced(clear["action"], {"description": ""})
    clear_event = _replaced(event, clear)
    anonymous = _replaced(clear_event, blank) if blank else clear_event
    return Sealing(child_ref, key_id, clear_event, anonymous, aliases)


def reopened(original: ev.Event, clear: ev.Event, child_ref: str, key_id: str) -> Sealing:
    """The :class:`Sealing` of a stored event read with its key, from its two parts (no HMAC needed)."""
    spec = PRIVATE[type(original)]
    aliases: dict[str, dict[str, str]] = {}
    for name in spec.ids:
        if getattr(original, name) is not None:
            aliases.setdefault(name, {})[getattr(original, name)] = getattr(clear, name)
    if spec.actions:
        pairs = zip(
            cast("ev.ReviewHeld", original).actions, cast("ev.ReviewHeld", clear).actions, strict=True
        )
        for mine, stored in pairs:
            aliases.setdefault("action_id", {})[mine.action_id] = stored.action_id
    if spec.action:
        mine_one = cast("ev.PlanActionAgreed", original).action
        stored_one = cast("ev.PlanActionAgreed", clear).action
        aliases.setdefault("action_id", {})[mine_one.action_id] = stored_one.action_id
    return Sealing(child_ref, key_id, clear, blanked(clear), aliases)


__all__ = ["PRIVATE", "Private", "Sealing", "blanked", "child_of", "reopened", "seal"]


def blanked(clear_event: ev.Event) -> ev.Event:
    """The anonymous reading of a stored clear part (free text emptied)."""
    spec = PRIVATE.get(type(clear_event))
    if spec is None:
        return clear_event
    blank: dict[str, Any] = {n: ("" if getattr(clear_event, n) is not None else None) for n in spec.texts}
    if spec.actions:
        blank["actions"] = tuple(
            _replaced(a, {"description": ""}) for a in cast("ev.ReviewHeld", clear_event).actions
        )
    if spec.action:
        blank["action"] = _replaced(cast("ev.PlanActionAgreed", clear_event).action, {"description": ""})
    return cast("ev.Event", _replaced(clear_event, blank)) if blank else clear_event
