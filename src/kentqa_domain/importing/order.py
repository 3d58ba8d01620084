"""The order an import records its events in: :mod:`kentqa_domain.recording.order` (SPEC 9.5),
kept here under its first-release name for importers that use it."""

from __future__ import annotations

from ..recording.order import rank, recording_key, recording_order

__all__ = ["rank", "recording_key", "recording_order"]
