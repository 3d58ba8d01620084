"""``kentqa notify`` POSTing to a real HTTP receiver on 127.0.0.1: once each, signed; a
receiver failing with 503 leaves everything pending; the next run delivers the missed ones."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import kentqa_domain as kq
from kentqa_domain.storage import redact

Receiver = Any


def kentqa(*args: str, secret: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KENTQA_BLOCK_PLUGINS": "kent_policy",
        "KENTQA_WEBHOOK_SECRET": secret,
        "KENTQA_WEBHOOK_ALLOW_HTTP": "1",
    }
    env.pop("KENTQA_NOTIFY", None)
    return subprocess.run(
        [sys.executable, "-m", "kentqa_domain", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


def test_deliver_once_survive_an_outage_and_never_repeat(
    tmp_path: Path, receiver: Receiver, secret: str
) -> None:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    with kq.connect(db, policy=kq.Policy()) as qa:
        qa.record_json(
            {"type": "TeamRegistered", "team_id": "T1", "name": "East 1", "service": "CSW", "area": "East"}
        )
        for audit in ("A1", "A2"):
            qa.record_json(
                {
                    "type": "AuditCompleted",
                    "audit_id": audit,
                    "kind": "thematic",
                    "auditor_id": "AUD1",
                    "team_id": "T1",
                    "completed_on": "2026-03-02",
                    "overall": "inadequate",
                }
            )
    run = ("notify", "--as-of", "2026-03-10", "--db", db, "--notify", receiver.url, "--json")

    receiver.status = 503
    failed = kentqa(*run, secret=secret)
    assert failed.returncode == 4
    shown = redact(receiver.url)  # the path hidden: webhook tokens live there
    assert (
        f"kentqa: channel {shown} failed: ChannelUnavailable: webhook {shown} answered HTTP 503"
        in failed.stderr
    )
    assert "/hook" not in failed.stderr
    report = json.loads(failed.stdout)
    assert report["channels"][0]["delivered"] == [] and len(report["channels"][0]["deferred"]) == 1
    tried = len(receiver.requests)
    assert tried == 3  # the first pending one, three attempts with backoff; the other waited

    receiver.status = 200
    ok = kentqa(*run, secret=secret)
    assert ok.returncode == 0, ok.stderr
    delivered = receiver.bodies[tried:]
    assert sorted(json.loads(b)["key"] for b in delivered) == [
        "audit_inadequate:audit:A1:2026-03-02",
        "audit_inadequate:audit:A2:2026-03-02",
    ]
    for request, body in zip(receiver.requests[tried:], delivered, strict=True):
        signed = (
            f"{request.headers['X-KentQA-Timestamp']}\n{request.headers['Idempotency-Key']}\n".encode() + body
        )
        assert (
            request.headers["X-KentQA-Signature"]
            == "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        )
        assert request.headers["Idempotency-Key"] == json.loads(body)["key"]

    again = kentqa(*run, secret=secret)
    assert again.returncode == 0 and json.loads(again.stdout)["channels"][0]["delivered"] == []
    assert len(receiver.requests) == tried + 2
