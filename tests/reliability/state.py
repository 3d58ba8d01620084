"""Comparing folded states: a ledger as plain nested data, and a ledger replayed from the log."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from kentqa_domain.application import QualityAssurance
from kentqa_domain.ledger import Ledger
from kentqa_domain.projections import PROJECTIONS


def plain(value: Any) -> Any:
    """``value`` as dicts, lists and scalars (sets sorted), for equality and searching."""
    if isinstance(value, enum.Enum):
        return value.value
    if attrs.has(type(value)):
        return {"@": type(value).__name__, **{k: plain(v) for k, v in attrs.asdict(value, recurse=False).items()}}
    if isinstance(value, dict):
        return {repr(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "__dict__"):
        return {"@": type(value).__name__, **{k: plain(v) for k, v in vars(value).items()}}
    return value


def ledger_state(ledger: Ledger) -> dict[str, Any]:
    return {
        "casebook": plain(ledger.casebook),
        "identities": dict(sorted(ledger.identities.items())),
        "versions": {str(k): v for k, v in sorted(ledger.versions.items(), key=lambda kv: str(kv[0]))},
        "projections": {name: plain(p) for name, p in ledger.projections.items()},
        "child_aliases": plain(ledger.child_aliases),
        "forgotten": ledger.forgotten,
        "position": ledger.position,
    }


def replayed(qa: QualityAssurance) -> Ledger:
    """The ledger folded afresh from the whole log (no checkpoint), the connection's own left as it was."""
    kept = qa.ledger
    try:
        qa.ledger = Ledger(PROJECTIONS)
        qa.catch_up()
        return qa.ledger
    finally:
        qa.ledger = kept


def difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two plain states first differ (for assertion messages)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=repr):
            if key not in a or key not in b:
                return f"{path}/{key}: only in {'second' if key not in a else 'first'}"
            found = difference(a[key], b[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r:.300} != {b!r:.300}"
