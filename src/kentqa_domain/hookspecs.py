"""The plugin hooks of kentqa-domain (SPEC section 6). Each has a heading in docs/plugins.md.

Plugins implement these with ``@kentqa_domain.hookimpl`` and register under the entry-point
group ``kentqa``. Registry-style hooks are given a ``register`` function to call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pluggy

from .errors import PluginError

hookspec = pluggy.HookspecMarker("kentqa")
hookimpl = pluggy.HookimplMarker("kentqa")


@hookspec
def kentqa_register_storage(register: Callable[[str, Any], None]) -> None:
    """Register storage back ends: call ``register(scheme, opener)`` for each URL scheme.

    ``opener(url) -> kentqa_domain.storage.Storage`` gives the eventsourcing settings for the URL
    and, in ``Storage.backend``, a :class:`kentqa_domain.storage.StorageBackend`: the back end's
    admin operations (``admin(recorder)``), its page reader of the notification log
    (``page_reader(recorder)``) and its reading of exceptions (``classify(exc)``), which the
    core uses instead of knowing any driver (decision 1010). A scheme registered twice is an
    error naming both plugins.
    """


@hookspec
def kentqa_policy_overrides() -> Mapping[str, Any] | None:
    """Return policy fields to override (names of :class:`kentqa_domain.policy.Policy` fields).

    Applied in plugin registration order over the defaults; each value is validated as the
    Policy field requires. Return None to change nothing.
    """


@hookspec
def kentqa_register_notifiers(register: Callable[[str, Any], None]) -> None:
    """Register notification channels: call ``register(scheme, factory)`` for each URL scheme.

    ``factory(url) -> channel`` raises ``ValueError`` naming what is wrong with the URL. The
    channel has ``send(notification)``, which returns only once the channel has accepted the
    :class:`kentqa_domain.notifications.Notification` and raises otherwise
    (``kentqa_domain.errors.ChannelUnavailable`` for failures worth retrying within the run,
    such as a refused connection); it may have ``close()``. A scheme registered twice is an
    error naming both plugins.
    """


@hookspec
def kentqa_register_importers(register: Callable[[str, Any], None]) -> None:
    """Register file importers: call ``register(format_name, importer)`` for each format.

    ``importer`` is a :class:`kentqa_domain.importing.Importer`: its ``name`` (the format name
    ``kentqa import FORMAT`` takes), a title, the file extensions it reads, and
    ``read(paths, options)``, an iterator of ``(SourceLocation, item)`` where ``item`` is an
    event, a :class:`~kentqa_domain.importing.Problem` (something not imported, and why), a
    :class:`~kentqa_domain.importing.Duplicate` or a :class:`~kentqa_domain.importing.FileRead`.
    ``options`` (:class:`~kentqa_domain.importing.ImportOptions`) gives the pseudonymiser, the
    date after which dates are refused, the opener to read files through and the plans the
    store already holds for a child. A format registered twice is an error naming both plugins.
    """


@hookspec
def kentqa_register_renderers(register: Callable[[str, Any], None]) -> None:
    """Register report formats: call ``register(format_name, renderer)`` for each.

    ``renderer(report) -> str | bytes`` turns a report (e.g. the Learning and Improvement
    report, :class:`kentqa_domain.reports.learning.LearningReport`, R-AUD-6) into a document;
    ``report.to_dict()`` gives its JSON-ready content. Built in: ``json``, ``md``, ``html``.
    ``kentqa report learning --format NAME`` and ``report.render(NAME)`` use it. A format
    registered twice is an error naming both plugins.
    """


#: What each registering hook registers, for the message when two plugins claim one name.
_WHAT = {
    "kentqa_register_storage": "storage scheme",
    "kentqa_register_importers": "import format",
    "kentqa_register_renderers": "report format",
    "kentqa_register_notifiers": "notification scheme",
}


def registered(hook: Any) -> dict[str, tuple[Any, str]]:
    """Name -> (what was registered, plugin name), from one ``kentqa_register_*`` hook: each
    implementation is called with a ``register(name, value)``; a name claimed by two plugins
    is a :class:`~kentqa_domain.errors.PluginError` naming both."""
    found: dict[str, tuple[Any, str]] = {}
    what = _WHAT.get(hook.name, hook.name)

    def collect(plugin_name: str) -> Callable[[str, Any], None]:
        def register(key: str, value: Any) -> None:
            if key in found and found[key][1] != plugin_name:
                raise PluginError(f"{what} {key!r} is registered by both {found[key][1]} and {plugin_name}")
            found[key] = (value, plugin_name)

        return register

    for impl in hook.get_hookimpls():
        impl.function(collect(impl.plugin_name))
    return found
