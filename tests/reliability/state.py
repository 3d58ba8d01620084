"""Comparing states: the state in the store as plain nested data, and the same rebuilt from the log."""

from __future__ import annotations

import enum
from typing import Any

import attrs
import orjson

from kentqa_domain.application import QualityAssurance


def plain(value: Any) -> Any:
    """``value`` as dicts, lists and scalars (sets sorted), for equality and searching."""
    if isinstance(value, enum.Enum):
        return value.value
    if attrs.has(type(value)):
        return {
            "@": type(value).__name__,
            **{k: plain(v) for k, v in attrs.asdict(value, recurse=False).items()},
        }
    if isinstance(value, dict):
        return {repr(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "__dict__"):
        return {"@": type(value).__name__, **{k: plain(v) for k, v in vars(value).items()}}
    return value


def store_state(qa: QualityAssurance | dict[str, Any]) -> dict[str, Any]:
    """Everything folded from the log, as plain data: the write model's and every projection's
    documents (the reveal projection's by name only: its values are sealed with fresh nonces),
    and the identity index. Positions of documents are left out (a rebuild writes them at page
    ends)."""
    if isinstance(qa, dict):
        return qa
    qa.catch_up()
    tables = qa.state_tables
    docs: dict[str, dict[str, Any]] = {}
    for owner, space, key, doc in tables.select(
        "SELECT owner, space, key, doc FROM kentqa_docs ORDER BY owner, space, key"
    ):
        if not doc:  # a deleted document (a tombstone)
            continue
        value = orjson.loads(tables.unseal(doc)) if owner != "reveal" else "sealed"
        docs.setdefault(owner, {})[f"{space}/{key}"] = value
    identities = tables.select("SELECT key, position, digest FROM kentqa_identities ORDER BY key")
    return {"docs": docs, "identities": [list(r) for r in identities]}


def replayed(qa: QualityAssurance) -> dict[str, Any]:
    """The state rebuilt from the whole log (``replay(restart=True)``), as :func:`store_state` gives it."""
    qa.replay(restart=True)
    return store_state(qa)


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


def known_children(qa: QualityAssurance) -> set[str]:
    """Every child the write model knows, by reference (a forgotten child by its token)."""
    qa.catch_up()
    return {qa.revealer.child(token) for token in qa.recording.book.children}


def live_children(qa: QualityAssurance) -> set[str]:
    """The children known by reference (not forgotten)."""
    return {ref for ref in known_children(qa) if not ref.startswith("anon-")}


def store_dump(qa: QualityAssurance) -> bytes:
    """Every row of every table of an SQLite (or memory://) store, as bytes to search for what
    must not be there."""
    qa.catch_up()
    out: list[bytes] = []
    for (name,) in qa.state_tables.select("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in qa.state_tables.select(f'SELECT * FROM "{name}"'):
            out.append(repr(row).encode())
    return b"\n".join(out)


def identities(qa: QualityAssurance) -> list[tuple[int, int, int]]:
    """The identity index: (key, position, digest) rows, by key."""
    qa.catch_up()
    return [
        tuple(r)
        for r in qa.state_tables.select("SELECT key, position, digest FROM kentqa_identities ORDER BY key")
    ]  # type: ignore[misc]


def stream_versions(qa: QualityAssurance) -> dict[str, int]:
    """Each stream's last version in the events table."""
    table = qa.state_tables.qualify(qa.recorder.events_table_name)
    rows = qa.state_tables.select(
        f"SELECT originator_id, MAX(originator_version) FROM {table} GROUP BY originator_id"
    )
    return {str(originator).replace("-", ""): version for originator, version in rows}
