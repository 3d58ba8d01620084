"""Deterministic review ids for formats that have none (SSDA903, CIN census).

A review's id is a hash of the child's ref, the kind, the date and the review's ordinal
among the distinct reviews of that child, kind and day, so importing the same file twice
gives the same ids (the second import stores nothing new) while two different reviews on
one day still get two ids. The ref hashed is the stored ``child_ref`` (pseudonymised when
pseudonymising), so the id reveals nothing the ref does not.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..values import ReviewKind

PREFIX = "rv-"


def review_id(child_ref: str, kind: ReviewKind | str, held_on: dt.date, ordinal: int = 1) -> str:
    """``"rv-"`` + 32 hex digits of SHA-256 over (child_ref, kind, held_on, ordinal)."""
    if ordinal < 1:
        raise ValueError("a review's ordinal counts from 1")
    kind_value = ReviewKind(kind).value
    text = "\x1f".join((child_ref, kind_value, held_on.isoformat(), str(ordinal)))
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
