"""Builds docs/events.md from the event classes and examples/small-council.jsonl.

Regenerate with ``python -m tests.contract.events_reference > docs/events.md``;
``test_events_reference.py`` fails while the committed page differs from the code.
"""

from __future__ import annotations

import inspect
import json
import typing
from enum import Enum
from pathlib import Path

import attrs

from kentqa_domain import events as ev
from kentqa_domain.recording.identity import IDENTITY
from kentqa_domain.values import Action

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "small-council.jsonl"
SECTIONS = [
    ("Organisation and staff", ev.TeamRegistered, ev.SupervisionHeld),
    ("Observation of practice", ev.ObservationRecorded, ev.ReflectiveReviewHeld),
    ("Audits", ev.AuditCompleted, ev.ThematicAuditAgreed),
    ("Children's plans, reviews and drift", ev.ChildBecameLookedAfter, ev.ReviewQualityAssured),
    ("Escalation", ev.EscalationRaised, ev.EscalationReferredToCafcass),
    ("Complaints, compliments and feedback", ev.ComplaintReceived, ev.FeedbackReceived),
]


def _type_name(hint: typing.Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if args and type(None) in args and origin is not tuple:
        inner = next(a for a in args if a is not type(None))
        return f"{_type_name(inner)} or null"
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"object of {_type_name(args[1])}"
    if hint is Action:
        return "Action"
    if isinstance(hint, type) and issubclass(hint, Enum):
        return f"{hint.__name__} (" + ", ".join(f"`{m.value}`" for m in hint) + ")"
    return {str: "string", int: "integer", bool: "boolean"}.get(hint, getattr(hint, "__name__", str(hint)))


def _default(field: attrs.Attribute[typing.Any]) -> str:
    if field.default is attrs.NOTHING:
        return "required"
    if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
        return "`{}`" if field.default.factory is dict else "`[]`"
    return f"`{json.dumps(field.default)}`"


def _examples() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in EXAMPLES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            obj = json.loads(line)
            found.setdefault(obj["type"], line)
    return found


def build() -> str:
    examples = _examples()
    out = [
        "# Events reference",
        "",
        "Every event kentqa-domain records, with its JSON fields (SPEC section 3). JSON form: an",
        'object with `"type"` and the fields; dates `YYYY-MM-DD`; enums by value; lists for',
        "tuples; `null` for absent optionals. Identity: the fields that make two recordings the",
        "same event (identical again: no-op; different content: `ConflictingEvent`).",
        "",
        "This page is generated from the code (`python -m tests.contract.events_reference`) and",
        "a test fails when it is out of step.",
        "",
        "An `Action` is `{action_id, description, owner_id, due_on}`.",
        "",
    ]
    names = list(ev.EVENT_TYPES)
    for title, first, last in SECTIONS:
        out += [f"## {title}", ""]
        for name in names[names.index(first.__name__) : names.index(last.__name__) + 1]:
            cls = ev.EVENT_TYPES[name]
            hints = typing.get_type_hints(cls)
            out += [f"### {name}", "", inspect.getdoc(cls) or "", ""]
            out += ["| field | type | default |", "|---|---|---|"]
            for field in attrs.fields(cls):
                out.append(f"| `{field.name}` | {_type_name(hints[field.name])} | {_default(field)} |")
            out += ["", "Identity: " + ", ".join(f"`{f}`" for f in IDENTITY[cls]) + ".", ""]
            if name in examples:
                out += ["```json", examples[name], "```", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(build(), end="")
