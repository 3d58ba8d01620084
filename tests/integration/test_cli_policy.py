"""``kentqa policy [--json]`` shows the policy in force, each value with its source, and
``kentqa plugins --json`` lists each plugin's hooks as a list (SPEC 9.5; docs/cli.md)."""

from __future__ import annotations

import json
from functools import partial

import attrs

import kentqa_domain as kq
from tests.cli_run import kentqa

#: ``kentqa ARGS`` with every plugin loaded unless ``blocked``.
run = partial(kentqa, blocked="", columns=200)


def test_policy_json_gives_every_field_with_its_value_default_and_source() -> None:
    """With this council's policy plugin installed, its overrides say ``kent_policy``; the rest
    are the SPEC defaults; statutory timescales say so and name their regulation."""
    result = run("policy", "--json")
    assert result.returncode == 0, result.stderr
    settings = {s["name"]: s for s in json.loads(result.stdout)}
    assert list(settings) == [f.name for f in attrs.fields(kq.Policy)]
    council = settings["council"]
    assert (council["value"], council["default"], council["source"]) == (
        "Kent County Council",
        "",
        "kent_policy",
    )
    first_review = settings["lac_first_review_working_days"]
    assert (first_review["value"], first_review["source"], first_review["kind"]) == (
        20,
        "default",
        "statutory",
    )
    assert "reg 33" in first_review["note"]
    assert settings["asye_observation_months"]["value"] == [3, 6, 11]
    assert settings["access"]["value"]["practitioner"] == "own"


def test_policy_without_plugins_is_the_spec_defaults() -> None:
    """``KENTQA_BLOCK_PLUGINS=kent_policy``: every value is the default, from ``default``."""
    result = run("policy", "--json", blocked="kent_policy")
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert {s["source"] for s in settings} == {"default"}
    assert all(s["value"] == s["default"] for s in settings)


def test_policy_prints_a_table_with_sources() -> None:
    result = run("policy")
    assert result.returncode == 0, result.stderr
    assert "Policy in force" in result.stdout
    line = next(
        line for line in result.stdout.splitlines() if "council " in line and "Kent County Council" in line
    )
    assert "kent_policy" in line


def test_plugins_json_lists_hooks_as_a_list() -> None:
    """SPEC 9.5: ``hooks`` is a JSON list of hook names, not one string."""
    result = run("plugins", "--json")
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["kentqa.builtin.storage"]["hooks"] == ["kentqa_register_storage"]
    assert plugins["kent_policy"]["hooks"] == ["kentqa_policy_overrides"]
    assert all(isinstance(p["hooks"], list) for p in plugins.values())
