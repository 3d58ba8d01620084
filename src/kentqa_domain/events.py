"""Every event of SPEC section 3 as an immutable ``attrs`` class with validators.

Field names are the JSON field names. Constructing an event validates its shape: a bad field
raises :class:`kentqa_domain.errors.InvalidEvent` naming the event type, the field and the rule.
Rules that need history (references, stages, idempotency) are checked when recording.
Children appear only as pseudonymous ``child_ref`` values: no event has a field for a name.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any, ClassVar, Union

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.strategies import configure_tagged_union

from .calendar import parse_cycle_id
from .errors import InvalidEvent
from .fields import (
    choice,
    day,
    flag,
    grade_map,
    ident,
    items,
    opt_choice,
    opt_day,
    opt_flag,
    opt_ident,
    opt_int,
    text,
    text_item,
    theme_item,
)
from .values import (
    Action,
    AuditKind,
    Complainant,
    ComplaintStage,
    EscalationReason,
    EscalationStage,
    ExperienceLevel,
    FeedbackChannel,
    FeedbackSource,
    Grade,
    LegalStatus,
    ObservationArea,
    ObservationSetting,
    Outcome,
    Participation,
    PlanKind,
    ReviewKind,
    Role,
)


class Event:
    """Base of all events. ``date_field`` names the business date the rules use."""

    date_field: ClassVar[str]

    @property
    def business_date(self) -> dt.date:
        value: dt.date = getattr(self, self.date_field)
        return value

    @property
    def type(self) -> str:
        return type(self).__name__


def _action_item(value: object, inst: object, attribute: attrs.Attribute[Any]) -> Action:
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


def _actions() -> Any:
    return items(_action_item)


def _themes() -> Any:
    return items(theme_item)


def _texts() -> Any:
    return items(text_item)


def _check_unique_actions(event: Any) -> None:
    ids = [a.action_id for a in event.actions]
    if len(set(ids)) != len(ids):
        raise InvalidEvent(
            type(event).__name__, "actions", "unique", "action ids must be unique within the event"
        )


def _check_order(event: Any, first: str, then: str) -> None:
    if getattr(event, then) < getattr(event, first):
        raise InvalidEvent(type(event).__name__, then, "date-order", f"must not be before {first}")


# --- Organisation and staff ---------------------------------------------------------------


@attrs.frozen
class TeamRegistered(Event):
    """A team in a service and an area (breakdowns by team, service and area use these)."""

    date_field: ClassVar[str] = "registered_on"
    team_id: str = ident()
    name: str = text(default=None)
    service: str = text(default=None)
    area: str = text(default=None)
    registered_on: dt.date | None = opt_day()

    @property
    def business_date(self) -> dt.date:
        return self.registered_on or dt.date.min


@attrs.frozen
class WorkerRegistered(Event):
    """A worker joins a team (R-OBS-1, R-OBS-2 start from ``asye_started_on`` or ``registered_on``)."""

    date_field: ClassVar[str] = "registered_on"
    worker_id: str = ident()
    team_id: str = ident()
    role: Role = choice(Role)
    experience: ExperienceLevel = choice(ExperienceLevel)
    registered_on: dt.date = day()
    asye_started_on: dt.date | None = opt_day()

    def __attrs_post_init__(self) -> None:
        if self.asye_started_on is not None and self.experience is not ExperienceLevel.ASYE:
            raise InvalidEvent(
                "WorkerRegistered", "asye_started_on", "R-OBS-1", "only an asye worker has an ASYE start date"
            )


@attrs.frozen
class WorkerMoved(Event):
    """A worker moves team; from ``moved_on`` they count under the new team (R-OBS-5)."""

    date_field: ClassVar[str] = "moved_on"
    worker_id: str = ident()
    team_id: str = ident()
    moved_on: dt.date = day()


@attrs.frozen
class WorkerLeft(Event):
    """A worker leaves; they drop out of compliance from ``left_on`` (R-OBS-5)."""

    date_field: ClassVar[str] = "left_on"
    worker_id: str = ident()
    left_on: dt.date = day()


@attrs.frozen
class WorkerRejoined(Event):
    """A leaver returns (SPEC 9.3): in post again from ``rejoined_on``, in ``team_id``, with
    ``role`` if given (else the role they left with). R-OBS-1..3 restart as for a new joiner
    (decision 0990)."""

    date_field: ClassVar[str] = "rejoined_on"
    worker_id: str = ident()
    team_id: str = ident()
    rejoined_on: dt.date = day()
    role: Role | None = opt_choice(Role)


@attrs.frozen
class WorkerRoleChanged(Event):
    """A worker takes another role from ``changed_on`` (SPEC 9.3): a practitioner promoted to
    team manager leaves R-OBS-1..3 from that date (R-OBS-5)."""

    date_field: ClassVar[str] = "changed_on"
    worker_id: str = ident()
    role: Role = choice(Role)
    changed_on: dt.date = day()


@attrs.frozen
class ASYEExtended(Event):
    """The ASYE year is extended to ``extended_to`` for absence or part-time work (SPEC 9.3;
    Skills for Care): R-OBS-1's review points stretch to the new end (decision 0991).

    ``extended_to`` is the new end, a deadline that may be after today (R-INP-1).
    ``extended_on`` (optional) is the day the extension was agreed: when given it is the
    business date, and queries ``as_of`` an earlier day keep the year's earlier end; without
    it the extension holds on every day (and its business date is ``extended_to``).
    """

    date_field: ClassVar[str] = "extended_to"
    worker_id: str = ident()
    extended_to: dt.date = day()
    reason: str = text(default=None)
    extended_on: dt.date | None = opt_day()

    def __attrs_post_init__(self) -> None:
        if self.extended_on is not None:
            _check_order(self, "extended_on", "extended_to")

    @property
    def business_date(self) -> dt.date:
        return self.extended_on or self.extended_to


@attrs.frozen
class ASYECompleted(Event):
    """The end of the ASYE year; from then the worker follows R-OBS-2 (R-OBS-1). Not passed
    (``passed=False``, SPEC 9.3): the worker is flagged for support (R-OBS-3) from that date."""

    date_field: ClassVar[str] = "completed_on"
    worker_id: str = ident()
    completed_on: dt.date = day()
    passed: bool = flag(default=True)


@attrs.frozen
class SupportNeedFlagged(Event):
    """A practitioner needs support with improving performance (R-OBS-3, framework 4.5)."""

    date_field: ClassVar[str] = "flagged_on"
    worker_id: str = ident()
    flagged_on: dt.date = day()
    interval_months: int | None = opt_int(1, 12)


@attrs.frozen
class SupportNeedCleared(Event):
    """The support need ends (R-OBS-3)."""

    date_field: ClassVar[str] = "cleared_on"
    worker_id: str = ident()
    cleared_on: dt.date = day()


@attrs.frozen
class SupervisionHeld(Event):
    """A supervision; the next one after an observation must hold its reflective review (R-OBS-4)."""

    date_field: ClassVar[str] = "held_on"
    worker_id: str = ident()
    supervisor_id: str = ident()
    held_on: dt.date = day()


# --- Observation of practice ------------------------------------------------------------


@attrs.frozen
class ObservationRecorded(Event):
    """An observation of practice (framework 4.4-4.5; R-OBS-1..5). Only ``practice`` counts."""

    date_field: ClassVar[str] = "observed_on"
    observation_id: str = ident()
    worker_id: str = ident()
    observer_id: str = ident()
    observed_on: dt.date = day()
    setting: ObservationSetting = choice(ObservationSetting)
    judgements: dict[str, Grade] = grade_map(ObservationArea, Grade, required=True)
    overall: Grade = choice(Grade)
    summary: str = text()
    appraisal_priorities: tuple[str, ...] = _texts()


@attrs.frozen
class ObservationShared(Event):
    """The observation was shared with the practitioner (R-OBS-4)."""

    date_field: ClassVar[str] = "shared_on"
    observation_id: str = ident()
    shared_on: dt.date = day()


@attrs.frozen
class ReflectiveReviewHeld(Event):
    """The shared reflective review of an observation (R-OBS-4)."""

    date_field: ClassVar[str] = "held_on"
    observation_id: str = ident()
    held_on: dt.date = day()
    actions: tuple[str, ...] = _texts()


# --- Audits ---------------------------------------------------------------------------


@attrs.frozen
class AuditCompleted(Event):
    """An audit of the tri-annual cycle or beside it (R-AUD-1..5)."""

    date_field: ClassVar[str] = "completed_on"
    audit_id: str = ident()
    kind: AuditKind = choice(AuditKind)
    auditor_id: str = ident()
    team_id: str = ident()
    completed_on: dt.date = day()
    case_ref: str | None = opt_ident()
    worker_id: str | None = opt_ident()
    overall: Grade | None = opt_choice(Grade)
    grades: dict[str, Grade] = grade_map(None, Grade)
    strengths: tuple[str, ...] = _texts()
    learning: tuple[str, ...] = _texts()
    themes: tuple[str, ...] = _themes()
    actions: tuple[Action, ...] = _actions()
    cycle_id: str | None = opt_ident()

    def __attrs_post_init__(self) -> None:
        if self.kind.graded and self.overall is None:
            raise InvalidEvent(
                "AuditCompleted", "overall", "R-AUD-3", f"is required for a {self.kind.value} audit"
            )
        if self.kind in (AuditKind.PRACTITIONER, AuditKind.PEER) and self.case_ref is None:
            raise InvalidEvent(
                "AuditCompleted", "case_ref", "R-AUD-4", f"is required for a {self.kind.value} audit"
            )
        if self.cycle_id is not None:
            if parse_cycle_id(self.cycle_id) is None:
                raise InvalidEvent(
                    "AuditCompleted", "cycle_id", "R-AUD-1", "must look like 2026-T2 (year, then T1..T3)"
                )
        _check_unique_actions(self)


@attrs.frozen
class AuditActionCompleted(Event):
    """An audit action done (R-AUD-5)."""

    date_field: ClassVar[str] = "completed_on"
    audit_id: str = ident()
    action_id: str = ident()
    completed_on: dt.date = day()


@attrs.frozen
class ThematicAuditAgreed(Event):
    """A thematic audit agreed with a hypothesis and a due date (R-AUD-6)."""

    date_field: ClassVar[str] = "agreed_on"
    theme_id: str = ident()
    title: str = text(default=None)
    hypothesis: str = text(default=None)
    agreed_on: dt.date = day()
    due_on: dt.date = day()

    def __attrs_post_init__(self) -> None:
        _check_order(self, "agreed_on", "due_on")


# --- Children's plans, reviews and drift ------------------------------------------------


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
    actions: tuple[Action, ...] = _actions()
    participation: Participation | None = opt_choice(Participation)
    plan_made: bool = flag(default=True)

    def __attrs_post_init__(self) -> None:
        _check_unique_actions(self)
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
    action: Action = attrs.field(converter=attrs.Converter(_action_item, takes_self=True, takes_field=True))
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


# --- Escalation -----------------------------------------------------------------------


@attrs.frozen
class EscalationRaised(Event):
    """An IRO or CP Chair escalates drift or practice (R-ESC-1..5)."""

    date_field: ClassVar[str] = "raised_on"
    escalation_id: str = ident()
    raised_by: str = ident()
    raised_on: dt.date = day()
    stage: EscalationStage = choice(EscalationStage)
    reason: EscalationReason = choice(EscalationReason)
    child_ref: str | None = opt_ident()
    team_id: str | None = opt_ident()
    details: str = text()


@attrs.frozen
class EscalationResponded(Event):
    """A response at the current stage (R-ESC-2)."""

    date_field: ClassVar[str] = "responded_on"
    escalation_id: str = ident()
    responded_on: dt.date = day()
    by: str = ident()
    response: str = text(default=None)


@attrs.frozen
class EscalationProgressed(Event):
    """The escalation moves up; stages may be skipped, never go back (R-ESC-1)."""

    date_field: ClassVar[str] = "progressed_on"
    escalation_id: str = ident()
    to_stage: EscalationStage = choice(EscalationStage)
    progressed_on: dt.date = day()


@attrs.frozen
class EscalationResolved(Event):
    """The escalation is resolved; nothing more may be recorded on it (R-ESC-5)."""

    date_field: ClassVar[str] = "resolved_on"
    escalation_id: str = ident()
    resolved_on: dt.date = day()
    outcome: str = text(default=None)


@attrs.frozen
class EscalationReferredToCafcass(Event):
    """Referral to Cafcass ends the internal process; only about a child looked after that day (R-ESC-4, R-ESC-5)."""

    date_field: ClassVar[str] = "referred_on"
    escalation_id: str = ident()
    referred_on: dt.date = day()


# --- Complaints, compliments, feedback -------------------------------------------------


@attrs.frozen
class ComplaintReceived(Event):
    """A complaint; statutory ones follow R-CMP-1..5 and R-CMP-7, others R-CMP-6.

    ``child_ref``: the child the complaint is about, if any (SPEC 9.2): sealed with the
    child's key and forgotten with the child's data.
    """

    date_field: ClassVar[str] = "received_on"
    complaint_id: str = ident()
    received_on: dt.date = day()
    complainant: Complainant = choice(Complainant)
    service: str = text(default=None)
    team_id: str | None = opt_ident()
    matter_on: dt.date | None = opt_day()
    statutory: bool = flag(default=True)
    themes: tuple[str, ...] = _themes()
    child_ref: str | None = opt_ident()

    def __attrs_post_init__(self) -> None:
        if self.matter_on is not None and self.matter_on > self.received_on:
            raise InvalidEvent(
                "ComplaintReceived", "matter_on", "R-CMP-4", "the matter cannot be after the complaint"
            )


@attrs.frozen
class ComplaintTimescaleExtended(Event):
    """One extension of a stage's timescale (R-CMP-1, R-CMP-2)."""

    date_field: ClassVar[str] = "extended_on"
    complaint_id: str = ident()
    stage: ComplaintStage = choice(ComplaintStage)
    extended_on: dt.date = day()


@attrs.frozen
class ComplaintResponded(Event):
    """A stage's response; it closes the stage (R-CMP-5)."""

    date_field: ClassVar[str] = "responded_on"
    complaint_id: str = ident()
    stage: ComplaintStage = choice(ComplaintStage)
    responded_on: dt.date = day()
    outcome: Outcome = choice(Outcome)
    learning: tuple[str, ...] = _texts()
    actions: tuple[str, ...] = _texts()


@attrs.frozen
class ComplaintEscalated(Event):
    """The complainant asks for the next stage (R-CMP-2, R-CMP-3, R-CMP-5)."""

    date_field: ClassVar[str] = "requested_on"
    complaint_id: str = ident()
    to_stage: ComplaintStage = choice(ComplaintStage)
    requested_on: dt.date = day()


@attrs.frozen
class ComplaintWithdrawn(Event):
    """Withdrawal closes every stage (R-CMP-5)."""

    date_field: ClassVar[str] = "withdrawn_on"
    complaint_id: str = ident()
    withdrawn_on: dt.date = day()


@attrs.frozen
class ComplaintPanelHeld(Event):
    """The stage 3 review panel met (R-CMP-3); its report is due within 5 working days (R-CMP-7)."""

    date_field: ClassVar[str] = "held_on"
    complaint_id: str = ident()
    held_on: dt.date = day()


@attrs.frozen
class ComplaintPanelReported(Event):
    """The review panel's report; the council's stage 3 response is due within 15 working days (R-CMP-7)."""

    date_field: ClassVar[str] = "reported_on"
    complaint_id: str = ident()
    reported_on: dt.date = day()


@attrs.frozen
class ComplaintReferredToOmbudsman(Event):
    """The complaint went to the Local Government and Social Care Ombudsman: state ``ombudsman`` (R-CMP-7)."""

    date_field: ClassVar[str] = "referred_on"
    complaint_id: str = ident()
    referred_on: dt.date = day()


@attrs.frozen
class ComplimentReceived(Event):
    """A compliment (framework 4.3 "Learning from Compliments and Complaints")."""

    date_field: ClassVar[str] = "received_on"
    compliment_id: str = ident()
    received_on: dt.date = day()
    from_role: FeedbackSource = choice(FeedbackSource)
    team_id: str | None = opt_ident()
    themes: tuple[str, ...] = _themes()


@attrs.frozen
class FeedbackReceived(Event):
    """Feedback from children, families, partners or staff (framework 4.3 "Service User and Partner Feedback")."""

    date_field: ClassVar[str] = "received_on"
    feedback_id: str = ident()
    received_on: dt.date = day()
    source: FeedbackSource = choice(FeedbackSource)
    channel: FeedbackChannel = choice(FeedbackChannel)
    team_id: str | None = opt_ident()
    rating: int | None = opt_int(1, 5)
    themes: tuple[str, ...] = _themes()


#: Every event class by its JSON ``type`` name, in SPEC section 3 order.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        TeamRegistered,
        WorkerRegistered,
        WorkerMoved,
        WorkerLeft,
        WorkerRejoined,
        WorkerRoleChanged,
        ASYECompleted,
        ASYEExtended,
        SupportNeedFlagged,
        SupportNeedCleared,
        SupervisionHeld,
        ObservationRecorded,
        ObservationShared,
        ReflectiveReviewHeld,
        AuditCompleted,
        AuditActionCompleted,
        ThematicAuditAgreed,
        ChildBecameLookedAfter,
        ChildCeasedLookedAfter,
        LegalStatusChanged,
        PlacedForAdoption,
        StrategyDiscussionHeld,
        Section47Completed,
        ChildProtectionPlanEnded,
        ReviewHeld,
        MidwayReviewCompleted,
        PlanActionCompleted,
        PlanActionAgreed,
        ChildAllocated,
        IROAssigned,
        CPChairAssigned,
        ReviewQualityAssured,
        EscalationRaised,
        EscalationResponded,
        EscalationProgressed,
        EscalationResolved,
        EscalationReferredToCafcass,
        ComplaintReceived,
        ComplaintTimescaleExtended,
        ComplaintResponded,
        ComplaintEscalated,
        ComplaintWithdrawn,
        ComplaintPanelHeld,
        ComplaintPanelReported,
        ComplaintReferredToOmbudsman,
        ComplimentReceived,
        FeedbackReceived,
    )
}


# The one cattrs converter (SPEC section 2), beside the classes it converts: ``parse`` and
# ``to_json`` are public here and need every event class, so it cannot live in a module the
# events import (``serialization`` re-exports it under its older names).
#
# JSON form: an object with ``"type"`` (the class name) and the fields; dates ``YYYY-MM-DD``;
# enums by value; lists for tuples; ``null`` for absent optionals. Structuring is a tagged
# union on ``"type"``; field values are checked by the events' own converters and validators,
# so a JSON caller and a Python caller meet exactly the same rules and error messages.

EventUnion = Union[tuple(EVENT_TYPES.values())]  # type: ignore[valid-type]  # noqa: UP007


def _passthrough(value: Any, _type: Any) -> Any:
    """Leave the value for the event's own attrs converter, which names field and rule."""
    return value


def _is_checked_by_attrs(type_: Any) -> bool:
    return type_ is not EventUnion and not attrs.has(type_)


def make_converter() -> cattrs.Converter:
    """Build the converter (one per process is enough: use :data:`converter`)."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    # Structuring: every leaf is passed through; attrs converters/validators decide.
    conv.register_structure_hook_func(_is_checked_by_attrs, _passthrough)
    for leaf in (str, int, bool, float, dt.date, Action):  # an action: the event's converter checks it
        conv.register_structure_hook(leaf, _passthrough)
    # Unstructuring: the JSON forms.
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Enum), lambda e: e.value
    )
    conv.register_unstructure_hook(StrEnum, lambda e: e.value)
    configure_tagged_union(EventUnion, conv, tag_generator=lambda cls: cls.__name__, tag_name="type")
    return conv


converter = make_converter()


def _first_problem(event_type: str, exc: BaseException) -> InvalidEvent:
    """Turn a cattrs error tree into one InvalidEvent naming the field and rule."""
    if isinstance(exc, InvalidEvent):
        return exc
    if isinstance(exc, ForbiddenExtraKeysError):
        field = sorted(exc.extra_fields)[0]
        return InvalidEvent(event_type, field, "unknown-field", "is not a field of this event")
    if isinstance(exc, KeyError):
        field = str(exc.args[0]) if exc.args else "?"
        return InvalidEvent(event_type, field, "required", "is required")
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            return _first_problem(event_type, inner)
    return InvalidEvent(event_type, None, "shape", f"{type(exc).__name__}: {exc}"[:200])


def parse(obj: object) -> Event:
    """A JSON object (already decoded) -> event. Raises :class:`InvalidEvent` naming type, field and rule."""
    if not isinstance(obj, dict):
        raise InvalidEvent("event", None, "shape", f"must be a JSON object, not {type(obj).__name__}")
    type_name = obj.get("type")
    if not isinstance(type_name, str):
        raise InvalidEvent("event", "type", "required", "every event needs a string 'type'")
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        named = type_name[:60] if type_name.strip() else "event"
        raise InvalidEvent(
            named, "type", "known-type", f"{type_name[:60]!r} is not an event type (see docs/events.md)"
        )
    try:
        event: Event = converter.structure(obj, EventUnion)  # type: ignore[arg-type]
    except (ClassValidationError, InvalidEvent, ForbiddenExtraKeysError, KeyError) as exc:
        raise _first_problem(type_name, exc) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidEvent(type_name, None, "shape", str(exc)[:200]) from None
    return event


def to_json(event: Event) -> dict[str, Any]:
    """An event -> its JSON object (``type`` first, ISO dates, enum values, lists)."""
    body: dict[str, Any] = converter.unstructure(event, EventUnion)
    return {"type": body.pop("type"), **body}


__all__ = [
    "EVENT_TYPES",
    "ASYECompleted",
    "ASYEExtended",
    "Action",
    "AuditActionCompleted",
    "AuditCompleted",
    "CPChairAssigned",
    "ChildAllocated",
    "ChildBecameLookedAfter",
    "ChildCeasedLookedAfter",
    "ChildProtectionPlanEnded",
    "ComplaintEscalated",
    "ComplaintPanelHeld",
    "ComplaintPanelReported",
    "ComplaintReceived",
    "ComplaintReferredToOmbudsman",
    "ComplaintResponded",
    "ComplaintTimescaleExtended",
    "ComplaintWithdrawn",
    "ComplimentReceived",
    "EscalationProgressed",
    "EscalationRaised",
    "EscalationReferredToCafcass",
    "EscalationResolved",
    "EscalationResponded",
    "Event",
    "FeedbackReceived",
    "IROAssigned",
    "LegalStatusChanged",
    "MidwayReviewCompleted",
    "ObservationRecorded",
    "ObservationShared",
    "PlacedForAdoption",
    "PlanActionAgreed",
    "PlanActionCompleted",
    "ReflectiveReviewHeld",
    "ReviewHeld",
    "ReviewQualityAssured",
    "Section47Completed",
    "StrategyDiscussionHeld",
    "SupervisionHeld",
    "SupportNeedCleared",
    "SupportNeedFlagged",
    "TeamRegistered",
    "ThematicAuditAgreed",
    "WorkerLeft",
    "WorkerMoved",
    "WorkerRegistered",
    "WorkerRejoined",
    "WorkerRoleChanged",
    "parse",
    "to_json",
]
