"""The example channel plugin: loads through its entry point (kentqa_register_notifiers),
checks its URL, and a real ``kentqa notify`` run writes each notification to the file once."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import kentqa_domain as kq
from kentqa_domain.errors import ChannelUnavailable
from kentqa_domain.notifications import Notification
from kentqa_domain.notifications.channels import open_channels
from kentqa_domain.plugins import list_plugins, make_plugin_manager
from kentqa_example_channel import FileChannel, open_file


def test_installed_under_the_kentqa_entry_point_group() -> None:
    assert {ep.name: ep.value for ep in entry_points(group="kentqa")}.get(
        "example_channel"
    ) == "kentqa_example_channel"
    loaded = {p.name: p for p in list_plugins(make_plugin_manager())}
    assert loaded["example_channel"].hooks == ("kentqa_register_notifiers",)
    assert "kentqa-example-channel" in loaded["example_channel"].source


def test_file_urls_resolve_through_the_plugin(tmp_path: Path) -> None:
    (opened,) = open_channels(make_plugin_manager(), [f"file://{tmp_path}/n.jsonl"])
    assert isinstance(opened.channel, FileChannel) and opened.channel.path == tmp_path / "n.jsonl"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file://server/share/n.jsonl", "no host or options"),
        ("file:///tmp/n.jsonl?mode=x", "no host or options"),
        ("file:///", "absolute file path"),
        ("file:///no/such/folder/n.jsonl", "does not exist"),
    ],
)
def test_bad_urls_are_named(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        open_file(url)


def test_an_unwritable_file_is_unavailable(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    channel = open_file(f"file://{folder}/n.jsonl")
    folder.rmdir()
    n = Notification(
        kind="qa_overdue",
        subject="child:C1:looked_after",
        due_on=dt.date(2026, 1, 1),
        audience="iro",
        message="m",
    )
    with pytest.raises(ChannelUnavailable, match="cannot append"):
        channel.send(n)


def test_kentqa_notify_writes_each_notification_once(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_json(
            {"type": "TeamRegistered", "team_id": "T1", "name": "East 1", "service": "CSW", "area": "East"}
        )
        qa.record_json(
            {
                "type": "AuditCompleted",
                "audit_id": "A1",
                "kind": "multi_agency",
                "auditor_id": "AUD1",
                "team_id": "T1",
                "completed_on": "2026-03-02",
                "overall": "inadequate",
            }
        )
    out = tmp_path / "notifications.jsonl"
    env = {**os.environ, "KENTQA_BLOCK_PLUGINS": "kent_policy", "KENTQA_NOTIFY": f"file://{out}"}
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "kentqa_domain", "notify", "--as-of", "2026-03-10", "--db", db],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    (line,) = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["key"] == "audit_inadequate:audit:A1:2026-03-02"
    assert record["audience"] == "team_manager" and record["refs"]["audit_id"] == "A1"
