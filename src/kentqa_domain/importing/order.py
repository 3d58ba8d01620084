"""The order an import records its events in: :mod:`kentqa_domain.event_order` (SPEC 9.5),
kept here under its first-release name for importers that use it."""

from __future__ import annotations

from ..event_order import rank, recording_key, recording_order

__all__ = ["rank", "recording_key", "recording_order"]
