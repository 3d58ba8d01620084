"""What every event shares: the :class:`Event` base and the field helpers for actions,
themes and texts (SPEC sections 2 and 3).

The events themselves live with their area (``kentqa_domain.areas.<area>.events``);
:mod:`kentqa_domain.events` is the catalogue of them all.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .errors import InvalidEvent
from .fields import (
    items,
    text_item,
    theme_item,
)
from .values import (
    Action,
)


class Event:
    """Base of all events. ``date_field`` names the business date the rules use."""

    date_field: ClassVar[str]
    if TYPE_CHECKING:
        __attrs_attrs__: ClassVar[Any]

    @property
    def business_date(self) -> dt.date:
        value: dt.date = getattr(self, self.date_field)
        return value

    @property
    def type(self) -> str:
        return type(self).__name__


def action_item(value: object, inst: object, attribute: attrs.Attribute[Any]) -> Action:
    if isinstance(value, Action):
        return value
    if not isinstance(value, dict):
        raise InvalidEvent(type(inst).__name__, attribute.name, "type", "each action must be an object")
    unknown = set(value) - {"action_id", "description", "owner_id", "due_on"}
    missing = {"action_id", "description", "owner_id", "due_on"} - set(value)
    if unknown or missing:
        what = f"unknown field {sorted(unknown)[0]!r:.40}" if unknown else f"missing {sorted(missing)[0]}"
        raise InvalidEvent(type(inst).__name__, attribute.name, "shape", f"each action: {what}")
    try:
        return Action(**value)
    except InvalidEvent as exc:
        raise InvalidEvent(
            type(inst).__name__, f"{attribute.name}.{exc.field}", exc.rule, exc.message
        ) from None


def one_action() -> Any:
    """A field holding one action (``PlanActionAgreed.action``), as an object or an :class:`Action`."""
    return attrs.field(converter=attrs.Converter(action_item, takes_self=True, takes_field=True))


def actions() -> Any:
    return items(action_item)


def themes() -> Any:
    return items(theme_item)


def texts() -> Any:
    return items(text_item)


def check_unique_actions(event: Any) -> None:
    ids = [a.action_id for a in event.actions]
    if len(set(ids)) != len(ids):
        raise InvalidEvent(
            type(event).__name__, "actions", "unique", "action ids must be unique within the event"
        )


def check_order(event: Any, first: str, then: str) -> None:
    if getattr(event, then) < getattr(event, first):
        raise InvalidEvent(type(event).__name__, then, "date-order", f"must not be before {first}")
