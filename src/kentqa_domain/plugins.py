"""The plugin manager: built-ins registered explicitly, others from the ``kentqa`` entry points.

Set ``KENTQA_BLOCK_PLUGINS`` to a comma-separated list of plugin names (as ``kentqa plugins``
shows them) to keep them from loading, e.g. a policy plugin while testing defaults.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
import pluggy

from . import hookspecs
from .builtin import notifiers as builtin_notifiers
from .builtin import storage as builtin_storage
from .errors import PluginError, StorageError
from .hookspecs import registered
from .policy import Policy
from .reports import renderers as builtin_renderers
from .safe_text import redact, without_password
from .storage import Storage

BUILTINS: tuple[tuple[str, object], ...] = (
    ("kentqa.builtin.storage", builtin_storage),
    ("kentqa.builtin.notifiers", builtin_notifiers),
    ("kentqa.builtin.renderers", builtin_renderers),
)


@attrs.frozen
class LoadedPlugin:
    """One plugin as ``kentqa plugins`` lists it."""

    name: str
    source: str
    hooks: tuple[str, ...]
    version: str | None = None


def blocked_names() -> set[str]:
    return {n.strip() for n in os.environ.get("KENTQA_BLOCK_PLUGINS", "").split(",") if n.strip()}


def make_plugin_manager(*, extra: Iterable[object] = (), entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the built-ins, the installed entry points and ``extra`` plugins."""
    pm = pluggy.PluginManager("kentqa")
    pm.add_hookspecs(hookspecs)
    blocked = blocked_names()
    for name, module in BUILTINS:
        if name not in blocked:
            pm.register(module, name=name)
    if entry_points:
        for name in blocked:
            pm.set_blocked(name)
        try:
            pm.load_setuptools_entrypoints("kentqa")
        except Exception as exc:  # a broken third-party plugin must say which one
            raise PluginError(f"a kentqa plugin failed to load: {exc}") from exc
    for plugin in extra:
        pm.register(plugin)
    return pm


def list_plugins(pm: pluggy.PluginManager) -> list[LoadedPlugin]:
    """What is loaded and from where (``kentqa plugins``)."""
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist = dists.get(id(plugin))
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        source = f"{dist.project_name} (entry point)" if dist else "built in"
        if name and not dist and not name.startswith("kentqa.builtin"):
            source = getattr(plugin, "__name__", repr(plugin))
        out.append(LoadedPlugin(name or repr(plugin), source, hooks, dist.version if dist else None))
    return out


def storage_openers(pm: pluggy.PluginManager) -> dict[str, tuple[Any, str]]:
    """URL scheme -> (opener, plugin name)."""
    return registered(pm.hook.kentqa_register_storage)


def importers(pm: pluggy.PluginManager) -> dict[str, tuple[Any, str]]:
    """Import format name -> (importer, plugin name), from ``kentqa_register_importers``."""
    return registered(pm.hook.kentqa_register_importers)


def report_renderers(pm: pluggy.PluginManager) -> dict[str, tuple[Any, str]]:
    """Report format -> (renderer, plugin name), from ``kentqa_register_renderers``."""
    return registered(pm.hook.kentqa_register_renderers)


def open_storage(pm: pluggy.PluginManager, url: str) -> Storage:
    """Resolve a URL through the storage plugins; errors name the scheme and what is known,
    never the password (issue 17: the URL or a plugin's message quoting it was printed whole)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = url.partition(":")[0].lower()
    openers = storage_openers(pm)
    if scheme not in openers:
        known = ", ".join(f"{s}://" for s in sorted(openers)) or "none"
        hint = " (pip install kentqa-postgres)" if scheme.startswith("postgres") else ""
        raise StorageError(
            without_password(
                f"no storage plugin for {scheme or '?'}:// in {redact(url)!r}{hint}; known: {known}", url
            )
        )
    opener, plugin = openers[scheme]
    try:
        storage: Storage = opener(url)
    except ValueError as exc:
        raise StorageError(f"{plugin}: {without_password(str(exc), url)}") from None
    return storage


def resolve_policy(pm: pluggy.PluginManager, base: Policy | None = None) -> Policy:
    """The defaults, then each policy plugin's overrides in registration order."""
    policy = base or Policy()
    for impl in pm.hook.kentqa_policy_overrides.get_hookimpls():
        overrides = impl.function()
        if isinstance(overrides, Mapping) and overrides:
            try:
                policy = policy.with_overrides(overrides, source=impl.plugin_name)
            except (TypeError, ValueError) as exc:
                raise PluginError(f"policy plugin {impl.plugin_name}: {exc}") from None
    return policy


@attrs.frozen
class PolicySetting:
    """One field of the policy in force, and where its value comes from (``kentqa policy``)."""

    name: str
    value: Any
    default: Any
    #: ``"default"``, or the name of the policy plugin whose override is in force
    source: str
    #: ``"statutory"`` (from regulations or statutory guidance, named in ``note``) or ``"policy"``
    kind: str
    note: str


def policy_settings(pm: pluggy.PluginManager, base: Policy | None = None) -> list[PolicySetting]:
    """The policy :func:`resolve_policy` gives, field by field, each with its source: the
    defaults, then each policy plugin's overrides in registration order (the last one wins)."""
    policy = resolve_policy(pm, base)
    defaults = base or Policy()
    sources: dict[str, str] = {}
    for impl in pm.hook.kentqa_policy_overrides.get_hookimpls():
        overrides = impl.function()
        if isinstance(overrides, Mapping):
            sources.update(dict.fromkeys(overrides, impl.plugin_name))
    out = []
    for field in attrs.fields(Policy):
        statutory = field.metadata.get("statutory")
        out.append(
            PolicySetting(
                name=field.name,
                value=getattr(policy, field.name),
                default=getattr(defaults, field.name),
                source=sources.get(field.name, "default"),
                kind="statutory" if statutory else "policy",
                note=str(statutory or field.metadata.get("policy", "")),
            )
        )
    return out


def notifier_factories(pm: pluggy.PluginManager) -> dict[str, tuple[Any, str]]:
    """Notification channel URL scheme -> (factory, plugin name)."""
    return registered(pm.hook.kentqa_register_notifiers)
