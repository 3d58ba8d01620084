"""Kent's local policy choices, each with the part of the framework it comes from."""

from __future__ import annotations

from typing import Any

from kentqa_domain import hookimpl

#: Policy field -> (value, where it comes from). Read by docs and tests.
CHOICES: dict[str, tuple[Any, str]] = {
    "council": ("Kent County Council", "Quality Assurance Framework, title page"),
    "year_start_month": (4, "Framework 4.3 'Audits': a tri-annual cycle over the financial year"),
    "asye_observation_months": (
        (3, 6, 11),
        "Framework 4.5: three ASYE observations (Skills for Care review points)",
    ),
    "observation_interval_months": (
        12,
        "Framework 4.5: experienced practitioners observed at least annually",
    ),
    "support_interval_months": (
        6,
        "Framework 4.5: practitioners needing support observed 'at least every 12 months, and more "
        "frequently where required': every 6 months (SPEC 9.3, R-OBS-3 revised; decision 0992)",
    ),
    "due_soon_days": (28, "Team managers plan observations a month ahead (local practice)"),
    "iro_qa_working_days": (5, "Framework 4.3 'IRO QA process': QA of every review, within a working week"),
    "cp_chair_qa_working_days": (
        5,
        "Framework 4.3 'CP Chair QA process': QA of every conference, within a working week",
    ),
}


@hookimpl
def kentqa_policy_overrides() -> dict[str, Any]:
    """Kent's values for the policy fields in :data:`CHOICES`."""
    return {name: value for name, (value, _source) in CHOICES.items()}
