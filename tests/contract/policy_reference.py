"""Builds docs/policy.md from the Policy fields' metadata.

Regenerate with ``python -m tests.contract.policy_reference > docs/policy.md``.
"""

from __future__ import annotations

import attrs

from kentqa_domain.policy import Policy


def _show(value: object) -> str:
    if isinstance(value, (frozenset, set)):
        return "none" if not value else ", ".join(sorted(map(str, value)))
    if isinstance(value, dict):
        return ", ".join(f"{getattr(k, 'value', k)}: {v}" for k, v in value.items())
    if value == "":
        return '""'
    return str(value)


def build() -> str:
    default = Policy()
    out = [
        "# Policy",
        "",
        "Every number SPEC section 4 calls a default lives in one frozen `Policy` value",
        "(`kentqa_domain.policy`). A policy plugin overrides fields through",
        "`kentqa_policy_overrides` (see [plugins.md](plugins.md)); `kq.connect(url, policy=...)`",
        "uses a policy of your own instead. *Statutory* numbers come from the regulation or",
        "guidance named: a council can change them (e.g. for a pilot) but the law expects the default.",
        "",
        "This page is generated from the code (`python -m tests.contract.policy_reference`).",
        "",
        "| field | default | kind | meaning and source |",
        "|---|---|---|---|",
    ]
    for field in attrs.fields(Policy):
        kind = "statutory" if "statutory" in field.metadata else "policy"
        note = field.metadata.get("statutory") or field.metadata.get("policy")
        out.append(f"| `{field.name}` | {_show(getattr(default, field.name))} | {kind} | {note} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(build(), end="")
