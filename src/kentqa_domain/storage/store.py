"""The event store: eventsourcing's ``Application``, configured from a storage URL only.

:class:`~kentqa_domain.application.QualityAssurance` *has* one of these (it is not one): its
recorder stores and reads the events, its mapper seals and reads them. Nothing here checks a
rule; nothing outside the recording path may save through it.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import lru_cache, partial
from hashlib import sha256
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.utils import Environment

from ..serialization.mapper import EventMapper


class EventStore(Application[UUID]):
    """The events of one store (tables named from ``KentQA``)."""

    name = "KentQA"
    #: what construct_mapper makes (eventsourcing declares the base ``Mapper``)
    mapper: EventMapper

    def construct_env(self, name: str, env: Any = None) -> Any:
        """Configured by the storage URL only: the process environment is not consulted."""
        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> EventMapper:
        return EventMapper(cipher=self.factory.cipher(), compressor=self.factory.compressor())

    @property
    def event_mapper(self) -> EventMapper:
        return self.mapper


#: The namespace of every stream id (unchanged since the first release: stored streams keep their ids).
STREAM_NAMESPACE = uuid5(NAMESPACE_URL, "https://kentqa.invalid/streams")
#: The stream of ``ChildForgotten`` facts.
ERASURE_STREAM = uuid5(STREAM_NAMESPACE, "erasures")
#: The stream of corrections' and withdrawals' marks (decision 0995).
CORRECTION_STREAM = uuid5(STREAM_NAMESPACE, "corrections")


@lru_cache(maxsize=4096)
def stream_id(stream: str) -> UUID:
    """The eventsourcing originator id of an aggregate stream such as ``"worker:W1"``.

    A child's stream is named by the child's random key id instead (:func:`child_stream_id`):
    ``uuid5`` of ``"child:REF"`` could be recomputed from a guessed reference.
    """
    return uuid5(STREAM_NAMESPACE, stream)


@lru_cache(maxsize=8192)
def child_stream_id(key_id: str) -> UUID:
    """The originator id of a child's stream: from its random key id, not its reference."""
    return uuid5(STREAM_NAMESPACE, f"child-key:{key_id}")


def keyed_stream_id(secret: bytes, stream: str) -> UUID:
    """The originator id of ``stream`` in an encrypted store: an HMAC-SHA256 of its name under
    the store's wrapped secret (decision 0913, issue 17 finding 2). Without the key the secret
    cannot be read, so ``"worker:SW-102"`` cannot be turned into its stream id by guessing."""
    digest = hmac.new(secret, f"stream\x1f{stream}".encode(), sha256).digest()
    return UUID(bytes=digest[:16], version=4)


def stream_ids(secret: bytes | None) -> Callable[[str], UUID]:
    """How this store names aggregate streams: keyed under ``secret`` (an encrypted store), or
    :func:`stream_id` (``uuid5`` of the name: a plain store, whose secret is readable anyway)."""
    if secret is None:
        return stream_id
    return lru_cache(maxsize=4096)(partial(keyed_stream_id, secret))
