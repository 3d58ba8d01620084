"""What every report prints alike: the three questions, audit kind labels, and how shares,
figures and snake_case values are written. Below the reports and their renderers (the
learning and chairs reports, the Jinja2 filters), so none of them imports another for these."""

from __future__ import annotations

from ..values import AuditKind

#: The three questions, as the report heads its sections (framework 1.3).
QUESTIONS: dict[str, str] = {
    "what_do_we_know": "What do we know about the quality and impact of practice?",
    "how_do_we_know_it": "How do we know it?",
    "what_are_our_plans": "What are our plans?",
}

#: How the report names each kind of audit (framework 4.3).
KIND_LABELS: dict[str, str] = {
    AuditKind.PRACTITIONER.value: "Practitioner audits",
    AuditKind.APPRECIATIVE_INQUIRY.value: "Appreciative inquiry",
    AuditKind.PEER.value: "Peer audits across areas",
    AuditKind.TRIAD.value: "Triad audits",
    AuditKind.THEMATIC.value: "Thematic audits",
    AuditKind.MULTI_AGENCY.value: "Multi-agency audits",
    AuditKind.COMMISSIONED_MODERATION.value: "Commissioned audits / moderation",
}


def percent(share: float | None) -> str:
    """A share as the report prints it: "72%", or "n/a" when nothing was graded."""
    return "n/a" if share is None else f"{share * 100:.0f}%"


def words(value: object) -> str:
    """``requires_improvement`` -> ``requires improvement`` (empty for None)."""
    return "" if value is None else str(value).replace("_", " ")


def number(value: object) -> str:
    """A figure as the report prints it: whole numbers as they are, others to 2 places (4.11)."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
