"""kentqa-domain: a children's services Quality Assurance Framework as an event-sourced library.

    import kentqa_domain as kq
    qa = kq.connect("sqlite:///./kentqa.db")
    qa.record_json({"type": "TeamRegistered", ...})

See README.md and docs/ for the whole tour.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from typing import TYPE_CHECKING, Any

from . import errors, events
from .calendar import add_months, cycle_bounds
from .calendar import cycle_id_for as _cycle_id_for
from .corrections.events import RecordCorrected, RecordWithdrawn, parse_correction
from .errors import (
    ChannelError,
    ChannelUnavailable,
    ConflictingEvent,
    IntegrityCheckFailed,
    InvalidEvent,
    InvalidInput,
    KentQAError,
    PluginError,
    RuleViolation,
    ScrubIncomplete,
    StorageError,
    StoreBusy,
    StoreNotFound,
    UnknownReference,
)
from .hookspecs import hookimpl
from .plain import Counts, RecordedBatch, Row, Rows, rows_to_csv, rows_to_json, to_plain
from .policy import Policy
from .readmodel import arguments as _arguments
from .recording.order import recording_key, recording_order
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

__version__ = "0.1.0"

#: The embedded default store.
DEFAULT_URL = "sqlite:///./kentqa.db"


def cycle_id_for(day: object, policy: Policy | None = None) -> str:
    """R-AUD-1: the audit cycle a date falls in, e.g. ``"2026-T2"`` for 26 Nov 2026.

    ``day`` is read like every query's dates (SPEC 9.5): a ``date``, a ``datetime`` (its date)
    or an ISO ``YYYY-MM-DD`` string; anything else is ``InvalidInput`` naming it.
    """
    return _cycle_id_for(_arguments.date("cycle_id_for", "day", day), (policy or Policy()).year_start_month)


def connect(
    url: str | None = None,
    *,
    policy: Policy | None = None,
    plugins: Iterable[object] = (),
    cipher_key: str | None = None,
    create: bool = True,
) -> QualityAssurance:
    """Open a store by URL (SPEC section 2): ``memory://``, ``sqlite:///PATH``, ``postgresql://...``.

    ``url`` defaults to ``$KENTQA_DB``, else ``sqlite:///./kentqa.db``. ``policy`` replaces
    the policy entirely (plugins' overrides are then not applied); without it the defaults
    with every policy plugin's overrides are used. ``plugins`` registers extra plugin objects.
    ``cipher_key`` (default ``$KENTQA_CIPHER_KEY``; make one with ``kentqa keygen``) turns on
    encryption at rest: AES-GCM of every payload and checkpoint (docs/security.md); a key
    set but empty is an error.

    ``create=False`` refuses to make a store that does not exist (an SQLite file: a
    ``StoreNotFound`` naming the path, and nothing is created), for commands that only read.
    A new SQLite file is created readable and writable by its owner only (0600; its WAL and
    shared-memory files take the same mode). ``qa.created`` says whether this call made it.
    """
    from .application import QualityAssurance
    from .plugins import make_plugin_manager, open_storage, resolve_policy
    from .privacy.encryption import cipher_settings

    pm = make_plugin_manager(extra=plugins)
    target = url or os.environ.get("KENTQA_DB") or DEFAULT_URL
    storage = open_storage(pm, target)
    key = cipher_key if cipher_key is not None else os.environ.get("KENTQA_CIPHER_KEY")
    storage = cipher_settings(storage, key)
    created = _create_file(storage, create=create)
    try:
        app = QualityAssurance(storage, policy if policy is not None else resolve_policy(pm))
    except BaseException:
        if created:  # leave nothing behind of a store this call made and could not open
            for name in storage.files:
                with contextlib.suppress(OSError):
                    os.unlink(name)
        raise
    app.plugin_manager = pm
    app.created = created
    return app


def _create_file(storage: object, *, create: bool) -> bool:
    """Make the store's database file, owner-only (0600), if it has one and it is missing;
    with ``create=False`` a missing file is a ``StoreNotFound``. True if this call made it."""
    files: tuple[str, ...] = getattr(storage, "files", ())
    if not files or os.path.exists(files[0]):
        return False
    if not create:
        raise StoreNotFound(
            f"no store at {files[0]} (nothing was created): check --db or KENTQA_DB, "
            "or create a store with `kentqa init`"
        )
    try:
        fd = os.open(files[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return False
    os.close(fd)
    return True


#: What every query returns, and the enums of their fields (SPEC 9.5): importable from the
#: package (``kq.DriftRow``), loaded on first use so that ``import kentqa_domain`` stays quick.
_ROWS = {
    "DriftRow": "areas.plans.drift",
    "DriftKind": "areas.plans.drift",
    "EscalationRow": "areas.escalations.projection",
    "EscalationState": "areas.escalations.projection",
    "ReviewQARow": "areas.plans.review_qa",
    "TimelinessRow": "areas.plans.timeliness",
    "TimelinessKind": "areas.plans.timeliness",
    "QuarterTimeliness": "areas.plans.timeliness",
    "ObservationComplianceRow": "areas.observations.rows",
    "ObservationSummaryRow": "areas.observations.rows",
    "ObservationLearningRow": "areas.observations.rows",
    "Requirement": "areas.observations.rows",
    "ComplianceStatus": "areas.observations.rows",
    "Grouping": "areas.observations.rows",
    "AuditCycle": "areas.audits.rows",
    "CycleBreakdown": "areas.audits.rows",
    "PhaseSummary": "areas.audits.rows",
    "CycleShare": "areas.audits.rows",
    "TriadRecommendation": "areas.audits.rows",
    "AuditActionRow": "areas.audits.rows",
    "ThematicAuditRow": "areas.audits.rows",
    "Progress": "areas.audits.rows",
    "ComplaintRow": "areas.complaints.register",
    "ComplaintsSummary": "areas.complaints.summary",
    "ComplaintTally": "areas.complaints.summary",
    "StageTally": "areas.complaints.summary",
    "LearningItem": "areas.complaints.summary",
    "VoiceSummary": "areas.voice.summary",
    "VoiceTally": "areas.voice.summary",
    "TeamThemeTally": "areas.voice.summary",
    "Notification": "notification",
    "NotificationKind": "notification",
    "LearningReport": "reports.learning",
    "ChairsReport": "reports.chairs",
    "ChairsTally": "reports.chairs",
    "EscalationSummary": "reports.chairs",
    "EscalationsRaised": "reports.chairs",
    "DriftAtQuarterEnd": "reports.chairs",
    "WhatWeKnow": "reports.learning",
    "HowWeKnow": "reports.learning",
    "OurPlans": "reports.learning",
    "Finding": "reports.learning",
    "ThemeCount": "reports.learning",
    "AreaFinding": "reports.sources",
    "QueryUse": "reports.sources",
    "SourceCount": "reports.sources",
    "Scope": "access",
    "QualityAssurance": "application",
    "HistoryRow": "corrections.history",
    "ExportSummary": "corrections.export",
}

if TYPE_CHECKING:  # what the lazy names are, for type checkers
    from collections.abc import Iterable

    from .access import Scope
    from .application import QualityAssurance
    from .areas.audits.rows import (
        AuditActionRow,
        AuditCycle,
        CycleBreakdown,
        CycleShare,
        PhaseSummary,
        Progress,
        ThematicAuditRow,
        TriadRecommendation,
    )
    from .areas.complaints.register import ComplaintRow
    from .areas.complaints.summary import ComplaintsSummary, ComplaintTally, LearningItem, StageTally
    from .areas.escalations.projection import EscalationRow, EscalationState
    from .areas.observations.rows import (
        ComplianceStatus,
        Grouping,
        ObservationComplianceRow,
        ObservationLearningRow,
        ObservationSummaryRow,
        Requirement,
    )
    from .areas.plans.drift import DriftKind, DriftRow
    from .areas.plans.review_qa import ReviewQARow
    from .areas.plans.timeliness import QuarterTimeliness, TimelinessKind, TimelinessRow
    from .areas.voice.summary import TeamThemeTally, VoiceSummary, VoiceTally
    from .corrections.export import ExportSummary
    from .corrections.history import HistoryRow
    from .notification import Notification, NotificationKind
    from .reports.chairs import (
        ChairsReport,
        ChairsTally,
        DriftAtQuarterEnd,
        EscalationsRaised,
        EscalationSummary,
    )
    from .reports.learning import Finding, HowWeKnow, LearningReport, OurPlans, ThemeCount, WhatWeKnow
    from .reports.sources import AreaFinding, QueryUse, SourceCount


if not TYPE_CHECKING:  # type checkers see the imports above; a misspelt name stays an error

    def __getattr__(name: str) -> Any:
        """The row types, their enums and ``QualityAssurance``, imported when first asked for."""
        module = _ROWS.get(name)
        if module is None:
            raise AttributeError(f"module 'kentqa_domain' has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_ROWS))


__all__ = [
    "DEFAULT_URL",
    "Action",
    "AreaFinding",
    "AuditActionRow",
    "AuditCycle",
    "AuditKind",
    "ChairsReport",
    "ChairsTally",
    "ChannelError",
    "ChannelUnavailable",
    "Complainant",
    "ComplaintRow",
    "ComplaintStage",
    "ComplaintTally",
    "ComplaintsSummary",
    "ComplianceStatus",
    "ConflictingEvent",
    "Counts",
    "CycleBreakdown",
    "CycleShare",
    "DriftAtQuarterEnd",
    "DriftKind",
    "DriftRow",
    "EscalationReason",
    "EscalationRow",
    "EscalationStage",
    "EscalationState",
    "EscalationSummary",
    "EscalationsRaised",
    "ExperienceLevel",
    "ExportSummary",
    "FeedbackChannel",
    "FeedbackSource",
    "Finding",
    "Grade",
    "Grouping",
    "HistoryRow",
    "HowWeKnow",
    "IntegrityCheckFailed",
    "InvalidEvent",
    "InvalidInput",
    "KentQAError",
    "LearningItem",
    "LearningReport",
    "LegalStatus",
    "Notification",
    "NotificationKind",
    "ObservationArea",
    "ObservationComplianceRow",
    "ObservationLearningRow",
    "ObservationSetting",
    "ObservationSummaryRow",
    "OurPlans",
    "Outcome",
    "Participation",
    "PhaseSummary",
    "PlanKind",
    "PluginError",
    "Policy",
    "Progress",
    "QualityAssurance",
    "QuarterTimeliness",
    "QueryUse",
    "RecordCorrected",
    "RecordWithdrawn",
    "RecordedBatch",
    "Requirement",
    "ReviewKind",
    "ReviewQARow",
    "Role",
    "Row",
    "Rows",
    "RuleViolation",
    "Scope",
    "ScrubIncomplete",
    "SourceCount",
    "StageTally",
    "StorageError",
    "StoreBusy",
    "StoreNotFound",
    "TeamThemeTally",
    "ThematicAuditRow",
    "ThemeCount",
    "TimelinessKind",
    "TimelinessRow",
    "TriadRecommendation",
    "UnknownReference",
    "VoiceSummary",
    "VoiceTally",
    "WhatWeKnow",
    "add_months",
    "connect",
    "cycle_bounds",
    "cycle_id_for",
    "errors",
    "events",
    "hookimpl",
    "parse_correction",
    "recording_key",
    "recording_order",
    "rows_to_csv",
    "rows_to_json",
    "to_plain",
]
