"""Enumerations and small value objects shared by events, rules and queries (SPEC section 2).

Enums are ``StrEnum``: each compares equal to its lower_snake value, which is also its JSON form.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import attrs

from .fields import day, ident, text

#: R-OBS-1: the ASYE year lasts 12 months from its start (Skills for Care), unless extended
#: (``ASYEExtended``, SPEC 9.3).
ASYE_YEAR_MONTHS = 12


class Grade(StrEnum):
    """Ofsted-style grade; "good or better" is the first two (R-AUD-3)."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"

    @property
    def score(self) -> int:
        """1 (outstanding) .. 4 (inadequate), as R-AUD-4 scores grades for gaps."""
        return _GRADE_SCORES[self]

    @property
    def good_or_better(self) -> bool:
        return self in (Grade.OUTSTANDING, Grade.GOOD)


_GRADE_SCORES = {Grade.OUTSTANDING: 1, Grade.GOOD: 2, Grade.REQUIRES_IMPROVEMENT: 3, Grade.INADEQUATE: 4}


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    TEAM_MANAGER = "team_manager"
    SERVICE_MANAGER = "service_manager"
    ASSISTANT_DIRECTOR = "assistant_director"
    IRO = "iro"
    CP_CHAIR = "cp_chair"
    QA_UNIT = "qa_unit"
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker"
    DIRECTOR = "director"


class ExperienceLevel(StrEnum):
    ASYE = "asye"
    EXPERIENCED = "experienced"


class ObservationSetting(StrEnum):
    """Practice observations count toward R-OBS-1..3; meeting observations never do (R-OBS-5)."""

    PRACTICE = "practice"
    MEETING = "meeting"


class ObservationArea(StrEnum):
    """The judgement areas of framework 4.5."""

    PLANNING_AND_PURPOSE = "planning_and_purpose"
    KNOWLEDGE_AND_THEORY = "knowledge_and_theory"
    INTERVENTION_AND_SKILLS = "intervention_and_skills"
    PRACTICE_FRAMEWORK = "practice_framework"
    PARTNERSHIP_WORKING = "partnership_working"
    CRITICAL_REFLECTION_AND_ANALYSIS = "critical_reflection_and_analysis"
    PROFESSIONALISM = "professionalism"
    ETHICS_AND_DIVERSITY = "ethics_and_diversity"
    SERVICE_USER_FEEDBACK = "service_user_feedback"
    PARTNER_FEEDBACK = "partner_feedback"


class AuditKind(StrEnum):
    PRACTITIONER = "practitioner"
    APPRECIATIVE_INQUIRY = "appreciative_inquiry"
    PEER = "peer"
    TRIAD = "triad"
    THEMATIC = "thematic"
    MULTI_AGENCY = "multi_agency"
    COMMISSIONED_MODERATION = "commissioned_moderation"

    @property
    def graded(self) -> bool:
        """Kinds whose ``overall`` grade is required and counted in R-AUD-3."""
        return self in GRADED_AUDIT_KINDS


GRADED_AUDIT_KINDS = frozenset(
    {AuditKind.PRACTITIONER, AuditKind.PEER, AuditKind.THEMATIC, AuditKind.MULTI_AGENCY}
)


class LegalStatus(StrEnum):
    """A looked-after child's legal status: the SSDA903 ``LS`` code (SPEC 9.2; the values are
    the codes). V3 and V4 are series of short breaks (Care Planning, Placement and Case
    Review (England) Regulations 2010, reg 48): their reviews follow R-LAC-8."""

    C1 = "C1"  # interim care order
    C2 = "C2"  # full care order
    D1 = "D1"  # freeing order granted
    E1 = "E1"  # placement order granted
    J1 = "J1"  # remanded to local authority accommodation or youth detention accommodation
    J2 = "J2"  # placed in local authority accommodation under PACE
    J3 = "J3"  # sentenced to a youth rehabilitation order with residence requirement
    L1 = "L1"  # under police protection and in local authority accommodation
    L2 = "L2"  # emergency protection order
    L3 = "L3"  # under a child assessment order and in local authority accommodation
    V2 = "V2"  # single period of accommodation under section 20
    V3 = "V3"  # accommodated under an agreed series of short-term breaks (individual episodes)
    V4 = "V4"  # accommodated under an agreed series of short-term breaks (agreements recorded)

    @property
    def short_breaks(self) -> bool:
        return self in (LegalStatus.V3, LegalStatus.V4)


class PlanKind(StrEnum):
    LOOKED_AFTER = "looked_after"
    CHILD_PROTECTION = "child_protection"


class ReviewKind(StrEnum):
    LOOKED_AFTER_REVIEW = "looked_after_review"
    INITIAL_CP_CONFERENCE = "initial_cp_conference"
    REVIEW_CP_CONFERENCE = "review_cp_conference"

    @property
    def plan(self) -> PlanKind:
        if self is ReviewKind.LOOKED_AFTER_REVIEW:
            return PlanKind.LOOKED_AFTER
        return PlanKind.CHILD_PROTECTION


class Participation(StrEnum):
    """The child's participation in a review, as SSDA903 codes it (PN0-PN7)."""

    PN0 = "PN0"
    PN1 = "PN1"
    PN2 = "PN2"
    PN3 = "PN3"
    PN4 = "PN4"
    PN5 = "PN5"
    PN6 = "PN6"
    PN7 = "PN7"


class EscalationStage(StrEnum):
    """R-ESC-1: stages of seniority, in order."""

    INFORMAL = "informal"
    TEAM_MANAGER = "team_manager"
    SERVICE_MANAGER = "service_manager"
    HEAD_OF_SERVICE = "head_of_service"
    DIRECTOR = "director"

    @property
    def rank(self) -> int:
        return list(EscalationStage).index(self)


class EscalationReason(StrEnum):
    DRIFT = "drift"
    DELAY = "delay"
    PLAN_QUALITY = "plan_quality"
    RESOURCES = "resources"
    PRACTICE = "practice"
    OTHER = "other"


class ComplaintStage(StrEnum):
    """R-CMP-1..3: the three statutory stages, in order."""

    STAGE_1 = "stage_1"
    STAGE_2 = "stage_2"
    STAGE_3 = "stage_3"

    @property
    def rank(self) -> int:
        return list(ComplaintStage).index(self)


class Complainant(StrEnum):
    CHILD = "child"
    YOUNG_PERSON = "young_person"
    PARENT_CARER = "parent_carer"
    FOSTER_CARER = "foster_carer"
    RELATIVE = "relative"
    ADVOCATE = "advocate"
    PROFESSIONAL = "professional"
    OTHER = "other"


class Outcome(StrEnum):
    """The finding of a complaint response."""

    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    NO_FINDING = "no_finding"


class FeedbackSource(StrEnum):
    CHILD = "child"
    YOUNG_PERSON = "young_person"
    PARENT_CARER = "parent_carer"
    PARTNER = "partner"
    STAFF = "staff"


class FeedbackChannel(StrEnum):
    MOMO = "momo"
    CONSULTATION_FORM = "consultation_form"
    ONLINE_TOOL = "online_tool"
    CONFERENCE_FORM = "conference_form"
    SURVEY = "survey"
    ADVOCATE = "advocate"
    OTHER = "other"


@attrs.frozen
class Action:
    """An action from an audit or a plan review, owned by a worker, due on a date (R-AUD-5, R-LAC-6)."""

    action_id: str = ident()
    description: str = text(default=None)
    owner_id: str = ident()
    due_on: dt.date = day()
