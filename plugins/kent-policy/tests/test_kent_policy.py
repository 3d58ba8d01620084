"""The Kent policy plugin loads through the entry point and its choices reach connect()."""

from __future__ import annotations

import attrs

import kentqa_domain as kq
from kentqa_domain.plugins import list_plugins, make_plugin_manager, resolve_policy
from kentqa_kent_policy import CHOICES


def test_registered_under_the_kentqa_entry_point() -> None:
    loaded = {p.name: p for p in list_plugins(make_plugin_manager())}
    assert "kent_policy" in loaded
    assert "kentqa_policy_overrides" in loaded["kent_policy"].hooks
    assert "kentqa-kent-policy" in loaded["kent_policy"].source


def test_every_choice_is_a_policy_field_with_a_source() -> None:
    names = {f.name for f in attrs.fields(kq.Policy)}
    for name, (_value, source) in CHOICES.items():
        assert name in names and source


def test_connect_applies_kent_choices_and_blocking_removes_them(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    policy = resolve_policy(make_plugin_manager())
    assert policy.council == "Kent County Council"
    with kq.connect("memory://") as qa:
        assert qa.policy.council == "Kent County Council"
    monkeypatch.setenv("KENTQA_BLOCK_PLUGINS", "kent_policy")
    assert resolve_policy(make_plugin_manager()).council == ""
