"""Channels from URLs: the kentqa_register_notifiers hook, --notify / KENTQA_NOTIFY, errors."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentqa_domain import hookimpl
from kentqa_domain.builtin.notifiers import LogChannel
from kentqa_domain.errors import PluginError
from kentqa_domain.notification import Notification
from kentqa_domain.notifications.channels import DEFAULT_CHANNELS, channel_urls, open_channels
from kentqa_domain.plugins import make_plugin_manager, notifier_factories


class SecondLog:
    """A plugin that tries to take over log:// through kentqa_register_notifiers."""

    @hookimpl
    def kentqa_register_notifiers(self, register):  # type: ignore[no-untyped-def]
        register("log", lambda url: LogChannel())


class NoSend:
    @hookimpl
    def kentqa_register_notifiers(self, register):  # type: ignore[no-untyped-def]
        register("nosend", lambda url: object())


def test_log_is_built_in_and_the_default() -> None:
    pm = make_plugin_manager(entry_points=False)
    assert "log" in notifier_factories(pm)
    assert channel_urls([], env={}) == list(DEFAULT_CHANNELS) == ["log://"]
    (opened,) = open_channels(pm, ["log://"])
    assert opened.name == "log://" and opened.plugin == "kentqa.builtin.notifiers"


def test_notify_options_win_over_the_environment_which_wins_over_the_default() -> None:
    env = {"KENTQA_NOTIFY": "smtp://a:25?from=x@y.z&to=q@y.z, https://h.example/x ,"}
    assert channel_urls(["log://"], env=env) == ["log://"]
    assert channel_urls([], env=env) == ["smtp://a:25?from=x@y.z&to=q@y.z", "https://h.example/x"]


@given(st.lists(st.sampled_from(["log://", "file:///a", "https://h/x", "smtp://m:25?from=a@b.c&to=d@e.f"])))
def test_channel_urls_are_deduplicated_in_order(urls: list[str]) -> None:
    chosen = channel_urls(urls, env={})
    assert chosen == (list(dict.fromkeys(urls)) or ["log://"])


def test_an_unknown_scheme_names_the_known_ones_and_hides_passwords() -> None:
    with pytest.raises(
        PluginError, match=r"no notification channel for ftp:// in 'ftp://u:\*\*\*@h/'.*known: .*log://"
    ):
        open_channels(make_plugin_manager(entry_points=False), ["ftp://u:pw@h/"])


def test_an_adapter_hint_is_given_for_smtp_when_it_is_not_installed() -> None:
    with pytest.raises(PluginError, match=r"pip install kentqa-smtp"):
        open_channels(make_plugin_manager(entry_points=False), ["smtp://h:25?from=a@b.c&to=d@e.f"])


def test_a_bad_url_names_the_channel_and_the_plugin() -> None:
    with pytest.raises(PluginError, match=r"log://x.*kentqa.builtin.notifiers.*no host, path or options"):
        open_channels(make_plugin_manager(entry_points=False), ["log://x"])


def test_a_scheme_registered_twice_names_both_plugins() -> None:
    pm = make_plugin_manager(entry_points=False, extra=[SecondLog()])
    with pytest.raises(PluginError, match=r"notification scheme 'log' is registered by both"):
        notifier_factories(pm)


def test_a_factory_must_return_something_with_send() -> None:
    pm = make_plugin_manager(entry_points=False, extra=[NoSend()])
    with pytest.raises(PluginError, match=r"returned no channel with send"):
        open_channels(pm, ["nosend://x"])


def test_the_log_channel_writes_one_line_naming_audience_kind_and_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import datetime as dt

    n = Notification(
        kind="escalation_raised",
        subject="escalation:E1",
        due_on=dt.date(2026, 3, 2),
        audience="service_manager",
        message="Escalation E1 was raised.",
    )
    with caplog.at_level(logging.INFO, logger="kentqa.notifications"):
        LogChannel().send(n)
    (record,) = caplog.records
    assert record.getMessage() == (
        "to service_manager: Escalation raised: escalation:E1 (due 2026-03-02). "
        "Escalation E1 was raised. [escalation_raised:escalation:E1:2026-03-02]"
    )
