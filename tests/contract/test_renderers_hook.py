"""The ``kentqa_register_renderers`` hook: a council adds its own report format (R-AUD-6)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.errors import PluginError
from kentqa_domain.plugins import list_plugins, make_plugin_manager, report_renderers
from tests.audit_scenario import worked_example
from tests.cli_run import ROOT, kentqa

AS_OF = dt.date(2026, 11, 26)


def _plugin_from_docs() -> Any:
    """The example plugin of docs/plugins.md, executed as written."""
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = text.split("## kentqa_register_renderers", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "docs/plugins.md", "exec"), namespace)
    return SimpleNamespace(kentqa_register_renderers=namespace["kentqa_register_renderers"])


def test_the_built_in_formats_are_registered_through_kentqa_register_renderers() -> None:
    found = report_renderers(make_plugin_manager(entry_points=False))
    assert {name: plugin for name, (_renderer, plugin) in found.items()} == {
        "json": "kentqa.builtin.renderers",
        "md": "kentqa.builtin.renderers",
        "html": "kentqa.builtin.renderers",
    }
    loaded = {p.name: p.hooks for p in list_plugins(make_plugin_manager(entry_points=False))}
    assert "kentqa_register_renderers" in loaded["kentqa.builtin.renderers"]


def test_a_plugin_format_from_kentqa_register_renderers_renders_the_report() -> None:
    """The docs' example plugin, passed to connect, adds "grades-csv" to the report."""
    with kq.connect("memory://", policy=kq.Policy(), plugins=[_plugin_from_docs()]) as qa:
        qa.record_many(worked_example())
        assert "grades-csv" in qa.renderers()
        document = qa.learning_report("2026-T2", as_of=AS_OF).render("grades-csv")
    rows = list(csv.reader(io.StringIO(str(document))))
    assert rows == [["area", "graded", "good_or_better_share"], ["East", "4", "0.25"], ["West", "4", "0.5"]]


def test_a_format_registered_twice_through_kentqa_register_renderers_names_both_plugins() -> None:
    class Clash:
        @kq.hookimpl
        def kentqa_register_renderers(self, register: Any) -> None:
            register("html", lambda report: "<p>mine</p>")

    pm = make_plugin_manager(extra=[Clash()], entry_points=False)
    with pytest.raises(PluginError, match=r"report format 'html' is registered by both"):
        report_renderers(pm)


def test_the_cli_offers_plugin_formats_and_refuses_unknown_ones(tmp_path: Path) -> None:
    """``kentqa report learning --format`` takes any registered format; an unknown one is a
    usage error listing the known formats."""
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    kq.connect(db).close()  # a store, empty (a missing one is refused first: issue 17, finding 6)
    # every installed plugin loaded (the council's policy too)
    result = kentqa(
        "report", "learning", "--cycle", "2026-T2", "--format", "pdf", db=db, blocked="", timeout=120
    )
    assert result.returncode == 2
    assert "no report format 'pdf'; known: html, json, md" in result.stderr
