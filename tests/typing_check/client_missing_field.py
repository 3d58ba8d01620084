"""A client that forgets required fields: ``mypy`` must refuse it (SPEC 9.5; issue 18).

Type-checked (never run) by tests/typing_check/test_client_typing.py.
"""

from __future__ import annotations

import kentqa_domain as kq

review = kq.events.ReviewHeld(review_id="R1")  # child_ref, kind and held_on are missing
wrong_kind = kq.events.ReviewHeld(review_id="R1", child_ref="C1", kind="lac_review", held_on="2026-01-02")
