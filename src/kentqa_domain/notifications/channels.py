"""Notification channels: plugins chosen by URL (``--notify URL``, ``KENTQA_NOTIFY``).

A channel plugin registers a factory per URL scheme through ``kentqa_register_notifiers``;
``factory(url)`` gives an object whose ``send(notification)`` returns once the channel has
accepted the notification and raises otherwise. ``log://`` is built in and the default.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit

import attrs
import pluggy

from ..errors import PluginError
from ..notification import Notification
from ..plugins import notifier_factories
from ..storage import redact

DEFAULT_CHANNELS = ("log://",)
ENV = "KENTQA_NOTIFY"


class Channel(Protocol):
    """What a channel plugin's factory returns."""

    def send(self, notification: Notification) -> None:
        """Return once the channel accepted ``notification``; raise otherwise."""


@attrs.frozen
class OpenChannel:
    """A configured channel. ``name`` (the URL with any password hidden) identifies it in the
    delivery record: the same URL on a later run is the same channel."""

    name: str
    channel: Channel
    plugin: str

    def send(self, notification: Notification) -> None:
        self.channel.send(notification)

    def close(self) -> None:
        close = getattr(self.channel, "close", None)
        if callable(close):
            close()


def channel_urls(urls: Sequence[str] = (), env: Mapping[str, str] | None = None) -> list[str]:
    """The channel URLs of a run: ``urls`` if any, else ``KENTQA_NOTIFY`` (comma-separated),
    else ``log://``. Duplicates are dropped, order kept."""
    chosen = [u.strip() for u in urls if u.strip()]
    if not chosen:
        raw = (os.environ if env is None else env).get(ENV, "")
        chosen = [u.strip() for u in raw.split(",") if u.strip()]
    return list(dict.fromkeys(chosen or DEFAULT_CHANNELS))


def open_channels(pm: pluggy.PluginManager, urls: Iterable[str]) -> list[OpenChannel]:
    """Resolve each URL through the channel plugins; errors name the URL, scheme and plugin."""
    factories = notifier_factories(pm)
    opened: list[OpenChannel] = []
    for url in urls:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in factories:
            known = ", ".join(f"{s}://" for s in sorted(factories)) or "none"
            hint = _HINTS.get(scheme, "")
            raise PluginError(
                f"no notification channel for {scheme or '?'}:// in {redact(url)!r}{hint}; known: {known}"
            )
        factory, plugin = factories[scheme]
        try:
            channel: Any = factory(url)
        except ValueError as exc:
            raise PluginError(f"notification channel {redact(url)} ({plugin}): {exc}") from None
        if not callable(getattr(channel, "send", None)):
            raise PluginError(f"{plugin}: the factory for {scheme}:// returned no channel with send()")
        opened.append(OpenChannel(name=redact(url), channel=channel, plugin=plugin))
    return opened


_HINTS = {
    "smtp": " (pip install kentqa-smtp)",
    "http": " (pip install kentqa-webhook)",
    "https": " (pip install kentqa-webhook)",
}
