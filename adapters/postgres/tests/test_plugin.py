"""The adapter is a kentqa plugin: found by entry point, registers its URL schemes."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import pluggy

import kentqa_postgres
from kentqa_domain import hookspecs


def test_the_distribution_registers_under_the_kentqa_entry_point_group() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="kentqa")}
    assert found.get("postgres") == "kentqa_postgres"


def test_the_hook_registers_postgresql_and_postgres_schemes() -> None:
    manager = pluggy.PluginManager("kentqa")
    manager.add_hookspecs(hookspecs)
    manager.register(kentqa_postgres)
    registered: dict[str, Any] = {}
    manager.hook.kentqa_register_storage(register=registered.__setitem__)
    assert registered == {
        "postgresql": kentqa_postgres.open_postgres,
        "postgres": kentqa_postgres.open_postgres,
    }
