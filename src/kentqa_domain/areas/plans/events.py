"""Children's plans: looked-after episodes, child protection plans, reviews, actions, allocation and QA (SPEC sections 3, 9.2).

Constructing an event checks its shape (:mod:`kentqa_domain.event_base`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ...errors import InvalidEvent
from ...event_base import Event, actions, check_unique_actions, one_action
from ...fields import (
    choice,
    day,
    flag,
    ident,
    opt_choice,
    opt_flag,
    opt_ident,
)
from ...values import (
    Action,
    Grade,
    LegalStatus,
    Participation,
    PlanKind,
    ReviewKind,
)


@attrs.frozen
class ChildBecameLookedAfter(Event):
    """Starts the looked-after plan (R-LAC-1). ``legal_status`` (SSDA903 ``LS``, SPEC 9.2):
    V3 or V4, a series of short breaks, reviews by R-LAC-8 instead of R-LAC-1..3."""

    date_field: ClassVar[str] = "on"
    child_ref: str = ident()
    on: dt.date = day()
    iro_id: str | None = opt_ident()
    legal_status: LegalStatus | None = opt_choice(LegalStatus)


@attrs.frozen
class LegalStatusChanged(Event):
    """A looked-after child's legal status changes (SSDA903 ``LS``; SPEC 9.2)."""

    date_field: ClassVar[str] = "changed_on"
    child_ref: str = ident()
    changed_on: dt.date = day()
    legal_status: LegalStatus = choice(LegalStatus)


@attrs.frozen
class PlacedForAdoption(Event):
    """A looked-after child placed for adoption (Adoption Agencies Regulations 2005 reg 36;
    SPEC 9.2): reviews follow R-ADO-1 from the placement."""

    date_field: ClassVar[str] = "placed_on"
    child_ref: str = ident()
    placed_on: dt.date = day()


@attrs.frozen
class ChildCeasedLookedAfter(Event):
    """Closes everything for the child's looked-after plan (R-LAC-7)."""

    date_field: ClassVar[str] = "on"
    child_ref: str = ident()
    on: dt.date = day()


@attrs.frozen
class StrategyDiscussionHeld(Event):
    """A strategy discussion; with ``section_47`` it starts a section 47 enquiry and the
    initial conference is due 15 working days after the latest such discussion of an enquiry
    not yet concluded (R-CP-1 revised, SPEC 9.2)."""

    date_field: ClassVar[str] = "held_on"
    child_ref: str = ident()
    held_on: dt.date = day()
    section_47: bool = flag(default=True)


@attrs.frozen
class Section47Completed(Event):
    """A section 47 enquiry's outcome (Working Together 2023; SPEC 9.2): with
    ``conference_required=False`` the enquiry is concluded and no initial conference is due
    (R-CP-8); with ``True`` the conference stays due from the strategy discussion (R-CP-1)."""

    date_field: ClassVar[str] = "completed_on"
    child_ref: str = ident()
    completed_on: dt.date = day()
    conference_required: bool = flag()


@attrs.frozen
class ChildProtectionPlanEnded(Event):
    """Closes everything for the child's CP plan (R-CP-7)."""

    date_field: ClassVar[str] = "ended_on"
    child_ref: str = ident()
    ended_on: dt.date = day()


@attrs.frozen
class ReviewHeld(Event):
    """A looked-after review or CP conference (R-LAC-1..3, R-CP-1..3).

    ``plan_made`` (initial CP conferences only, SPEC 9.2): ``False`` when the conference
    decided no child protection plan; no plan starts and nothing further is due (R-CP-9).
    """

    date_field: ClassVar[str] = "held_on"
    review_id: str = ident()
    child_ref: str = ident()
    kind: ReviewKind = choice(ReviewKind)
    held_on: dt.date = day()
    chair_id: str | None = opt_ident()
    actions: tuple[Action, ...] = actions()
    participation: Participation | None = opt_choice(Participation)
    plan_made: bool = flag(default=True)

    def __attrs_post_init__(self) -> None:
        check_unique_actions(self)
        if not self.plan_made and self.kind is not ReviewKind.INITIAL_CP_CONFERENCE:
            raise InvalidEvent(
                "ReviewHeld",
                "plan_made",
                "R-CP-9",
                "only an initial child protection conference may make no plan",
            )
        if not self.plan_made and self.actions:
            raise InvalidEvent(
                "ReviewHeld", "actions", "R-CP-9", "a conference that made no plan sets no plan actions"
            )


@attrs.frozen
class MidwayReviewCompleted(Event):
    """A midway review of the plan (R-LAC-4, R-CP-4)."""

    date_field: ClassVar[str] = "completed_on"
    child_ref: str = ident()
    plan: PlanKind = choice(PlanKind)
    completed_on: dt.date = day()
    by: str = ident()


@attrs.frozen
class PlanActionCompleted(Event):
    """A plan action done; not done by its due date is drift (R-LAC-6, R-CP-6)."""

    date_field: ClassVar[str] = "completed_on"
    child_ref: str = ident()
    action_id: str = ident()
    completed_on: dt.date = day()


@attrs.frozen
class PlanActionAgreed(Event):
    """An action added to a child's plan between reviews (SPEC 9.5; R-LAC-6, R-CP-6): an IRO
    or CP Chair adds one the day after a review. ``review_id``, if given, is the review it
    follows up. Due by ``action.due_on``, not before it was agreed; not completed by then is
    drift (``action_overdue``), like an action set at a review."""

    date_field: ClassVar[str] = "agreed_on"
    child_ref: str = ident()
    plan: PlanKind = choice(PlanKind)
    action: Action = one_action()
    agreed_on: dt.date = day()
    review_id: str | None = opt_ident()

    def __attrs_post_init__(self) -> None:
        if self.action.due_on < self.agreed_on:
            raise InvalidEvent(
                type(self).__name__,
                "action.due_on",
                "date-order",
                f"must not be before agreed_on ({self.agreed_on})",
            )

    @property
    def action_id(self) -> str:
        """The action's id (the event's identity, with ``child_ref``)."""
        return self.action.action_id


@attrs.frozen
class ChildAllocated(Event):
    """The child's case is allocated to a team, and to a social worker when ``worker_id`` is
    given (SPEC 9.2): from ``allocated_on`` the child's drift rows count under that team
    (R-ACC-1) and carry the worker, until the next allocation (decision 0985)."""

    date_field: ClassVar[str] = "allocated_on"
    child_ref: str = ident()
    allocated_on: dt.date = day()
    team_id: str = ident()
    worker_id: str | None = opt_ident()


@attrs.frozen
class IROAssigned(Event):
    """An Independent Reviewing Officer is appointed to a looked-after child, or the child's
    IRO changes (SPEC 9.2): the IRO appointed within 5 working days of the child becoming
    looked after (R-LAC-9, IRO Handbook); ``iro_id`` is a worker with the role ``iro``."""

    date_field: ClassVar[str] = "assigned_on"
    child_ref: str = ident()
    assigned_on: dt.date = day()
    iro_id: str = ident()


@attrs.frozen
class CPChairAssigned(Event):
    """A Child Protection Chair is assigned to the child's child protection process, or the
    chair changes (SPEC 9.2); ``chair_id`` is a worker with the role ``cp_chair``."""

    date_field: ClassVar[str] = "assigned_on"
    child_ref: str = ident()
    assigned_on: dt.date = day()
    chair_id: str = ident()


@attrs.frozen
class ReviewQualityAssured(Event):
    """The IRO's or CP Chair's QA of a review (R-LAC-5, R-CP-5)."""

    date_field: ClassVar[str] = "assured_on"
    review_id: str = ident()
    assured_on: dt.date = day()
    by: str = ident()
    plan_reflects_needs: bool = flag()
    actions_in_child_timeframe: bool = flag()
    consistent_with_legal_duties: bool = flag()
    smart: bool | None = opt_flag()
    grade: Grade | None = opt_choice(Grade)
