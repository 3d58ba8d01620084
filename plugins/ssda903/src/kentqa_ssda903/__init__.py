"""kentqa-ssda903: import the SSDA903 looked-after children return (CSV) as kentqa events.

``kentqa import ssda903 episodes.csv reviews.csv ...`` (tables recognised by their header
row). See README.md and docs/importers.md of kentqa-domain.
"""

from __future__ import annotations

from .reader import IMPORTER, read

__all__ = ["IMPORTER", "read"]
