"""Importing files as events through importer plugins (hook ``kentqa_register_importers``).

Importers (e.g. ``kentqa-ssda903``, ``kentqa-cin-census``) turn files into located events and
problems; :func:`run_import` records every good event and returns an :class:`ImportReport`.
See docs/importers.md.
"""

from __future__ import annotations

from .model import (
    Duplicate,
    FileRead,
    Importer,
    ImportOptions,
    Item,
    Located,
    Problem,
    SourceLocation,
    open_binary,
)
from .order import recording_key
from .pseudonyms import SECRET_ENV, Pseudonymiser, SecretError
from .review_ids import review_id

__all__ = [
    "SECRET_ENV",
    "Duplicate",
    "FileRead",
    "ImportOptions",
    "Importer",
    "Item",
    "Located",
    "Problem",
    "Pseudonymiser",
    "SecretError",
    "SourceLocation",
    "open_binary",
    "recording_key",
    "review_id",
]
