"""kentqa-cin-census: import the Children in Need census (XML) as kentqa events.

``kentqa import cin-census cin-2022.xml``. See README.md and docs/importers.md of kentqa-domain.
"""

from __future__ import annotations

from .reader import IMPORTER, read

__all__ = ["IMPORTER", "read"]
