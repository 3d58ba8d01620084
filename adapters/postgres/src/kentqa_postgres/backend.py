"""The PostgreSQL back end: what eventsourcing's ``eventsourcing.postgres`` does not do.

:class:`PostgresBackend` is the :class:`~kentqa_domain.storage.StorageBackend` that
:func:`kentqa_postgres.open_postgres` gives (decision 1010): the admin operations
(:class:`PostgresAdmin`: the key table in the URL's schema, ``VACUUM FULL`` to scrub), the
reading of PostgreSQL's and psycopg's errors (:meth:`PostgresBackend.classify`, with one
direct connection attempt to say why a pool could not connect), and the core's default page
reader (eventsourcing's ``select_notifications``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import psycopg
import psycopg_pool

from kentqa_domain.state.sql import StateTables
from kentqa_domain.storage import StorageBackend
from kentqa_domain.storage.admin import SQLAdmin, StoreAdmin
from kentqa_domain.storage.faults import UNREACHABLE_ADVICE, Fault, FaultKind, failed

from .tables import PostgresTables


class PostgresAdmin(SQLAdmin):
    """PostgreSQL: ``VACUUM FULL`` rewrites the key and document tables without dead rows."""

    placeholder = "%s"
    blob_type = "BYTEA"

    legacy_checkpoints = "kentqa_checkpoints"

    def qualify(self, table: str) -> str:
        return f'"{self.datastore.schema}"."{table}"'

    def _table_exists_sql(self) -> str:
        return f"SELECT tablename FROM pg_tables WHERE schemaname='{self.datastore.schema}' AND tablename=%s"

    def _originator(self, originator_id: Any) -> Any:
        return originator_id  # a uuid column

    def scrub(self) -> None:
        with self.datastore.get_connection() as conn:
            conn.autocommit = True
            for table in (self.key_table, self.docs_table, *sorted(self.touched)):
                if table.endswith(f'."{self.legacy_checkpoints}"'):
                    continue  # dropped: its files went with it
                conn.execute(f"VACUUM FULL {table}")


#: Texts of a connection that could not be made or was lost.
_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "connection failed",
    "server closed",
    "timeout",
    "couldn't get a connection",
)


def postgres_fault(text: str) -> Fault | None:
    """What a PostgreSQL or psycopg message means; ``None`` if it says nothing known."""
    lowered = " ".join(text.split()).lower()
    if "lock timeout" in lowered:
        return Fault(
            FaultKind.BUSY if "canceling statement due to lock timeout" in lowered else FaultKind.FAILED,
            "PostgreSQL lock timeout: other writers held the events table too long "
            "(raise ?lock_timeout=SECONDS in the postgresql URL)",
        )
    if "password authentication failed" in lowered:
        return Fault(FaultKind.REFUSED, "the database server refused the user name or password")
    if "does not exist" in lowered and "database" in lowered:
        return Fault(FaultKind.MISSING, "the database named in the URL does not exist on the server")
    if any(s in lowered for s in _UNREACHABLE):
        return Fault(FaultKind.UNREACHABLE, UNREACHABLE_ADVICE)
    return None


def diagnose(settings: Mapping[str, str]) -> str | None:
    """Why a pool could not connect: one direct attempt, for its error message (the password
    replaced by ``***``); ``None`` if it connects."""
    try:
        with psycopg.connect(
            dbname=settings.get("POSTGRES_DBNAME"),
            host=settings.get("POSTGRES_HOST"),
            port=settings.get("POSTGRES_PORT"),
            user=settings.get("POSTGRES_USER"),
            password=settings.get("POSTGRES_PASSWORD"),
            connect_timeout=int(settings.get("POSTGRES_CONNECT_TIMEOUT") or 5),
        ):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure here is the diagnosis
        text = str(exc)
        password = settings.get("POSTGRES_PASSWORD")
        return text.replace(password, "***") if password else text


@attrs.frozen
class PostgresBackend(StorageBackend):
    """The back end of one ``postgresql://`` URL: ``settings`` are its eventsourcing settings
    (to diagnose a pool that cannot connect; never shown)."""

    settings: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    def admin(self, recorder: Any) -> StoreAdmin:
        if not type(recorder).__module__.startswith("eventsourcing.postgres"):
            return super().admin(recorder)  # raises: not a PostgreSQL database
        return PostgresAdmin(recorder)

    def state_tables(self, datastore: Any, cipher: Any) -> StateTables:
        if not type(datastore).__module__.startswith("eventsourcing.postgres"):
            return super().state_tables(datastore, cipher)  # raises: not a PostgreSQL database
        return PostgresTables(datastore, cipher)

    def classify(self, exc: BaseException) -> Fault | None:
        """:func:`postgres_fault` of the message; a pool that could not connect is diagnosed by
        one direct attempt (:func:`diagnose`), whose cause the fault shows instead; any other
        psycopg error, or a pool timeout, is a failure of the back end."""
        text = str(exc)
        if "couldn't get a connection" in text and self.settings:
            cause = diagnose(self.settings)
            if cause:
                found = postgres_fault(cause) or failed(exc)
                return attrs.evolve(found, detail=cause)
        fault = postgres_fault(text)
        if fault is None and isinstance(exc, psycopg.Error | psycopg_pool.PoolTimeout):
            return failed(exc)
        return fault
