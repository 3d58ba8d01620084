"""Hypothesis strategies: a valid instance of every event type, derived from the attrs fields.

Used by the round-trip tests and by rule tests that need arbitrary but well-formed events.
"""

from __future__ import annotations

import datetime as dt
import typing
from enum import Enum
from typing import Any

import attrs
from hypothesis import strategies as st

from kentqa_domain import events as ev
from kentqa_domain.values import Action, AuditKind, ExperienceLevel, ObservationArea, ReviewKind

ID_ALPHABET = st.characters(codec="utf-8", categories=("L", "N"), include_characters="-_./:")
#: Ids never start like a spreadsheet formula (= + - @: decision 0900).
ids = st.text(ID_ALPHABET, min_size=1, max_size=12).filter(lambda s: s[0] not in "=+-@")
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40)
nonempty_texts = texts.filter(str.strip)
themes = st.text(
    st.characters(categories=("Ll", "Nd"), include_characters="_-"), min_size=1, max_size=10
).filter(lambda s: s[0] != "-")
dates = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))


@st.composite
def actions(draw: st.DrawFn) -> tuple[Action, ...]:
    action_ids = draw(st.lists(ids, max_size=3, unique=True))
    return tuple(
        Action(action_id=a, description=draw(nonempty_texts), owner_id=draw(ids), due_on=draw(dates))
        for a in action_ids
    )


def _for_field(cls: type, field: attrs.Attribute[Any], hint: Any) -> st.SearchStrategy[Any]:
    name = field.name
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or (args and type(None) in args and origin is not tuple):
        inner = next(a for a in args if a is not type(None))
        return st.none() | _for_field(cls, field, inner)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(1, 5) if name == "rating" else st.integers(1, 12)
    if hint is dt.date:
        return dates
    if hint is Action:
        return st.builds(Action, action_id=ids, description=nonempty_texts, owner_id=ids, due_on=dates)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(list(hint))
    if origin is tuple:
        if args[0] is Action:
            return actions()
        if name == "themes":
            return st.lists(themes, max_size=3).map(tuple)
        return st.lists(nonempty_texts, max_size=3).map(tuple)
    if origin is dict:
        keys = st.sampled_from([a.value for a in ObservationArea]) if name == "judgements" else ids
        grade = typing.get_args(hint)[1]
        return st.dictionaries(keys, st.sampled_from(list(grade)), max_size=4)
    if hint is str:
        if name.endswith(("_id", "_ref")) or name in ("by", "raised_by"):
            return ids
        if name in ("name", "service", "area", "title", "hypothesis", "response", "outcome", "reason"):
            return nonempty_texts
        return texts
    raise NotImplementedError(f"no strategy for {cls.__name__}.{name}: {hint!r}")


def _fix(cls: type, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Satisfy the cross-field rules the events check on construction."""
    if cls is ev.WorkerRegistered and kwargs["experience"] is not ExperienceLevel.ASYE:
        kwargs["asye_started_on"] = None
    if cls is ev.AuditCompleted:
        if kwargs["kind"].graded and kwargs["overall"] is None:
            kwargs["overall"] = "good"
        if kwargs["kind"] in (AuditKind.PRACTITIONER, AuditKind.PEER) and kwargs["case_ref"] is None:
            kwargs["case_ref"] = "case-1"
        if kwargs["cycle_id"] is not None:
            kwargs["cycle_id"] = "2026-T2"
    if cls is ev.ThematicAuditAgreed and kwargs["due_on"] < kwargs["agreed_on"]:
        kwargs["agreed_on"], kwargs["due_on"] = kwargs["due_on"], kwargs["agreed_on"]
    if cls is ev.ReviewHeld and (kwargs["kind"] is not ReviewKind.INITIAL_CP_CONFERENCE or kwargs["actions"]):
        kwargs["plan_made"] = True  # R-CP-9: only an initial conference makes no plan, with no actions
    if cls is ev.PlanActionAgreed and kwargs["action"].due_on < kwargs["agreed_on"]:
        kwargs["agreed_on"] = kwargs["action"].due_on
    if cls is ev.ASYEExtended and kwargs["extended_on"] is not None:
        kwargs["extended_on"] = min(kwargs["extended_on"], kwargs["extended_to"])  # agreed before the new end
    if cls is ev.ComplaintReceived and kwargs["matter_on"] is not None:
        kwargs["matter_on"] = min(kwargs["matter_on"], kwargs["received_on"])
    return kwargs


def event_of(cls: type[ev.Event]) -> st.SearchStrategy[ev.Event]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: _for_field(cls, f, hints[f.name]) for f in attrs.fields(cls)}
    return st.fixed_dictionaries(fields).map(lambda kw: cls(**_fix(cls, kw)))


any_event = st.sampled_from(list(ev.EVENT_TYPES.values())).flatmap(event_of)
