"""Helpers for the reliability tests: seed a store (their processes run through tests/cli_run.py)."""

from __future__ import annotations

import kentqa_domain as kq
from tests.conftest import organisation

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
