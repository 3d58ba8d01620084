"""``kentqa notify`` with a real SMTP server on 127.0.0.1 that goes down and comes back.

Down during a run: exit status 4 naming the channel, nothing recorded as delivered. Back up:
the next run delivers exactly the missed ones. A run after that sends nothing new.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from kentqa_domain.state.outbox import Notifications

AUDITS = ["A1", "A2", "A3"]


def kentqa(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KENTQA_BLOCK_PLUGINS": "kent_policy"}
    env.pop("KENTQA_NOTIFY", None)
    return subprocess.run(
        [sys.executable, "-m", "kentqa_domain", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    events: list[dict[str, Any]] = [
        {"type": "TeamRegistered", "team_id": "T1", "name": "East 1", "service": "CSW", "area": "East"}
    ]
    events += [
        {
            "type": "AuditCompleted",
            "audit_id": a,
            "kind": "peer",
            "auditor_id": "AUD1",
            "team_id": "T1",
            "completed_on": f"2026-03-0{i + 2}",
            "case_ref": f"C{i}",
            "overall": "inadequate",
        }
        for i, a in enumerate(AUDITS)
    ]
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record_many(events)
    return url


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_outage_then_recovery_delivers_exactly_the_missed_ones_once(
    tmp_path: Path, start_smtp: Callable[..., Any]
) -> None:
    db = _store(tmp_path)
    server = start_smtp()
    server.stop()  # the port is known; nothing listens on it
    channel = server.url(timeout="2")
    run = ("notify", "--as-of", "2026-03-10", "--db", db, "--notify", channel)

    down = kentqa(*run)
    assert down.returncode == 4, down.stderr
    assert (
        f"kentqa: channel {channel} failed: ChannelUnavailable: SMTP server 127.0.0.1:{server.port} unavailable"
        in down.stderr
    )
    with kq.connect(db, policy=kq.Policy()) as qa, Notifications(qa.storage) as outbox:
        pending = outbox.pending()
        delivered = [d for d in outbox.view.deliveries.values() if d.delivered]
    assert len(pending) == 3 and delivered == []

    back = start_smtp(server.port)
    up = kentqa(*run, "--json")
    assert up.returncode == 0, up.stderr
    expected = {f"audit_inadequate:audit:{a}:2026-03-0{i + 2}" for i, a in enumerate(AUDITS)}
    assert {m.message["X-KentQA-Key"] for m in back.inbox.received} == expected
    assert len(back.inbox.received) == 3
    assert all(
        m.message["Subject"].startswith("[KentQA] Audit inadequate: audit:A") for m in back.inbox.received
    )

    again = kentqa(*run)
    assert again.returncode == 0, again.stderr
    assert len(back.inbox.received) == 3
