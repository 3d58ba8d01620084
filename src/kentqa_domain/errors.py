"""Domain errors: every refusal names the event type, the field and the rule (SPEC section 2).

All are ``ValueError`` subclasses so callers that only know "bad input" can catch that.
"""

from __future__ import annotations


class KentQAError(Exception):
    """Base class of every error raised by kentqa-domain."""


def _printable(text: str) -> str:
    """``text`` safe to print and encode: lone surrogates from hostile input escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class InvalidEvent(KentQAError, ValueError):
    """An event was refused: its shape or content breaks a rule. Nothing was stored."""

    def __init__(
        self, event_type: str, field: str | None, rule: str, message: str, *, index: int | None = None
    ) -> None:
        event_type, message = _printable(event_type), _printable(message)
        field = _printable(field) if field is not None else None
        self.event_type = event_type
        self.field = field
        self.rule = rule
        self.message = message
        self.index = index
        where = f"{event_type}.{field}" if field else event_type
        super().__init__(f"{where}: {message} [rule {rule}]")

    def to_json(self) -> dict[str, object]:
        """A JSON-ready description, as the CLI prints it."""
        return {
            "error": type(self).__name__,
            "event_type": self.event_type,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
        }


class UnknownReference(InvalidEvent):
    """The subject of an event (a worker, team, child, observation, review, ...) was never registered."""


class RuleViolation(InvalidEvent):
    """The event is well formed but breaks a domain rule (e.g. a stage going backwards)."""


class ConflictingEvent(InvalidEvent):
    """An event with the same identity was already recorded with different content (a re-sent
    id with other content; only that: contention is :class:`StoreBusy`)."""


class StorageError(KentQAError, RuntimeError):
    """The storage back end failed or is misconfigured (an unknown URL scheme, a server down)."""


class StoreNotFound(StorageError):
    """A command that only reads was pointed at a store that does not exist (a mistyped
    ``--db``): nothing was created (issue 17, finding 6; exit status 2 on the command line)."""


class StoreBusy(StorageError):
    """Other writers kept the store busy until the retries ran out: a lock held past the lock
    timeout (SQLite's ``?timeout=``, PostgreSQL's ``?lock_timeout=``), or optimistic-concurrency
    conflicts or schema races repeated after every retry (``stamina``, decision 1005). Nothing of
    the operation was stored; doing it again is safe (recording is idempotent). Not refused
    input: exit status 3 on the command line (issue 19)."""


class ScrubIncomplete(StorageError):
    """Wiping freed space could not finish (another process held the SQLite file, e.g. a read
    transaction that kept the write-ahead log from being checkpointed): erased bytes may still
    be in the files. Run the scrub again when the store is quiet (issue 17, finding 8; exit
    status 5 on the command line)."""


class IntegrityCheckFailed(KentQAError, ValueError):
    """``kentqa verify`` (``qa.verify()``, ``replay --verify``) found the store tampered with or
    damaged: a payload that does not open at its row, or a child's key gone without a
    ``ChildForgotten`` fact (issue 17, finding 7). Exit status 1 (a check failed)."""


class PluginError(KentQAError, RuntimeError):
    """A plugin could not be loaded or returned something unusable."""


class ChannelError(KentQAError, RuntimeError):
    """A notification channel did not accept a notification (it stays pending and is retried)."""


class ChannelUnavailable(ChannelError):
    """A channel failed for a reason worth retrying soon: refused connection, timeout, busy server."""


class InvalidInput(KentQAError, ValueError):
    """A query was asked with an argument it cannot take (SPEC 9.5): names the query, the argument
    and what was expected. Not an ``InvalidEvent``: nothing was being recorded."""

    def __init__(self, query: str, argument: str, rule: str, message: str) -> None:
        query, argument, message = _printable(query), _printable(argument), _printable(message)
        self.query = query
        self.argument = argument
        self.rule = rule
        self.message = message
        super().__init__(f"{query}.{argument}: {message} [rule {rule}]")

    @property
    def event_type(self) -> str:
        """The query's name (read like ``InvalidEvent.event_type`` by code that reports both)."""
        return self.query

    @property
    def field(self) -> str:
        """The argument's name (read like ``InvalidEvent.field``)."""
        return self.argument

    def to_json(self) -> dict[str, object]:
        """A JSON-ready description, as the CLI prints it."""
        return {
            "error": type(self).__name__,
            "query": self.query,
            "argument": self.argument,
            "rule": self.rule,
            "message": self.message,
        }
