"""The event store: eventsourcing's ``Application``, configured from a storage URL only.

:class:`~kentqa_domain.application.QualityAssurance` *has* one of these (it is not one): its
recorder stores and reads the events, its mapper seals and reads them. Nothing here checks a
rule; nothing outside the recording path may save through it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import Environment

from .mapper import EventMapper


class EventStore(Application[UUID]):
    """The events of one store (tables named from ``KentQA``)."""

    name = "KentQA"

    def construct_env(self, name: str, env: Any = None) -> Any:
        """Configured by the storage URL only: the process environment is not consulted."""
        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> EventMapper:
        return EventMapper(cipher=self.factory.cipher(), compressor=self.factory.compressor())

    @property
    def event_mapper(self) -> EventMapper:
        mapper: EventMapper = self.mapper  # type: ignore[assignment]
        return mapper
