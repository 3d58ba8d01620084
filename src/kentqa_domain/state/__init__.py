"""The state in the store (SPEC 9.4, decision 0900): the tables per back end (:mod:`.sql`),
stored state as JSON (:mod:`.codec`), the projections and their runners (:mod:`.projections`,
:mod:`.runner`), reading the log (:mod:`.log`) and its head (:mod:`.head`), the delivery
record of notifications (:mod:`.outbox`), and the parts of an open store that erasure, export
and history use (:mod:`.engine`). The plain-Python pieces the areas build on are in
:mod:`kentqa_domain.readmodel`.
"""
