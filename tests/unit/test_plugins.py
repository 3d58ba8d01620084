"""The plugin manager: built-ins, entry points, blocking, duplicate registrations, policy."""

from __future__ import annotations

import pytest

import kentqa_domain as kq
from kentqa_domain import hookimpl
from kentqa_domain.errors import PluginError, StorageError
from kentqa_domain.plugins import make_plugin_manager, open_storage, resolve_policy, storage_openers
from kentqa_domain.storage import Storage, redact


class SecondSqlite:
    """A plugin that tries to take over the sqlite scheme (kentqa_register_storage)."""

    @hookimpl
    def kentqa_register_storage(self, register):  # type: ignore[no-untyped-def]
        register("sqlite", lambda url: Storage(settings={}, display=url))


class ShortDueSoon:
    @hookimpl
    def kentqa_policy_overrides(self):  # type: ignore[no-untyped-def]
        return {"due_soon_days": 7}


class BadPolicy:
    @hookimpl
    def kentqa_policy_overrides(self):  # type: ignore[no-untyped-def]
        return {"due_soon_dayz": 7}


def test_builtin_storage_schemes() -> None:
    assert {"memory", "sqlite"} <= set(storage_openers(make_plugin_manager(entry_points=False)))


def test_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(StorageError, match=r"no storage plugin for mongodb://.*known: memory://"):
        open_storage(make_plugin_manager(entry_points=False), "mongodb://x")


def test_duplicate_scheme_names_both_plugins() -> None:
    pm = make_plugin_manager(entry_points=False, extra=[SecondSqlite()])
    with pytest.raises(PluginError, match=r"sqlite.*kentqa\.builtin\.storage"):
        storage_openers(pm)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://host/x.db", "empty host"),
        ("sqlite:///", "file path"),
        ("sqlite:///x.db?cache=1", "unknown sqlite URL option"),
        ("sqlite:////no/such/folder/x.db", "does not exist"),
        ("memory://x", "memory storage"),
    ],
)
def test_bad_builtin_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message):
        kq.connect(url)


def test_policy_overrides_apply_in_order_and_are_validated() -> None:
    pm = make_plugin_manager(entry_points=False, extra=[ShortDueSoon()])
    assert resolve_policy(pm).due_soon_days == 7
    with pytest.raises(PluginError, match="due_soon_dayz"):
        resolve_policy(make_plugin_manager(entry_points=False, extra=[BadPolicy()]))


def test_explicit_policy_bypasses_plugins() -> None:
    with kq.connect("memory://", policy=kq.Policy(), plugins=[ShortDueSoon()]) as qa:
        assert qa.policy.due_soon_days == 28
    with kq.connect("memory://", plugins=[ShortDueSoon()]) as qa:
        assert qa.policy.due_soon_days == 7


def test_blocking_a_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENTQA_BLOCK_PLUGINS", "kentqa.builtin.storage")
    assert "sqlite" not in storage_openers(make_plugin_manager(entry_points=False))


def test_redact_hides_passwords() -> None:
    assert redact("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("sqlite:///x.db") == "sqlite:///x.db"
