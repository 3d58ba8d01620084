"""The state's tables, in the same database as the events (SQLite or PostgreSQL; SPEC 9.4).

Plain SQL through eventsourcing's own datastore (its connection pool, locks and transactions),
so that state rows are written in the same transaction as what they follow (the events, or a
projection's tracking position):

- ``kentqa_docs(owner, space, key, position, doc)``: every document of the write model
  (owner ``model``) and of each projection (owner = its name), JSON (sealed by the store's
  cipher when encryption at rest is on); ``position`` is the log position of the change that
  wrote it (index ``(owner, position)``: what changed since a process last looked); in an
  encrypted store also the log head (owner ``head``, decision 0915);
- ``kentqa_identities(key, position, digest)``: one row per event identity (idempotency;
  keyed with the store's secret in an encrypted store, decision 0913);
- ``kentqa_corrections(position, chain, fold_as, identity, digest, mark)``: every log position
  not folded as it stands because a correction or withdrawal replaced it (SPEC 9.1, decision
  0995): ``chain`` the position first recorded, ``fold_as`` on that first row the position of
  the version standing now (0: withdrawn), -1 on the others;
- ``kentqa_projections(name, version, position)``: each projection's shape version and the log
  position its rows reflect (its tracking position);
- each projection's row tables (``kentqa_drift`` ...), declared by the projection
  (:class:`Table`), documented in ``docs/read-model.md`` for analysts.

The tables are declared and read in parts, one module each: the dialect and transactions
(:mod:`.sql_base`), the schema (:mod:`.schema`), documents and row tables
(:mod:`.doc_tables`), projections' positions (:mod:`.position_tables`), identities and
corrections (:mod:`.identity_tables`); each back end's dialect is in :mod:`.backends`.

``memory://`` is an SQLite database in memory, so one code path serves every back end.
"""

from __future__ import annotations

from .doc_tables import DocTables
from .identity_tables import IdentityTables
from .position_tables import PositionTables
from .schema import SchemaTables


class StateTables(SchemaTables, DocTables, PositionTables, IdentityTables):
    """The state tables of one store. Subclasses give each back end's dialect."""
