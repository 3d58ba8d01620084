"""``kentqa notify`` with the built-in log:// channel, as a real process on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import kentqa_domain as kq
from tests.cli_run import kentqa

KEY = "audit_inadequate:audit:A1:2026-03-02"


def _store(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_json(
            {"type": "TeamRegistered", "team_id": "T1", "name": "East 1", "service": "CSW", "area": "East"}
        )
        qa.record_json(
            {
                "type": "AuditCompleted",
                "audit_id": "A1",
                "kind": "peer",
                "auditor_id": "AUD1",
                "team_id": "T1",
                "completed_on": "2026-03-02",
                "case_ref": "C1",
                "overall": "inadequate",
            }
        )
    return db


def test_log_is_the_default_and_a_second_run_sends_nothing(tmp_path: Path) -> None:
    db = _store(tmp_path)
    first = kentqa("notify", "--as-of", "2026-03-10", db=db, env={"KENTQA_NOTIFY": ""})
    assert first.returncode == 0, first.stderr
    assert "notify: to team_manager: Audit inadequate: audit:A1 (due 2026-03-02)." in first.stderr
    assert f"[{KEY}]" in first.stderr
    assert "1 notifications due at 2026-03-10, 1 new" in first.stdout
    second = kentqa("notify", "--as-of", "2026-03-10", "--json", db=db, env={"KENTQA_NOTIFY": ""})
    assert second.returncode == 0 and "notify: " not in second.stderr
    report = json.loads(second.stdout)
    assert (
        report["ok"]
        and report["newly_due"] == 0
        and report["channels"]
        == [
            {"channel": "log://", "ok": True, "delivered": [], "failed": [], "deferred": [], "would_send": []}
        ]
    )


def test_a_dry_run_shows_what_would_be_sent_and_records_nothing(tmp_path: Path) -> None:
    db = _store(tmp_path)
    dry = kentqa("notify", "--as-of", "2026-03-10", "--dry-run", "--json", db=db)
    assert dry.returncode == 0 and json.loads(dry.stdout)["channels"][0]["would_send"] == [KEY]
    real = kentqa("notify", "--as-of", "2026-03-10", "--json", "--notify", "log://", db=db)
    assert json.loads(real.stdout)["channels"][0]["delivered"] == [KEY]


def test_an_unknown_channel_scheme_is_a_plugin_error_exit_3(tmp_path: Path) -> None:
    db = _store(tmp_path)
    result = kentqa("notify", "--as-of", "2026-03-10", "--notify", "carrier-pigeon://loft", db=db)
    assert result.returncode == 3
    assert "no notification channel for carrier-pigeon://" in result.stderr and "known:" in result.stderr


def test_kentqa_notify_environment_variable_chooses_channels(tmp_path: Path) -> None:
    db = _store(tmp_path)
    out = tmp_path / "n.jsonl"
    result = kentqa(
        "notify", "--as-of", "2026-03-10", "--json", db=db, env={"KENTQA_NOTIFY": f"log://, file://{out}"}
    )
    assert result.returncode == 0, result.stderr
    assert [c["channel"] for c in json.loads(result.stdout)["channels"]] == ["log://", f"file://{out}"]
    assert json.loads(out.read_text().strip())["key"] == KEY
