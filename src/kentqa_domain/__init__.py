"""kentqa-domain: a children's services Quality Assurance Framework as an event-sourced library.

    import kentqa_domain as kq
    qa = kq.connect("sqlite:///./kentqa.db")
    qa.record_json({"type": "TeamRegistered", ...})

See README.md and docs/ for the whole tour.
"""

from __future__ import annotations

from . import errors, events
from .calendar import add_months, cycle_bounds
from .calendar import cycle_id_for as _cycle_id_for
from .hookspecs import hookimpl
from .policy import Policy
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
    ObservationArea,
    ObservationSetting,
    Outcome,
    Participation,
    PlanKind,
    ReviewKind,
    Role,
)

__version__ = "0.1.0"

#: The embedded default store.
DEFAULT_URL = "sqlite:///./kentqa.db"


def cycle_id_for(day: object, policy: Policy | None = None) -> str:
    """R-AUD-1: the audit cycle a date falls in, e.g. ``"2026-T2"`` for 26 Nov 2026."""
    import datetime as dt

    if not isinstance(day, dt.date):
        raise TypeError("cycle_id_for takes a datetime.date")
    return _cycle_id_for(day, (policy or Policy()).year_start_month)


def connect(
    url: str | None = None,
    *,
    policy: Policy | None = None,
    plugins: object = (),
    cipher_key: str | None = None,
) -> QualityAssurance:
    """Open a store by URL (SPEC section 2): ``memory://``, ``sqlite:///PATH``, ``postgresql://...``.

    ``url`` defaults to ``$KENTQA_DB``, else ``sqlite:///./kentqa.db``. ``policy`` replaces
    the policy entirely (plugins' overrides are then not applied); without it the defaults
    with every policy plugin's overrides are used. ``plugins`` registers extra plugin objects.
    ``cipher_key`` (default ``$KENTQA_CIPHER_KEY``; make one with ``kentqa keygen``) turns on
    encryption at rest: AES-GCM of every payload and checkpoint (docs/security.md).
    """
    import os

    from .application import QualityAssurance
    from .encryption import cipher_settings
    from .plugins import make_plugin_manager, open_storage, resolve_policy

    pm = make_plugin_manager(extra=plugins)  # type: ignore[arg-type]
    target = url or os.environ.get("KENTQA_DB") or DEFAULT_URL
    storage = open_storage(pm, target)
    key = cipher_key if cipher_key is not None else os.environ.get("KENTQA_CIPHER_KEY")
    storage = cipher_settings(storage, key)
    app = QualityAssurance(storage, policy if policy is not None else resolve_policy(pm))
    app.plugin_manager = pm
    return app


if False:  # pragma: no cover - for type checkers only
    from .application import QualityAssurance

__all__ = [
    "DEFAULT_URL",
    "Action",
    "AuditKind",
    "Complainant",
    "ComplaintStage",
    "EscalationReason",
    "EscalationStage",
    "ExperienceLevel",
    "FeedbackChannel",
    "FeedbackSource",
    "Grade",
    "ObservationArea",
    "ObservationSetting",
    "Outcome",
    "Participation",
    "PlanKind",
    "Policy",
    "ReviewKind",
    "Role",
    "add_months",
    "connect",
    "cycle_bounds",
    "cycle_id_for",
    "errors",
    "events",
    "hookimpl",
]
