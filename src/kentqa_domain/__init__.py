"""kentqa-domain: a children's services Quality Assurance Framework as an event-sourced library.

    import kentqa_domain as kq
    qa = kq.connect("sqlite:///./kentqa.db")
    qa.record_json({"type": "TeamRegistered", ...})

See README.md and docs/ for the whole tour.
"""

from __future__ import annotations

import contextlib

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
    import os

    from .application import QualityAssurance
    from .encryption import cipher_settings
    from .plugins import make_plugin_manager, open_storage, resolve_policy

    pm = make_plugin_manager(extra=plugins)  # type: ignore[arg-type]
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
    import os

    from .errors import StoreNotFound

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
