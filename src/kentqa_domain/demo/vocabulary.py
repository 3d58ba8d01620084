"""The words of a synthetic council: services, areas, themes and the short texts practitioners write.

Services and areas follow SPEC section 3's examples and the framework's structure (four
areas, a county-wide Safeguarding, Professional Standards and Quality Assurance Unit).
Nothing here names a child: children are pseudonymous references.
"""

from __future__ import annotations

#: The four areas of the county (the framework's districts are grouped into these).
AREAS: tuple[str, ...] = ("North", "South", "East", "West")

#: Area-based services: (service, short code, teams per area, mean practitioners per team).
SERVICES: tuple[tuple[str, str, int, int], ...] = (
    ("Children's Social Work", "CSW", 10, 16),
    ("Early Help", "EH", 5, 15),
    ("Disabled Children 0-25", "DC", 2, 14),
    ("Care Leavers", "CL", 2, 14),
    ("Youth Justice", "YJ", 1, 15),
    ("Fostering", "FOS", 2, 13),
    ("Adoption", "ADO", 1, 12),
    ("Open Access", "OA", 2, 14),
)

#: Services whose practitioners hold children's plans (looked after, child protection).
CASE_HOLDING = {"CSW": 0.72, "DC": 0.14, "CL": 0.14}
CP_HOLDING = {"CSW": 0.9, "DC": 0.1}

#: County-wide teams of the QA unit and the directorate (area "County").
COUNTY_AREA = "County"
QA_SERVICE = "Safeguarding, Professional Standards and Quality Assurance"
LEADERSHIP_SERVICE = "Directorate"

AUDIT_GRADE_AREAS: tuple[str, ...] = (
    "child_voice",
    "assessment",
    "planning",
    "management_oversight",
    "impact",
)

AUDIT_THEMES: tuple[str, ...] = (
    "voice_of_the_child",
    "management_oversight",
    "chronology",
    "risk_analysis",
    "care_planning",
    "direct_work",
    "partnership",
    "recording",
    "permanence",
    "neglect",
    "domestic_abuse",
    "contextual_safeguarding",
)

STRENGTHS: tuple[str, ...] = (
    "The child's wishes and feelings are clear throughout the record",
    "Strong relationship-based direct work",
    "Analysis of risk is clear and evidence based",
    "Good partnership working with school and health",
    "Plan is SMART and reviewed regularly",
    "Management oversight is timely and reflective",
    "Family network meeting held early",
    "Chronology is up to date and used in planning",
)

LEARNING: tuple[str, ...] = (
    "Record the child's lived experience, not only events",
    "Update the chronology after each significant event",
    "Make contingency plans explicit",
    "Evidence management oversight at key decision points",
    "Seek the views of fathers and wider family",
    "Plans need measurable outcomes and named owners",
    "Share the plan with the young person in a way they understand",
    "Consider the impact of neurodiversity on engagement",
)

THEMATIC_TITLES: tuple[tuple[str, str], ...] = (
    (
        "Neglect and cumulative harm",
        "Plans for children experiencing neglect do not always reflect cumulative harm",
    ),
    ("Voice of the disabled child", "The voice of non-verbal disabled children is under-recorded"),
    ("Pre-proceedings and PLO", "Delay in pre-proceedings leads to drift in permanence planning"),
    ("Contextual safeguarding", "Extra-familial harm is not consistently considered in assessments"),
    ("Care leavers' pathway plans", "Pathway plans do not address housing early enough"),
    (
        "Domestic abuse and the child's experience",
        "The impact of domestic abuse on the child is not analysed",
    ),
)

PLAN_ACTIONS: tuple[str, ...] = (
    "Complete the updated assessment",
    "Arrange a life story work session",
    "Refer to CAMHS",
    "Hold a family network meeting",
    "Confirm the education plan with the virtual school",
    "Complete the health assessment",
    "Review contact arrangements",
    "Update the placement plan",
    "Agree the pathway plan with the young person",
    "Complete the parenting assessment",
    "Convene a core group meeting",
    "Safety plan to be shared with the family",
)

AUDIT_ACTIONS: tuple[str, ...] = (
    "Update the chronology",
    "Record the child's views in the assessment",
    "Add a contingency plan",
    "Evidence management oversight in supervision",
    "Revise the plan with measurable outcomes",
    "Share the audit learning at the team meeting",
)

COMPLAINT_THEMES: tuple[str, ...] = (
    "communication",
    "delay",
    "decision",
    "staff_conduct",
    "contact_arrangements",
    "placement",
    "information_sharing",
    "financial_support",
)

COMPLIMENT_THEMES: tuple[str, ...] = (
    "listened",
    "kept_informed",
    "reliable",
    "made_a_difference",
    "kindness",
    "advocacy",
)

FEEDBACK_THEMES: tuple[str, ...] = (
    "listened_to",
    "understood_plan",
    "felt_safe",
    "knew_worker",
    "meeting_accessible",
    "change_of_worker",
    "timeliness",
    "respect",
)

OBSERVATION_PRIORITIES: tuple[str, ...] = (
    "Develop reflective analysis in recording",
    "Build confidence in challenging partners",
    "Use the practice framework explicitly in planning",
    "Strengthen direct work tools",
    "Seek and use service user feedback",
)

ESCALATION_DETAILS = {
    "drift": "Plan actions not progressing within the child's timescale",
    "delay": "Review cannot go ahead: reports not shared in time",
    "plan_quality": "The plan does not reflect the child's current needs",
    "resources": "No suitable placement identified",
    "practice": "Statutory visits not evidenced",
}
