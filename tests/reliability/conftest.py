"""Helpers for the reliability tests: run our own scripts as real processes, seed a store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kentqa_domain as kq
from tests.conftest import organisation

ROOT = Path(__file__).resolve().parents[2]

ESCALATION = {
    "type": "EscalationRaised",
    "escalation_id": "E1",
    "raised_by": "IRO1",
    "raised_on": "2026-03-01",
    "stage": "informal",
    "reason": "drift",
    "child_ref": "C-LAC-1",
}


def seed(url: str, **connect: object) -> None:
    """The organisation of tests/conftest.py and escalation E1."""
    with kq.connect(url, policy=kq.Policy(), **connect) as qa:  # type: ignore[arg-type]
        qa.record_many([*organisation(), ESCALATION])


def spawn(
    module: str, *args: str, env: dict[str, str] | None = None, stdin: bool = False
) -> subprocess.Popen[str]:
    """``python -m module args`` from the repository root, output captured (input piped if asked)."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
