"""The parts of an open store that erasure, export and history work with (SPEC 9.1, 9.4).

:class:`~kentqa_domain.application.QualityAssurance` has them all. Erasure, export and
history are given something with these parts, so they do not import the façade that calls
them (no import cycle; decision 1011).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

if TYPE_CHECKING:
    from ..privacy.keyring import Keyring
    from ..privacy.reveal import Revealer
    from ..recording.batch import Recording
    from ..serialization.mapper import EventMapper
    from ..storage import Storage
    from ..storage.admin import StoreAdmin
    from .log import LogReader
    from .runner import Projections
    from .sql import StateTables


class Engine(Protocol):
    """An open store's parts: its storage and recorder, keys, log, state tables and projections."""

    #: how far the log has been read for forgettings recorded by other processes
    forgettings_seen: int

    @property
    def storage(self) -> Storage: ...

    @property
    def recorder(self) -> Any: ...

    @property
    def admin(self) -> StoreAdmin: ...

    @property
    def keyring(self) -> Keyring: ...

    @property
    def event_mapper(self) -> EventMapper: ...

    @property
    def log(self) -> LogReader: ...

    @property
    def state_tables(self) -> StateTables: ...

    @property
    def projections(self) -> Projections: ...

    @property
    def revealer(self) -> Revealer: ...

    @property
    def recording(self) -> Recording: ...

    @property
    def erasure_stream(self) -> UUID: ...

    def catch_up(self) -> int: ...

    def scrub(self) -> None: ...
