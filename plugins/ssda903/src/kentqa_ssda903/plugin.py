"""The ``kentqa`` entry point: registers the ``ssda903`` import format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kentqa_domain import hookimpl

from .reader import IMPORTER


@hookimpl
def kentqa_register_importers(register: Callable[[str, Any], None]) -> None:
    register(IMPORTER.name, IMPORTER)
